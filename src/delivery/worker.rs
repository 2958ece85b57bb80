//! The delivery worker every `serve` process runs: it claims due notifications with a lease
//! (on PostgreSQL, rows another replica holds are skipped; a claim whose lease ran out is
//! taken again), sends them concurrently, and records each attempt as the retry policy
//! judges it. Now and then it plans the repeats of open, unacknowledged alerts. Raising an
//! alert never waits for it: the outbox is its only link to the request path.

use std::sync::Arc;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::client::Sender;
use super::retry::{Verdict, judge};
pub use super::settings::DeliverySettings;
use crate::domain::alerts::outbox::{Attempted, Claim, Claimed, mask_urls};
use crate::store::{Store, now_ms};

/// A running worker.
pub struct Worker {
    store: Arc<dyn Store>,
    sender: Sender,
    settings: DeliverySettings,
    name: String,
    base: String,
}

impl Worker {
    /// A worker on `store`; webhook bodies of repeats link under `base`.
    pub fn new(store: Arc<dyn Store>, settings: DeliverySettings, base: String) -> Result<Worker, String> {
        let mut id = [0u8; 6];
        getrandom::fill(&mut id).map_err(|e| format!("no random source: {e}"))?;
        Ok(Worker {
            sender: Sender::new(&settings)?,
            store,
            settings,
            name: format!("worker-{}", hex::encode(id)),
            base,
        })
    }

    /// Runs until `stop` turns true; what is claimed but unsent then is taken again when its
    /// lease runs out (by this process after a restart, or another replica). Up to
    /// `concurrency` notifications are in flight at once, of which one destination or one
    /// project holds at most its share, so a slow receiver holds up only its own.
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        tracing::info!(worker = %self.name, lease_secs = self.settings.lease.as_secs(), "delivering notifications");
        let slots = Arc::new(Semaphore::new(self.settings.concurrency as usize));
        let mut sending = JoinSet::new();
        let mut last_sweep = tokio::time::Instant::now() - self.settings.repeat_sweep;
        while !*stop.borrow() {
            while sending.try_join_next().is_some() {}
            if last_sweep.elapsed() >= self.settings.repeat_sweep {
                last_sweep = tokio::time::Instant::now();
                if let Err(error) = self.store.schedule_repeats(now_ms(), &self.base).await {
                    tracing::warn!(%error, "planning alert repeats failed; trying again later");
                }
            }
            let free = slots.available_permits() as u32;
            if free == 0 {
                // Every slot is sending: claim again as soon as one is done.
                tokio::select! {
                    _ = sending.join_next() => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
            let claimed = self.claim(free).await;
            let idle = claimed.is_empty();
            for notification in claimed {
                let Ok(slot) = slots.clone().acquire_owned().await else { break };
                let worker = self.clone();
                sending.spawn(async move {
                    worker.deliver(notification).await;
                    drop(slot);
                });
            }
            if idle {
                // Nothing could be taken: wait until something may be (a send finishing frees
                // its destination's share; time brings retries due).
                tokio::select! {
                    _ = tokio::time::sleep(self.settings.idle_wait) => {}
                    Some(_) = sending.join_next(), if !sending.is_empty() => {}
                    _ = stop.changed() => {}
                }
            }
        }
        // Sends under way are dropped; their leases run out and they are sent again.
        sending.shutdown().await;
    }

    /// Claims up to `limit` due notifications within their shares (none if the database
    /// fails, which is logged).
    async fn claim(&self, limit: u32) -> Vec<Claimed> {
        let now = now_ms();
        let lease_until = now + self.settings.lease.as_millis() as i64;
        let claim = Claim {
            now_ms: now,
            limit,
            per_destination: self.settings.per_destination,
            per_project: self.settings.per_project,
        };
        match self.store.claim_notifications(&self.name, lease_until, claim).await {
            Ok(claimed) => {
                if !claimed.is_empty() {
                    tracing::debug!(worker = %self.name, count = claimed.len(), "claimed notifications");
                }
                claimed
            }
            Err(error) => {
                tracing::warn!(%error, "claiming notifications failed; trying again shortly");
                Vec::new()
            }
        }
    }

    /// Sends one notification and records the attempt.
    async fn deliver(&self, notification: Claimed) {
        let started = std::time::Instant::now();
        let sent = self.sender.send(&notification.delivery, &notification.id.to_string()).await;
        let took = started.elapsed();
        let mut jitter = [0u8; 2];
        let _ = getrandom::fill(&mut jitter);
        let jitter = f64::from(u16::from_le_bytes(jitter)) / 65_536.0;
        let now = now_ms();
        let verdict = judge(
            &self.settings.retry,
            &sent.outcome,
            notification.attempts,
            notification.first_attempt_ms,
            now,
            jitter,
        );
        let (status, retry_at_ms, outcome) = match verdict {
            Verdict::Delivered => ("DELIVERED", None, "delivered"),
            Verdict::RetryAt(at) => ("PENDING", Some(at), "retry"),
            Verdict::Failed => ("FAILED", None, "failed"),
        };
        crate::telemetry::metrics::notification(&notification.type_name, outcome, took);
        let error = sent.error.as_deref().map(mask_urls);
        tracing::info!(
            notification = %notification.id,
            alert = %notification.alert_id,
            event = %notification.event,
            type_name = %notification.type_name,
            attempt = notification.attempts,
            status_code = sent.status,
            outcome = status,
            error = error.as_deref().unwrap_or(""),
            "notification attempted"
        );
        let attempt = Attempted { id: notification.id, status, retry_at_ms, status_code: sent.status, error };
        match self.store.record_attempt(&self.name, &attempt, now).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(notification = %notification.id, "a notification's lease ran out while it was sent; another worker has it")
            }
            Err(error) => {
                tracing::warn!(%error, notification = %notification.id, "recording an attempt failed; it will be sent again")
            }
        }
    }
}
