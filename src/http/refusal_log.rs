//! Logging what an unauthenticated client can repeat at will (failed authentications, and
//! the 401 and 429 answers in the access log) without letting it flood the disk: at most one
//! line of each kind per second, each saying exactly how many were not logged since the
//! line before, and a summary of what is left when a flood stops.

use std::net::IpAddr;
use std::time::Duration;

use super::log_throttle::LogThrottle;

/// At most one line of each kind per this interval.
const INTERVAL: Duration = Duration::from_secs(1);

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
                remote = ?remote,
                reason,
                unlogged_failures_before = unlogged,
                "authentication failed"
            );
        }
    }

    /// An access-log line for a 401 or 429 answer.
    pub fn refused_request(&self, method: &str, route: &str, status: u16, micros: u64) {
        if let Some(unlogged) = self.answers.allow() {
            tracing::info!(method, route, status, micros, unlogged_refusals_before = unlogged, "request");
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
