//! A handler that panics answers 500 in Atlas's envelope (`UNEXPECTED_ERROR`, nothing
//! internal in `detail`), the panic is logged with its route, and the connection and the
//! server go on serving.

use std::panic::AssertUnwindSafe;

use std::future::Future;

use axum::http::Method;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;

use super::error::ApiError;

/// Runs `answer`; a panic inside it becomes a 500, logged with the method and route.
pub async fn answer_catching_panics(
    answer: impl Future<Output = Response>,
    method: &Method,
    route: &str,
) -> Response {
    match AssertUnwindSafe(answer).catch_unwind().await {
        Ok(response) => response,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".to_owned());
            tracing::error!(%method, route, panic = message, "a handler panicked");
            ApiError::unexpected().into_response()
        }
    }
}

/// Test builds only: a request carrying `X-Atlas-Fault: panic` panics inside its handler
/// chain, and one carrying `X-Atlas-Fault: hang` never finishes, so that the tests can prove
/// what a panic and a stuck request do.
#[cfg(feature = "fault-hooks")]
pub async fn fault_hook(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    match request.headers().get("x-atlas-fault").map(|value| value.as_bytes()) {
        Some(b"panic") => panic!("a fault was injected by a test"),
        Some(b"hang") => std::future::pending().await,
        _ => next.run(request).await,
    }
}
