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
use super::settings::DeliverySettings;
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
    /// project holds at most its share, so a slow receiver holds up only its own. Each round
    /// records the attempts finished since the last and claims the next in one transaction.
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        tracing::info!(worker = %self.name, lease_secs = self.settings.lease.as_secs(), "delivering notifications");
        match self.sender.mailer() {
            Some(mailer) => {
                tracing::info!(server = mailer.server(), "sending EMAIL notifications through SMTP")
            }
            None => tracing::info!("no SMTP server (--smtp-url): EMAIL notifications are logged as skipped"),
        }
        let slots = Arc::new(Semaphore::new(self.settings.concurrency as usize));
        let mut sending: JoinSet<Attempted> = JoinSet::new();
        let mut finished = Vec::new();
        let mut last_sweep = tokio::time::Instant::now() - self.settings.repeat_sweep;
        while !*stop.borrow() {
            while let Some(done) = sending.try_join_next() {
                finished.extend(done.ok());
            }
            if last_sweep.elapsed() >= self.settings.repeat_sweep {
                last_sweep = tokio::time::Instant::now();
                if let Err(error) = self.store.schedule_repeats(now_ms(), &self.base).await {
                    tracing::warn!(%error, "planning alert repeats failed; trying again later");
                }
            }
            let free = slots.available_permits() as u32;
            if free == 0 && finished.is_empty() {
                // Every slot is sending: go on as soon as one is done.
                tokio::select! {
                    Some(done) = sending.join_next() => finished.extend(done.ok()),
                    _ = stop.changed() => {}
                }
                continue;
            }
            let claimed = self.settle_and_claim(std::mem::take(&mut finished), free).await;
            // Fewer than asked for: nothing more may go now (none due, or each destination
            // with some at its share), so claiming again at once would find nothing.
            let idle = (claimed.len() as u32) < free;
            for notification in claimed {
                let Ok(slot) = slots.clone().acquire_owned().await else { break };
                let worker = self.clone();
                sending.spawn(async move {
                    let attempt = worker.deliver(notification).await;
                    drop(slot);
                    attempt
                });
            }
            if idle {
                // Wait until something may be taken: a send finishing frees its destination's
                // share; time brings retries due.
                tokio::select! {
                    _ = tokio::time::sleep(self.settings.idle_wait) => {}
                    Some(done) = sending.join_next(), if !sending.is_empty() => finished.extend(done.ok()),
                    _ = stop.changed() => {}
                }
            }
        }
        // Attempts finished are recorded; sends under way are dropped, their leases run out
        // and they are sent again.
        while let Some(done) = sending.try_join_next() {
            finished.extend(done.ok());
        }
        self.settle_and_claim(finished, 0).await;
        sending.shutdown().await;
    }

    /// Records `finished` and claims up to `limit` due notifications within their shares
    /// (none if the database fails, which is logged: the finished ones are then sent again
    /// when their leases run out).
    async fn settle_and_claim(&self, finished: Vec<Attempted>, limit: u32) -> Vec<Claimed> {
        if finished.is_empty() && limit == 0 {
            return Vec::new();
        }
        let now = now_ms();
        let lease_until = now + self.settings.lease.as_millis() as i64;
        let claim = Claim {
            now_ms: now,
            limit,
            per_destination: self.settings.per_destination,
            per_project: self.settings.per_project,
        };
        let count = finished.len();
        match self.store.settle_and_claim(&self.name, finished, lease_until, claim).await {
            Ok(settled) => {
                for id in settled.lost {
                    tracing::warn!(notification = %id, "a notification's lease ran out while it was sent; another worker has it");
                }
                if !settled.claimed.is_empty() {
                    tracing::debug!(worker = %self.name, count = settled.claimed.len(), "claimed notifications");
                }
                settled.claimed
            }
            Err(error) => {
                tracing::warn!(%error, unrecorded = count, "recording attempts and claiming notifications failed; trying again shortly");
                Vec::new()
            }
        }
    }

    /// Sends one notification; the attempt, for the next round to record.
    async fn deliver(&self, notification: Claimed) -> Attempted {
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
            Verdict::Skipped => ("SKIPPED", None, "skipped"),
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
        Attempted { id: notification.id, status, retry_at_ms, status_code: sent.status, error, at_ms: now }
    }
}
