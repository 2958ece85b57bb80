//! RFC 9112 §3.2: an HTTP/1.1 request without `Host` is answered 400 (in Atlas's envelope),
//! never served.

use axum::extract::Request;
use axum::http::{Version, header};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::error_code::ErrorCode;

/// The 400 for an HTTP/1.1 request that names no host; `None` for every other request.
pub fn refuse_without_host(request: &Request) -> Option<Response> {
    let missing = request.version() == Version::HTTP_11 && !request.headers().contains_key(header::HOST);
    missing.then(|| {
        ApiError::new(ErrorCode::MissingHostHeader, "An HTTP/1.1 request must carry a Host header.", vec![])
            .into_response()
    })
}
