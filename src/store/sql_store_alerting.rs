//! [`AlertStore`] for either engine, written once, as [`super::sql_store`] is for the rest.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::alerting::{AlertStore, Backlog};
use std::sync::Arc;

use super::clock::now_ms;
use super::config_memory::ProjectConfigs;
use super::error::StoreError;
use super::queries::alert_changes::{self, Configs};
use super::queries::{alert_configs, alerts, outbox, stats};
use super::sql::{Engine, work};
use super::sql_store::SqlStore;
use crate::domain::alerts::alert::{Acknowledgement, Alert, AlertFilter};
use crate::domain::alerts::config::{AlertConfig, AlertSettings};
use crate::domain::alerts::observation::Observation;
use crate::domain::alerts::outbox::{Attempted, Claim, NotificationRecord, Redelivery, Settled};
use crate::domain::alerts::report::{Changes, Report};
use crate::domain::alerts::stats::AlertingStats;
use crate::domain::ids::{GroupId, ObjectId};

/// Most alerts one write transaction of the repeat sweep looks at: a batch holds the writer
/// for a few milliseconds, and other writes go between batches.
const REPEAT_BATCH: u32 = 32;

impl<E: Engine> SqlStore<E> {
    /// Opens `group`'s configurations on a reader, if they changed, so the write transaction
    /// that needs them finds them in memory instead of opening (and compiling) them while it
    /// holds the writer.
    async fn open_configs_of(&self, group: GroupId) -> Result<Arc<ProjectConfigs>, StoreError> {
        let mut reader = self.engine.reader().await?;
        self.config_memory.of(&mut *reader, &self.sealer, group).await
    }

    /// Before a write that reads `group`'s configurations: opens them on a reader unless
    /// memory holds them already. A revision held but since changed elsewhere is opened by the
    /// write itself (once); changes made here are opened again right after they commit.
    async fn prepare_configs_of(&self, group: GroupId) -> Result<(), StoreError> {
        if !self.config_memory.holds(group) {
            self.open_configs_of(group).await?;
        }
        Ok(())
    }

    /// After a change to `group`'s configurations committed: holds the new revision, opened
    /// on a reader, so the next write finds it. A failure here costs only that the next write
    /// opens them itself.
    pub(super) async fn refresh_configs_of(&self, group: GroupId) {
        if let Err(error) = self.open_configs_of(group).await {
            tracing::debug!(%error, "alert configurations not opened again after a change");
        }
    }
}

#[async_trait]
impl<E: Engine> AlertStore for SqlStore<E> {
    async fn list_alert_configs(
        &self,
        group: GroupId,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<AlertConfig>, u64), StoreError> {
        // From memory: reading configurations through the API compiles nothing while they
        // have not changed.
        Ok(self.open_configs_of(group).await?.page(offset, limit))
    }

    async fn get_alert_config(
        &self,
        group: GroupId,
        id: ObjectId,
    ) -> Result<Option<AlertConfig>, StoreError> {
        Ok(self.open_configs_of(group).await?.get(id).cloned())
    }

    async fn create_alert_config(
        &self,
        group: GroupId,
        settings: AlertSettings,
        most: u32,
    ) -> Result<AlertConfig, StoreError> {
        let sealer = self.sealer.clone();
        let create = work(move |db| {
            Box::pin(async move { alert_configs::create(db, &sealer, group, settings, most).await })
        });
        // Creations in one project queue, so two cannot both take the last place.
        let changed = self.engine.write(Some(format!("alert-configs-of:{group}")), create).await;
        if changed.is_ok() {
            self.refresh_configs_of(group).await;
        }
        changed
    }

