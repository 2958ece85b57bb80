//! One log line per request: method, matched route (never the raw path), status, time. The
//! 401 and 429 answers, which any client can provoke at will, go through the throttled
//! [`RefusalLog`](super::refusal_log::RefusalLog).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;

/// Middleware: logs each request once it is answered.
pub async fn log_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status();
    let micros = started.elapsed().as_micros() as u64;
    if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS) {
        state.refusals.refused_request(method.as_str(), &route, status.as_u16(), micros);
    } else {
        tracing::info!(%method, route, status = status.as_u16(), micros, "request");
    }
    response
}
