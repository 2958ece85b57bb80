//! Fixed-window counters: Atlas's per-project request limit (`RateLimit-Limit`,
//! `RateLimit-Remaining`, 429 `RATE_LIMITED` with `Retry-After`) and the throttle on repeated
//! failed authentications of one public key from one address (`counters`). On SQLite (one
//! server) the request counters live in memory; on PostgreSQL a project's requests are counted
//! for the whole deployment ([`super::shared_rate`]). The failure throttles are per replica.

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
    /// Failed authentications from one address (an IPv6 /64) per window, under any names,
    /// after which each further failure from it is answered only after [`FAILURE_DELAY`].
    pub address_failures: u32,
    /// Alert configurations one project may hold.
    pub alert_configs_per_project: u32,
}

/// How long a failure is held back once its address is over its limit: a client that
/// floods the server with guesses under ever new names waits this long for each answer,
/// at no cost to the server, while the address's own valid requests are not delayed.
pub const FAILURE_DELAY: Duration = Duration::from_millis(250);

/// The block an address is counted in: itself for IPv4, its /64 for IPv6 (one subscriber's
/// usual allocation).
pub fn address_block(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V4(_) => ip,
        std::net::IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            std::net::IpAddr::V6(prefix.into())
        }
    }
}

impl Default for Limits {
    /// Atlas's 1,200 requests a minute per project; 20 failed authentications a minute.
    fn default() -> Self {
        Limits {
            requests_per_window: 1200,
            window: Duration::from_secs(60),
            auth_failures: 20,
            auth_failure_window: Duration::from_secs(60),
            address_failures: 100,
            alert_configs_per_project: 500,
        }
    }
}

/// Keys each counter remembers at most (about 150 bytes each).
const COUNTER_CAPACITY: usize = 100_000;

/// The counters one server keeps.
pub struct RateLimits {
    /// Requests per project, in this replica's memory.
    pub requests: Counter<String>,
    /// Requests per project for the whole deployment (replicas on PostgreSQL), instead.
    pub shared_requests: Option<std::sync::Arc<super::shared_rate::SharedRequestLimit>>,
    /// Failed authentications per (public key, client address).
    pub auth_failures: Counter<(String, std::net::IpAddr)>,
    /// Failed authentications per address block, whatever the name.
    pub address_failures: Counter<std::net::IpAddr>,
    /// Alert configurations one project may hold.
    pub alert_configs_per_project: u32,
}

impl RateLimits {
    /// Counters for `limits`.
    pub fn new(limits: Limits) -> Self {
        RateLimits {
            requests: Counter::new(limits.requests_per_window, limits.window, COUNTER_CAPACITY),
            shared_requests: None,
            auth_failures: Counter::new(limits.auth_failures, limits.auth_failure_window, COUNTER_CAPACITY),
            address_failures: Counter::new(
                limits.address_failures,
                limits.auth_failure_window,
                COUNTER_CAPACITY,
            ),
            alert_configs_per_project: limits.alert_configs_per_project,
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

    // Per project; the organization's operations count against the organization.
    let scope =
        |wanted: &str| params.iter().find(|(name, _)| *name == wanted).map(|(_, value)| value.to_owned());
    let group =
        scope("group_id").or_else(|| scope("org_id").map(|org| format!("org:{org}"))).unwrap_or_default();
    let counted_against = if group.starts_with("org:") { "organization" } else { "project" };
    let (limit, verdict) = match &state.limits.shared_requests {
        Some(shared) => (shared.limit(), shared.hit(&group).await),
        None => (state.limits.requests.limit(), state.limits.requests.hit(group, Instant::now())),
    };
    let (mut response, remaining) = match verdict {
        Verdict::Allowed { remaining } => (next.run(request).await, remaining),
        Verdict::Limited { retry_after } => {
            crate::telemetry::metrics::rate_limited(counted_against);
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
    fn ipv6_addresses_are_counted_by_their_64_and_ipv4_by_themselves() {
        let a = address_block("2001:db8:1:2:aaaa::1".parse().unwrap());
        assert_eq!(a, address_block("2001:db8:1:2:ffff::9".parse().unwrap()));
        assert_eq!(a.to_string(), "2001:db8:1:2::");
        assert_ne!(a, address_block("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(address_block("192.0.2.7".parse().unwrap()).to_string(), "192.0.2.7");
    }
}