    async fn replace_alert_config(
        &self,
        group: GroupId,
        id: ObjectId,
        settings: AlertSettings,
    ) -> Result<Option<AlertConfig>, StoreError> {
        let sealer = self.sealer.clone();
        let replace = work(move |db| {
            Box::pin(async move {
                let replaced = alert_configs::replace(db, &sealer, group, id, settings).await?;
                alerts::reconsider_repeats(db, id, now_ms()).await?;
                Ok(replaced)
            })
        });
        let changed = self.engine.write(Some(format!("alert-config:{id}")), replace).await;
        if changed.is_ok() {
            self.refresh_configs_of(group).await;
        }
        changed
    }

    async fn set_alert_config_enabled(
        &self,
        group: GroupId,
        id: ObjectId,
        enabled: bool,
    ) -> Result<Option<AlertConfig>, StoreError> {
        let sealer = self.sealer.clone();
        let toggle = work(move |db| {
            Box::pin(async move {
                let toggled = alert_configs::set_enabled(db, &sealer, group, id, enabled).await?;
                alerts::reconsider_repeats(db, id, now_ms()).await?;
                Ok(toggled)
            })
        });
        let changed = self.engine.write(Some(format!("alert-config:{id}")), toggle).await;
        if changed.is_ok() {
            self.refresh_configs_of(group).await;
        }
        changed
    }

    async fn delete_alert_config(&self, group: GroupId, id: ObjectId) -> Result<bool, StoreError> {
        let delete = work(move |db| Box::pin(async move { alert_configs::delete(db, group, id).await }));
        let changed = self.engine.write(None, delete).await;
        if changed.is_ok() {
            self.refresh_configs_of(group).await;
        }
        changed
    }

    async fn raise_alert(
        &self,
        group: GroupId,
        observation: &Observation,
        base: &str,
    ) -> Result<Vec<Alert>, StoreError> {
        self.prepare_configs_of(group).await?;
        let (observation, base) = (observation.clone(), base.to_owned());
        let (sealer, memory) = (self.sealer.clone(), self.config_memory.clone());
        let raise = work(move |db| {
            Box::pin(async move {
                let configs = Configs { memory: &memory, sealer: &sealer };
                alert_changes::raise(db, configs, group, &observation, &base).await
            })
        });
        self.engine.write(Some(format!("alerts:{group}")), raise).await
    }

    async fn report_alerts(
        &self,
        group: GroupId,
        reports: Vec<Report>,
        base: &str,
    ) -> Result<Vec<Changes>, StoreError> {
        self.prepare_configs_of(group).await?;
        let base = base.to_owned();
        let (sealer, memory) = (self.sealer.clone(), self.config_memory.clone());
        let report = work(move |db| {
            Box::pin(async move {
                let configs = Configs { memory: &memory, sealer: &sealer };
                alert_changes::report(db, configs, group, &reports, &base).await
            })
        });
        self.engine.write(Some(format!("alerts:{group}")), report).await
    }

    async fn list_alerts(
        &self,
        group: GroupId,
        filter: AlertFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Alert>, u64), StoreError> {
        alerts::list(&mut *self.engine.reader().await?, group, filter, offset, limit).await
    }

    async fn get_alert(&self, group: GroupId, id: ObjectId) -> Result<Option<Alert>, StoreError> {
        alerts::get(&mut *self.engine.reader().await?, group, id).await
    }

    async fn acknowledge_alert(
        &self,
        group: GroupId,
        id: ObjectId,
        acknowledgement: Option<Acknowledgement>,
        base: &str,
    ) -> Result<Option<Alert>, StoreError> {
        self.prepare_configs_of(group).await?;
        let (sealer, memory, base) = (self.sealer.clone(), self.config_memory.clone(), base.to_owned());
        let acknowledge = work(move |db| {
            Box::pin(async move {
                let configs = Configs { memory: &memory, sealer: &sealer };
                alert_changes::acknowledge(db, configs, group, id, acknowledgement, &base).await
            })
        });
        self.engine.write(Some(format!("alerts:{group}")), acknowledge).await
    }

