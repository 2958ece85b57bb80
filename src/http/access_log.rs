//! The outermost middleware of the application: one log line per request (method, matched
//! route, never the raw path, status, time), with the 401 and 429 answers that any client can
//! provoke at will going through the throttled [`RefusalLog`]. It also refuses HTTP/1.1
//! requests without `Host` and turns a panic anywhere below it into a 500, so that those
//! answers are logged like any other.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use super::catch_panic::answer_catching_panics;
use super::refusal_log::RefusalLog;
use super::require_host::refuse_without_host;

/// Middleware: answers, then logs.
pub async fn log_request(State(refusals): State<Arc<RefusalLog>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or("(unmatched)", MatchedPath::as_str);
    let response = match refuse_without_host(&request) {
        Some(refused) => refused,
        None => answer_catching_panics(next.run(request), &method, route).await,
    };
    let status = response.status();
    let micros = started.elapsed().as_micros() as u64;
    if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS) {
        refusals.refused_request(method.as_str(), route, status.as_u16(), micros);
    } else {
        tracing::info!(%method, route, status = status.as_u16(), micros, "request");
    }
    response
}
