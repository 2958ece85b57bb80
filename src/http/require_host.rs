//! RFC 9112 §3.2: an HTTP/1.1 request without `Host`, and any request with more than one, is
//! answered 400 (in Atlas's envelope), never served.

use axum::extract::Request;
use axum::http::{Version, header};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::error_code::ErrorCode;

/// The 400 for an HTTP/1.1 request that names no host, or a request that names several;
/// `None` for every other request.
pub fn refuse_without_host(request: &Request) -> Option<Response> {
    let hosts = request.headers().get_all(header::HOST).iter().count();
    let refusal = match hosts {
        0 if request.version() == Version::HTTP_11 => ApiError::new(
            ErrorCode::MissingHostHeader,
            "An HTTP/1.1 request must carry a Host header.",
            vec![],
        ),
        0 | 1 => return None,
        _ => ApiError::new(
            ErrorCode::DuplicateHostHeader,
            "A request must carry one Host header, not several.",
            vec![],
        ),
    };
    Some(refusal.into_response())
}
