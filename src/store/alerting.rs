//! The part of the store that keeps alerting: alert configurations and the alerts they
//! raise. Every [`super::Store`] is one; callers bring this trait into scope to use it.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::error::StoreError;
use crate::domain::alerts::alert::{Acknowledgement, Alert, AlertFilter};
use crate::domain::alerts::config::{AlertConfig, AlertSettings};
use crate::domain::alerts::observation::Observation;
use crate::domain::alerts::outbox::{Attempted, Claim, NotificationRecord, Redelivery, Settled};
use crate::domain::alerts::report::{Changes, Report};
use crate::domain::alerts::stats::AlertingStats;
use crate::domain::ids::{GroupId, ObjectId};

/// The notifications not yet delivered, for the operator's metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backlog {
    /// Pending or being sent.
    pub waiting: u64,
    /// The oldest due time (ms since the epoch) among those already due.
    pub oldest_due_ms: Option<i64>,
}

/// Alert configurations and alerts.
#[async_trait]
pub trait AlertStore: Send + Sync {
    /// One page (`offset`, `limit`) of a project's alert configurations, oldest first, and
    /// how many it has.
    async fn list_alert_configs(
        &self,
        group: GroupId,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<AlertConfig>, u64), StoreError>;
    /// One alert configuration of a project.
    async fn get_alert_config(&self, group: GroupId, id: ObjectId)
    -> Result<Option<AlertConfig>, StoreError>;
    /// Stores a new alert configuration.
    async fn create_alert_config(
        &self,
        group: GroupId,
        settings: AlertSettings,
        most: u32,
    ) -> Result<AlertConfig, StoreError>;
    /// Replaces an alert configuration's settings; `None` if there is no such configuration.
    async fn replace_alert_config(
        &self,
        group: GroupId,
        id: ObjectId,
        settings: AlertSettings,
    ) -> Result<Option<AlertConfig>, StoreError>;
    /// Turns an alert configuration on or off; `None` if there is no such configuration.
    async fn set_alert_config_enabled(
        &self,
        group: GroupId,
        id: ObjectId,
        enabled: bool,
    ) -> Result<Option<AlertConfig>, StoreError>;
    /// Removes an alert configuration; whether there was one.
    async fn delete_alert_config(&self, group: GroupId, id: ObjectId) -> Result<bool, StoreError>;

    /// Matches an observation against the project's enabled alert configurations: each that
    /// catches it opens an alert, or updates the open one of that configuration for the same
    /// target. The alerts opened or updated.
    /// Each alert opened plans its notifications (webhook bodies link under `base`).
    async fn raise_alert(
        &self,
        group: GroupId,
        observation: &Observation,
        base: &str,
    ) -> Result<Vec<Alert>, StoreError>;
    /// Applies a monitoring system's reports in one transaction, in order: a condition that
    /// holds raises as [`raise_alert`](Self::raise_alert) does, one that ended closes the open
    /// alerts of its target. What each report changed (nothing: it matched nothing).
    async fn report_alerts(
        &self,
        group: GroupId,
        reports: Vec<Report>,
        base: &str,
    ) -> Result<Vec<Changes>, StoreError>;
    /// One page of a project's alerts, newest first, and how many pass the filter.
    async fn list_alerts(
        &self,
        group: GroupId,
        filter: AlertFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Alert>, u64), StoreError>;
    /// One alert of a project.
    async fn get_alert(&self, group: GroupId, id: ObjectId) -> Result<Option<Alert>, StoreError>;
    /// Sets or (with `None`) clears an alert's acknowledgement; `None` if there is no such
    /// alert. An acknowledgement notifies once and silences the repeats.
    async fn acknowledge_alert(
        &self,
        group: GroupId,
        id: ObjectId,
        acknowledgement: Option<Acknowledgement>,
        base: &str,
    ) -> Result<Option<Alert>, StoreError>;
    /// Closes an alert, notifying of it; `None` if there is no such alert.
    async fn close_alert(
        &self,
        group: GroupId,
        id: ObjectId,
        base: &str,
    ) -> Result<Option<Alert>, StoreError>;
    /// Every notification of an alert, oldest first.
    async fn notification_log(
        &self,
        group: GroupId,
        alert: ObjectId,
    ) -> Result<Vec<NotificationRecord>, StoreError>;
    /// Sends a delivered or failed notification of an alert again, from `now_ms`, with the
    /// same body and id.
    async fn redeliver_notification(
        &self,
        group: GroupId,
        alert: ObjectId,
        notification: ObjectId,
        now_ms: i64,
    ) -> Result<Redelivery, StoreError>;
    /// The last finished notification of each type in a project (by `typeName`): its status
    /// (`DELIVERED` or `FAILED`) and when it was last attempted.
    async fn last_outcomes(&self, group: GroupId) -> Result<BTreeMap<String, (String, i64)>, StoreError>;
    /// A project's alerting health (for its Prometheus).
    async fn alerting_stats(&self, group: GroupId) -> Result<AlertingStats, StoreError>;
    /// The notifications of every project not yet delivered, as of `now_ms`.
    async fn outbox_backlog(&self, now_ms: i64) -> Result<Backlog, StoreError>;
    /// Plans the repeats that are due for every open, unacknowledged alert; how many.
    async fn schedule_repeats(&self, now_ms: i64, base: &str) -> Result<u64, StoreError>;
    /// In one transaction: records the attempts `worker` finished, then claims due
    /// notifications for it until `lease_until_ms`, as `claim` bounds them (each in its
    /// alert's order, each destination and project within its share, counting what is still
    /// in flight once the finished attempts are recorded).
    async fn settle_and_claim(
        &self,
        worker: &str,
        finished: Vec<Attempted>,
        lease_until_ms: i64,
        claim: Claim,
    ) -> Result<Settled, StoreError>;
}
