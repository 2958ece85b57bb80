//! RFC 9112 §3.2: an HTTP/1.1 request without `Host` is answered 400 (in Atlas's envelope),
//! never served.

use axum::extract::Request;
use axum::http::{Version, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::error_code::ErrorCode;

/// Middleware: refuses HTTP/1.1 requests that name no host.
pub async fn require_host(request: Request, next: Next) -> Response {
    if request.version() == Version::HTTP_11 && !request.headers().contains_key(header::HOST) {
        return ApiError::new(
            ErrorCode::MissingHostHeader,
            "An HTTP/1.1 request must carry a Host header.",
            vec![],
        )
        .into_response();
    }
    next.run(request).await
}
