//! Fixed-window counters: Atlas's per-project request limit (`RateLimit-Limit`,
//! `RateLimit-Remaining`, 429 `RATE_LIMITED` with `Retry-After`) and the throttle on repeated
//! failed authentications of one public key from one address. Counters live in each replica's
//! memory, so with N replicas the effective limit is N times the configured one.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// The outcome of counting one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Let it through; `remaining` more fit in this window.
    Allowed {
        /// Requests left in the window.
        remaining: u32,
    },
    /// Refuse it; the window ends in `retry_after` seconds.
    Limited {
        /// Whole seconds until the window ends (at least 1).
        retry_after: u64,
    },
}

struct Window {
    started: Instant,
    count: u32,
}

/// Counters per key over fixed windows.
pub struct Counter<K> {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<K, Window>>,
}

/// Above this many keys, windows that have ended are swept out.
const SWEEP_ABOVE: usize = 10_000;

impl<K: Eq + Hash> Counter<K> {
    /// `limit` events per `window` for each key.
    pub fn new(limit: u32, window: Duration) -> Self {
        Counter { limit, window, windows: Mutex::new(HashMap::new()) }
    }

    /// The limit per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    fn retry_after(&self, started: Instant, now: Instant) -> u64 {
        let left = self.window.saturating_sub(now.duration_since(started));
        left.as_secs_f64().ceil().max(1.0) as u64
    }

    /// Counts one event for `key` at `now`.
    pub fn hit(&self, key: K, now: Instant) -> Verdict {
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > SWEEP_ABOVE {
            windows.retain(|_, w| now.duration_since(w.started) < self.window);
        }
        let window = windows.entry(key).or_insert(Window { started: now, count: 0 });
        if now.duration_since(window.started) >= self.window {
            *window = Window { started: now, count: 0 };
        }
        if window.count >= self.limit {
            return Verdict::Limited { retry_after: self.retry_after(window.started, now) };
        }
        window.count += 1;
        Verdict::Allowed { remaining: self.limit - window.count }
    }

    /// Whether `key` has used up its window, without counting.
    pub fn exhausted(&self, key: &K, now: Instant) -> Option<u64> {
        let windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let window = windows.get(key)?;
        let live = now.duration_since(window.started) < self.window;
        (live && window.count >= self.limit).then(|| self.retry_after(window.started, now))
    }

    /// Forgets `key` (a success clears its failures).
    pub fn clear(&self, key: &K) {
        self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(key);
    }
}

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
            requests: Counter::new(limits.requests_per_window, limits.window),
            auth_failures: Counter::new(limits.auth_failures, limits.auth_failure_window),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_then_limits_until_the_window_ends() {
        let counter = Counter::new(3, Duration::from_secs(60));
        let start = Instant::now();
        assert_eq!(counter.hit("p", start), Verdict::Allowed { remaining: 2 });
        assert_eq!(counter.hit("p", start), Verdict::Allowed { remaining: 1 });
        assert_eq!(counter.hit("p", start), Verdict::Allowed { remaining: 0 });
        assert_eq!(counter.hit("p", start + Duration::from_secs(20)), Verdict::Limited { retry_after: 40 });
        assert_eq!(counter.hit("q", start), Verdict::Allowed { remaining: 2 }, "keys are separate");
        assert_eq!(counter.hit("p", start + Duration::from_secs(60)), Verdict::Allowed { remaining: 2 });
    }

    #[test]
    fn exhaustion_is_seen_without_counting_and_cleared_on_demand() {
        let counter = Counter::new(1, Duration::from_secs(10));
        let start = Instant::now();
        assert_eq!(counter.exhausted(&"k", start), None);
        counter.hit("k", start);
        assert_eq!(counter.exhausted(&"k", start + Duration::from_millis(500)), Some(10));
        counter.clear(&"k");
        assert_eq!(counter.exhausted(&"k", start), None);
    }
}
