//! Whether writes are failing: a change that fails in the database (disk full, I/O error,
//! the database gone) marks the store unhealthy until a write succeeds again, so that
//! `/readyz` can take the replica out of a load balancer. While unhealthy, `/readyz` probes
//! with a write of its own, so the replica comes back by itself once writes work again.

use std::sync::atomic::{AtomicBool, Ordering};

use super::error::StoreError;

/// The last write's outcome, as far as the database (not the request) is concerned.
#[derive(Debug, Default)]
pub struct WriteHealth {
    failing: AtomicBool,
}

impl WriteHealth {
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
