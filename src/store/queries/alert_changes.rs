//! Alert changes with the notifications they make due, each in the caller's one
//! transaction: an alert opened plans its open notices, an acknowledgement its one notice, a
//! close its close notices, and the repeat sweep the notices whose interval has passed.
//! Configurations come from [`ConfigMemory`], which opens them only when they changed.

use crate::crypto::Sealer;
use crate::domain::alerts::alert::{Acknowledgement, Alert, AlertStatus};
use crate::domain::alerts::observation::Observation;
use crate::domain::alerts::report::{Change, Changes, Report};
use crate::domain::ids::{GroupId, ObjectId};
use crate::store::clock::now_ms;
use crate::store::config_memory::{ConfigMemory, ProjectConfigs};
use crate::store::error::StoreError;
use crate::store::sql::Sql;

use super::alerts;
use super::notifications::Planner;

/// What a change of alerts reads its configurations with.
#[derive(Clone, Copy)]
pub struct Configs<'a> {
    /// The configurations held in memory.
    pub memory: &'a ConfigMemory,
    /// Opens those read again.
    pub sealer: &'a Sealer,
}

/// Opens (or updates) the alerts an observation raises; opened ones plan their notices
/// ([`alerts::raise`] sets their first repeat).
pub async fn raise(
    db: &mut dyn Sql,
    configs: Configs<'_>,
    group: GroupId,
    observation: &Observation,
    base: &str,
) -> Result<Vec<Alert>, StoreError> {
    let project = configs.memory.of(db, configs.sealer, group).await?;
    let raised = raise_in(db, configs.sealer, &project, observation, base).await?;
    Ok(raised.into_iter().map(|(alert, _)| alert).collect())
}

/// Applies `reports` in order: a condition that holds raises as [`raise`] does; one that
/// ended closes, for each configuration of its event type, the open alert of its target
/// (whatever the threshold says now: it caught the target when it opened). What each changed.
pub async fn report(
    db: &mut dyn Sql,
    configs: Configs<'_>,
    group: GroupId,
    reports: &[Report],
    base: &str,
) -> Result<Vec<Changes>, StoreError> {
    let project = configs.memory.of(db, configs.sealer, group).await?;
    let mut all = Vec::with_capacity(reports.len());
    for report in reports {
        let observation = &report.observation;
        let changes = match report.ended {
            false => raise_in(db, configs.sealer, &project, observation, base).await?,
            true => resolve_in(db, configs.sealer, &project, observation, base).await?,
        };
        all.push(changes);
    }
    Ok(all)
}

/// Raises `observation` against `project`'s configurations.
async fn raise_in(
    db: &mut dyn Sql,
    sealer: &Sealer,
    project: &ProjectConfigs,
    observation: &Observation,
    base: &str,
) -> Result<Changes, StoreError> {
    let mut raised = Vec::new();
    let caught = project.enabled_for(&observation.event_type_name);
    for config in caught.filter(|config| observation.is_caught_by(&config.settings)) {
        let (alert, opened) = alerts::raise(db, config, observation).await?;
        if opened {
            Planner { sealer, config, alert: &alert, base, now_ms: alert.created_ms }.open(db).await?;
        }
        raised.push((alert, if opened { Change::Opened } else { Change::Updated }));
    }
    Ok(raised)
}

/// Closes the open alerts of `observation`'s target, one per configuration of its event type.
async fn resolve_in(
    db: &mut dyn Sql,
    sealer: &Sealer,
    project: &ProjectConfigs,
    observation: &Observation,
    base: &str,
) -> Result<Changes, StoreError> {
    let target = observation.target_key();
    let mut closed = Vec::new();
    for config in project.enabled_for(&observation.event_type_name) {
        let Some(open) = alerts::open_for_target(db, config.id, &target).await? else { continue };
        let Some(alert) = alerts::close(db, config.group, open.id).await? else { continue };
        Planner { sealer, config, alert: &alert, base, now_ms: now_ms() }.close(db).await?;
        closed.push((alert, Change::Closed));
    }
    Ok(closed)
}

/// Sets or clears an acknowledgement; setting one notifies once.
pub async fn acknowledge(
    db: &mut dyn Sql,
    configs: Configs<'_>,
    group: GroupId,
    alert_id: ObjectId,
    acknowledgement: Option<Acknowledgement>,
    base: &str,
) -> Result<Option<Alert>, StoreError> {
    let acknowledging = acknowledgement.is_some();
    let Some(alert) = alerts::acknowledge(db, group, alert_id, acknowledgement).await? else {
        return Ok(None);
    };
    let project = configs.memory.of(db, configs.sealer, group).await?;
    if acknowledging && let Some(config) = project.get(alert.alert_config_id) {
        let planner = Planner { sealer: configs.sealer, config, alert: &alert, base, now_ms: now_ms() };
        planner.acknowledge(db).await?;
    }
    Ok(Some(alert))
}

/// Closes an open alert and plans its close notices; a closed one stays as it is.
pub async fn close(
    db: &mut dyn Sql,
    configs: Configs<'_>,
    group: GroupId,
    alert_id: ObjectId,
    base: &str,
) -> Result<Option<Alert>, StoreError> {
    let was_open =
        alerts::get(db, group, alert_id).await?.is_some_and(|alert| alert.status == AlertStatus::Open);
    let Some(alert) = alerts::close(db, group, alert_id).await? else { return Ok(None) };
    let project = configs.memory.of(db, configs.sealer, group).await?;
    if was_open && let Some(config) = project.get(alert.alert_config_id) {
        let planner = Planner { sealer: configs.sealer, config, alert: &alert, base, now_ms: now_ms() };
        planner.close(db).await?;
    }
    Ok(Some(alert))
}

/// Plans the repeats of at most `batch` alerts whose repeat time has come, earliest first,
/// and sets when each is looked at next; how many were looked at (fewer than `batch`: no
/// more are due).
pub async fn plan_due_repeats(
    db: &mut dyn Sql,
    configs: Configs<'_>,
    now: i64,
    base: &str,
    batch: u32,
) -> Result<u32, StoreError> {
    let due = alerts::repeats_due(db, now, batch).await?;
    for (group, alert_id) in &due {
        let Some(alert) = alerts::get(db, *group, *alert_id).await? else { continue };
        let silenced_until =
            alert.acknowledgement.as_ref().map(|ack| ack.until_ms).filter(|until| *until > now);
        if silenced_until.is_some() {
            // An acknowledged alert owes nothing until its acknowledgement lapses.
            alerts::set_next_repeat(db, alert.id, silenced_until).await?;
            continue;
        }
        let project = configs.memory.of(db, configs.sealer, *group).await?;
        let next = match project.get(alert.alert_config_id) {
            Some(config) => {
                let planner = Planner { sealer: configs.sealer, config, alert: &alert, base, now_ms: now };
                planner.repeats(db).await?
            }
            None => None,
        };
        alerts::set_next_repeat(db, alert.id, next).await?;
    }
    Ok(due.len() as u32)
}

/// The projects of the (at most `batch`) alerts whose repeat time has come, so their
/// configurations can be opened before a write transaction needs them.
pub async fn projects_with_repeats_due(
    db: &mut dyn Sql,
    now: i64,
    batch: u32,
) -> Result<Vec<GroupId>, StoreError> {
    let mut projects: Vec<GroupId> =
        alerts::repeats_due(db, now, batch).await?.into_iter().map(|(group, _)| group).collect();
    projects.sort_unstable();
    projects.dedup();
    Ok(projects)
}
