//! The outermost middleware of the application: one log line per request (request id,
//! method, matched route (never the raw path), status, latency, client address, and the
//! public key or client id that authenticated), the request's metrics, and the request id
//! returned as `X-Request-Id`. The 401 and 429 answers that any client can provoke at will
//! go through the throttled [`RefusalLog`]. It also refuses HTTP/1.1 requests without
//! `Host` and turns a panic anywhere below it into a 500, so that those answers are logged
//! like any other.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::AppState;
use super::catch_panic::answer_catching_panics;
use super::client_ip::client_ip;
use super::refusal_log::RequestLine;
use super::require_host::refuse_without_host;
use crate::telemetry::metrics;

/// The header that carries a request's id, both ways.
pub const REQUEST_ID: &str = "x-request-id";

/// Who a request authenticated as (a public key or a client id, never a secret), put in the
/// response's extensions by authentication for this log.
#[derive(Clone, Debug)]
pub struct Credential(pub String);

/// Middleware: answers, then logs and counts.
pub async fn log_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request_id(request.headers());
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or("(unmatched)", MatchedPath::as_str);
    let (parts, body) = request.into_parts();
    let client = client_ip(&parts, &state.trusted_proxies);
    let request = Request::from_parts(parts, body);
    let span = tracing::info_span!("request", request_id = %request_id);
    let mut response = match refuse_without_host(&request) {
        Some(refused) => refused,
        None => answer_catching_panics(next.run(request), &method, route).instrument(span).await,
    };
    let elapsed = started.elapsed();
    let status = response.status();
    metrics::request(&method, route, status.as_u16(), elapsed);
    let credential = response.extensions_mut().remove::<Credential>();
    let line = RequestLine {
        request_id: &request_id,
        method: method.as_str(),
        route,
        status: status.as_u16(),
        latency_ms: elapsed.as_secs_f64() * 1_000.0,
        client,
        credential: credential.as_ref().map(|c| c.0.as_str()),
    };
    if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS) {
        state.refusals.refused_request(&line);
    } else {
        line.log(None);
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// The client's request id when it is a sensible one (1 to 64 letters, digits, `-`, `_`,
/// `.`), otherwise a new one.
fn request_id(headers: &HeaderMap) -> String {
    let given = headers.get(REQUEST_ID).and_then(|value| value.to_str().ok());
    match given {
        Some(id)
            if (1..=64).contains(&id.len())
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) =>
        {
            id.to_owned()
        }
        _ => new_request_id(),
    }
}

/// A new id: this process's random prefix and a count, 32 hex digits, unique across replicas
/// and restarts without asking the system for randomness on every request.
fn new_request_id() -> String {
    static PREFIX: LazyLock<u64> = LazyLock::new(|| {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).expect("the system's random source works");
        u64::from_le_bytes(bytes)
    });
    static COUNT: AtomicU64 = AtomicU64::new(0);
    format!("{:016x}{:016x}", *PREFIX, COUNT.fetch_add(1, Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sensible_request_id_is_kept_and_anything_else_replaced() {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, HeaderValue::from_static("trace-42.a_b"));
        assert_eq!(request_id(&headers), "trace-42.a_b");
        headers.insert(REQUEST_ID, HeaderValue::from_static("has space"));
        let replaced = request_id(&headers);
        assert_eq!(replaced.len(), 32);
        assert!(replaced.bytes().all(|b| b.is_ascii_hexdigit()));
        headers.insert(REQUEST_ID, HeaderValue::from_str(&"a".repeat(65)).unwrap());
        assert_ne!(request_id(&headers), "a".repeat(65));
        assert_eq!(request_id(&HeaderMap::new()).len(), 32);
        assert_ne!(request_id(&HeaderMap::new()), request_id(&HeaderMap::new()), "each id is new");
    }
}
