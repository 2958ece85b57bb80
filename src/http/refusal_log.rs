//! Logging what an unauthenticated client can repeat at will (failed authentications, and
//! the 401 and 429 answers in the access log) without letting it flood the disk: at most one
//! line of each kind per second, each saying exactly how many were not logged since the
//! line before, and a summary of what is left when a flood stops.

use std::net::IpAddr;
use std::time::Duration;

use super::log_throttle::LogThrottle;

/// At most one line of each kind per this interval.
const INTERVAL: Duration = Duration::from_secs(1);

/// What the access log says of one request.
pub struct RequestLine<'a> {
    /// The request's id (also sent back as `X-Request-Id`).
    pub request_id: &'a str,
    /// The method.
    pub method: &'a str,
    /// The route template, never the path.
    pub route: &'a str,
    /// The answer's status.
    pub status: u16,
    /// From the head's arrival to the answer.
    pub latency_ms: f64,
    /// The client's address, as far as it can be trusted.
    pub client: Option<IpAddr>,
    /// The public key or client id that authenticated, if one did.
    pub credential: Option<&'a str>,
}

impl RequestLine<'_> {
    /// Writes the line; `unlogged` counts the refusals left out before it, if it is one.
    pub fn log(&self, unlogged: Option<u64>) {
        let client = self.client.map(|ip| ip.to_string());
        tracing::info!(
            request_id = self.request_id,
            method = self.method,
            route = self.route,
            status = self.status,
            latency_ms = (self.latency_ms * 1_000.0).round() / 1_000.0,
            client = client.as_deref().unwrap_or("-"),
            credential = self.credential.unwrap_or("-"),
            unlogged_refusals_before = unlogged,
            "request"
        );
    }
}

/// The throttled lines of one server.
pub struct RefusalLog {
    failures: LogThrottle,
    answers: LogThrottle,
}

impl Default for RefusalLog {
    fn default() -> Self {
        RefusalLog { failures: LogThrottle::new(INTERVAL), answers: LogThrottle::new(INTERVAL) }
    }
}

impl RefusalLog {
    /// A failed authentication; `public_key` only when it has a public key's form, so that a
    /// mistyped private key never reaches a log.
    pub fn authentication_failed(&self, public_key: Option<&str>, remote: Option<IpAddr>, reason: &str) {
        if let Some(unlogged) = self.failures.allow() {
            tracing::info!(
                public_key = public_key.unwrap_or("(not a public key)"),
                remote = remote.map(|ip| ip.to_string()).as_deref().unwrap_or("-"),
                reason,
                unlogged_failures_before = unlogged,
                "authentication failed"
            );
        }
    }

    /// An access-log line for a 401 or 429 answer.
    pub fn refused_request(&self, line: &RequestLine<'_>) {
        if let Some(unlogged) = self.answers.allow() {
            line.log(Some(unlogged));
        }
    }

    /// Logs how many lines were left out since the last one, if any (call periodically and
    /// at shutdown, so that the counts add up when a flood stops).
    pub fn summarize(&self) {
        let (failures, answers) = (self.failures.take_suppressed(), self.answers.take_suppressed());
        if failures + answers > 0 {
            tracing::info!(
                unlogged_failures = failures,
                unlogged_refusals = answers,
                "authentication failures and refused requests not logged one by one"
            );
        }
    }
}
