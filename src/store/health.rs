//! Whether writes are failing: a change that fails in the database (disk full, I/O error,
//! the database gone) marks the store unhealthy until a write succeeds again, so that
//! `/readyz` can take the replica out of a load balancer. While unhealthy, `/readyz` probes
//! with a write of its own, so the replica comes back by itself once writes work again.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::error::StoreError;

/// How long a successful readiness probe speaks for the database: calls of `/readyz` in
/// between share it, so polling costs at most one small write a second.
pub const PROBE_HOLDS: Duration = Duration::from_secs(1);

/// The last write's outcome, as far as the database (not the request) is concerned.
#[derive(Debug, Default)]
pub struct WriteHealth {
    failing: AtomicBool,
    last_good_probe: Mutex<Option<Instant>>,
}

impl WriteHealth {
    /// Whether a readiness probe succeeded within [`PROBE_HOLDS`] and no write failed since.
    pub fn recently_probed(&self) -> bool {
        let last = *self.last_good_probe.lock().unwrap_or_else(|e| e.into_inner());
        !self.is_failing() && last.is_some_and(|at| at.elapsed() < PROBE_HOLDS)
    }

    /// Records a readiness probe's outcome and hands it back.
    pub fn observe_probe(&self, outcome: Result<(), StoreError>) -> Result<(), StoreError> {
        let outcome = self.observe(outcome);
        *self.last_good_probe.lock().unwrap_or_else(|e| e.into_inner()) = outcome.is_ok().then(Instant::now);
        outcome
    }

    /// Records the outcome of a write; refusals by the domain say nothing about the database.
    pub fn record<T>(&self, outcome: &Result<T, StoreError>) {
        match outcome {
            Ok(_) => self.failing.store(false, Ordering::Relaxed),
            Err(error) if error.is_database_failure() => self.failing.store(true, Ordering::Relaxed),
            Err(_) => {}
        }
    }

    /// Records `outcome` and hands it back.
    pub fn observe<T>(&self, outcome: Result<T, StoreError>) -> Result<T, StoreError> {
        self.record(&outcome);
        outcome
    }

    /// Whether the last write that reached the database failed.
    pub fn is_failing(&self) -> bool {
        self.failing.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::integration::{ChangeError, IntegrationType};

    #[test]
    fn a_database_failure_marks_writes_failing_until_a_write_succeeds() {
        let health = WriteHealth::default();
        health.record::<()>(&Err(StoreError::Failed("disk full".into())));
        assert!(health.is_failing());
        health.record::<()>(&Err(StoreError::Rejected(ChangeError::NotConfigured(IntegrationType::Slack))));
        assert!(health.is_failing(), "a refusal is no success");
        health.record(&Ok(()));
        assert!(!health.is_failing());
        health.record::<()>(&Err(StoreError::Conflict("exists".into())));
        assert!(!health.is_failing(), "nor is it a failure");
    }
}
