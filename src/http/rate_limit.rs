//! Fixed-window counters: Atlas's per-project request limit (`RateLimit-Limit`,
//! `RateLimit-Remaining`, 429 `RATE_LIMITED` with `Retry-After`) and the throttle on repeated
//! failed authentications of one public key from one address (`counters`). Counters live in
//! each replica's memory, so with N replicas the effective limit is N times the configured one.

use std::time::{Duration, Instant};

pub use super::counters::{Counter, Verdict};

/// The limits in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Requests one project may receive per window.
    pub requests_per_window: u32,
    /// The request window.
    pub window: Duration,
    /// Failed authentications one public key may have from one address per window before
    /// that pair is refused.
    pub auth_failures: u32,
    /// The window of failed authentications.
    pub auth_failure_window: Duration,
}

impl Default for Limits {
    /// Atlas's 1,200 requests a minute per project; 20 failed authentications a minute.
    fn default() -> Self {
        Limits {
            requests_per_window: 1200,
            window: Duration::from_secs(60),
            auth_failures: 20,
            auth_failure_window: Duration::from_secs(60),
        }
    }
}

/// Keys each counter remembers at most (about 150 bytes each).
const COUNTER_CAPACITY: usize = 100_000;

/// The counters one server keeps.
pub struct RateLimits {
    /// Requests per project.
    pub requests: Counter<String>,
    /// Failed authentications per (public key, client address).
    pub auth_failures: Counter<(String, std::net::IpAddr)>,
}

impl RateLimits {
    /// Counters for `limits`.
    pub fn new(limits: Limits) -> Self {
        RateLimits {
            requests: Counter::new(limits.requests_per_window, limits.window, COUNTER_CAPACITY),
            auth_failures: Counter::new(limits.auth_failures, limits.auth_failure_window, COUNTER_CAPACITY),
        }
    }
}

/// Middleware on the resource's routes: counts the request against its project, adds
/// `RateLimit-Limit` and `RateLimit-Remaining` to the answer, or answers 429.
pub async fn limit_requests(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    params: axum::extract::RawPathParams,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::HeaderValue;
    use axum::response::IntoResponse;

    let group = params.iter().find(|(name, _)| *name == "group_id").map_or("", |(_, value)| value).to_owned();
    let limit = state.limits.requests.limit();
    let (mut response, remaining) = match state.limits.requests.hit(group, Instant::now()) {
        Verdict::Allowed { remaining } => (next.run(request).await, remaining),
        Verdict::Limited { retry_after } => {
            (super::error::ApiError::rate_limited(limit, retry_after).into_response(), 0)
        }
    };
    let headers = response.headers_mut();
    headers.insert("ratelimit-limit", HeaderValue::from(limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(remaining));
    response
}