    async fn close_alert(
        &self,
        group: GroupId,
        id: ObjectId,
        base: &str,
    ) -> Result<Option<Alert>, StoreError> {
        self.prepare_configs_of(group).await?;
        let (sealer, memory, base) = (self.sealer.clone(), self.config_memory.clone(), base.to_owned());
        let close = work(move |db| {
            Box::pin(async move {
                alert_changes::close(db, Configs { memory: &memory, sealer: &sealer }, group, id, &base).await
            })
        });
        self.engine.write(Some(format!("alerts:{group}")), close).await
    }

    async fn notification_log(
        &self,
        group: GroupId,
        alert: ObjectId,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        outbox::log(&mut *self.engine.reader().await?, group, alert).await
    }

    async fn redeliver_notification(
        &self,
        group: GroupId,
        alert: ObjectId,
        notification: ObjectId,
        now_ms: i64,
    ) -> Result<Redelivery, StoreError> {
        let redeliver = work(move |db| {
            Box::pin(async move { outbox::redeliver(db, group, alert, notification, now_ms).await })
        });
        self.engine.write(None, redeliver).await
    }

    async fn last_outcomes(&self, group: GroupId) -> Result<BTreeMap<String, (String, i64)>, StoreError> {
        stats::last_outcomes(&mut *self.engine.reader().await?, group).await
    }

    async fn alerting_stats(&self, group: GroupId) -> Result<AlertingStats, StoreError> {
        stats::alerting_stats(&mut *self.engine.reader().await?, group).await
    }

    async fn outbox_backlog(&self, now_ms: i64) -> Result<Backlog, StoreError> {
        outbox::backlog(&mut *self.engine.reader().await?, now_ms).await
    }

    async fn schedule_repeats(&self, now_ms: i64, base: &str) -> Result<u64, StoreError> {
        let mut looked = 0;
        loop {
            let projects = {
                let mut reader = self.engine.reader().await?;
                alert_changes::projects_with_repeats_due(&mut *reader, now_ms, REPEAT_BATCH).await?
            };
            if projects.is_empty() {
                return Ok(looked);
            }
            for group in projects {
                self.prepare_configs_of(group).await?;
            }
            let (sealer, memory, base) = (self.sealer.clone(), self.config_memory.clone(), base.to_owned());
            let batch = work(move |db| {
                Box::pin(async move {
                    let configs = Configs { memory: &memory, sealer: &sealer };
                    alert_changes::plan_due_repeats(db, configs, now_ms, &base, REPEAT_BATCH).await
                })
            });
            let planned = self.engine.write(Some("alert-repeats".into()), batch).await?;
            looked += u64::from(planned);
            if planned < REPEAT_BATCH {
                return Ok(looked);
            }
        }
    }

    async fn settle_and_claim(
        &self,
        worker: &str,
        finished: Vec<Attempted>,
        lease_until_ms: i64,
        claim: Claim,
    ) -> Result<Settled, StoreError> {
        // An idle worker looks on a reader first: nothing to record and nothing due costs no
        // write transaction (nor, on SQLite, a turn of the writer and a flush).
        if finished.is_empty()
            && (claim.limit == 0
                || !outbox::anything_due(&mut *self.engine.reader().await?, claim.now_ms).await?)
        {
            return Ok(Settled::default());
        }
        let statement = match E::SHARED_BY_REPLICAS {
            true => outbox::CLAIM_DUE_SKIP_LOCKED,
            false => outbox::CLAIM_DUE,
        };
        let (sealer, worker) = (self.sealer.clone(), worker.to_owned());
        let settle = work(move |db| {
            Box::pin(async move {
                let mut lost = Vec::new();
                for attempt in &finished {
                    if !outbox::record(db, &worker, attempt).await? {
                        lost.push(attempt.id);
                    }
                }
                let claimed = match claim.limit {
                    0 => Vec::new(),
                    _ => outbox::claim(db, &sealer, statement, &worker, lease_until_ms, &claim).await?,
                };
                Ok(Settled { lost, claimed })
            })
        });
        self.engine.write(None, settle).await
    }
}
