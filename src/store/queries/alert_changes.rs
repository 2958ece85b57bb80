//! Alert changes with the notifications they make due, each in the caller's one
//! transaction: an alert opened plans its open notices, an acknowledgement its one notice, a
//! close its close notices, and the repeat sweep the notices whose interval has passed.

use crate::crypto::Sealer;
use crate::domain::alerts::alert::{Acknowledgement, Alert, AlertStatus};
use crate::domain::alerts::observation::Observation;
use crate::domain::ids::{GroupId, ObjectId};
use crate::store::clock::now_ms;
use crate::store::error::StoreError;
use crate::store::sql::{Param, Sql};

use super::notifications::Planner;
use super::{alert_configs, alerts};

const OPEN_UNSILENCED: &str = "SELECT project_id, id FROM alerts WHERE status = 'OPEN' \
     AND (acknowledged_until_ms IS NULL OR acknowledged_until_ms <= $1) ORDER BY created_ms, id";

/// Opens (or updates) the alerts an observation raises; opened ones plan their notices.
pub async fn raise(
    db: &mut dyn Sql,
    sealer: &Sealer,
    group: GroupId,
    observation: &Observation,
    base: &str,
) -> Result<Vec<Alert>, StoreError> {
    let configs = alert_configs::enabled_for_event(db, sealer, group, &observation.event_type_name).await?;
    let mut raised = Vec::new();
    for config in configs.iter().filter(|config| observation.is_caught_by(&config.settings)) {
        let (alert, opened) = alerts::raise(db, config, observation).await?;
        if opened {
            Planner { sealer, config, alert: &alert, base, now_ms: alert.created_ms }.open(db).await?;
        }
        raised.push(alert);
    }
    Ok(raised)
}

/// Sets or clears an acknowledgement; setting one notifies once.
pub async fn acknowledge(
    db: &mut dyn Sql,
    sealer: &Sealer,
    group: GroupId,
    alert_id: ObjectId,
    acknowledgement: Option<Acknowledgement>,
    base: &str,
) -> Result<Option<Alert>, StoreError> {
    let acknowledging = acknowledgement.is_some();
    let Some(alert) = alerts::acknowledge(db, group, alert_id, acknowledgement).await? else {
        return Ok(None);
    };
    if acknowledging
        && let Some(config) = alert_configs::get(db, sealer, group, alert.alert_config_id).await?
    {
        Planner { sealer, config: &config, alert: &alert, base, now_ms: now_ms() }.acknowledge(db).await?;
    }
    Ok(Some(alert))
}

/// Closes an open alert and plans its close notices; a closed one stays as it is.
pub async fn close(
    db: &mut dyn Sql,
    sealer: &Sealer,
    group: GroupId,
    alert_id: ObjectId,
    base: &str,
) -> Result<Option<Alert>, StoreError> {
    let was_open =
        alerts::get(db, group, alert_id).await?.is_some_and(|alert| alert.status == AlertStatus::Open);
    let Some(alert) = alerts::close(db, group, alert_id).await? else { return Ok(None) };
    if was_open && let Some(config) = alert_configs::get(db, sealer, group, alert.alert_config_id).await? {
        Planner { sealer, config: &config, alert: &alert, base, now_ms: now_ms() }.close(db).await?;
    }
    Ok(Some(alert))
}

/// Plans the repeats that are due for every open, unacknowledged alert; how many alerts
/// were looked at.
pub async fn schedule_repeats(
    db: &mut dyn Sql,
    sealer: &Sealer,
    now: i64,
    base: &str,
) -> Result<u64, StoreError> {
    let open = db.fetch(OPEN_UNSILENCED, &[Param::Int(Some(now))]).await?;
    let mut looked = 0;
    for mut row in open {
        let group = GroupId(crate::store::rows::parse_id(&row.text(0)?)?);
        let alert_id = crate::store::rows::parse_id(&row.text(1)?)?;
        let Some(alert) = alerts::get(db, group, alert_id).await? else { continue };
        let Some(config) = alert_configs::get(db, sealer, group, alert.alert_config_id).await? else {
            continue;
        };
        Planner { sealer, config: &config, alert: &alert, base, now_ms: now }.repeats(db).await?;
        looked += 1;
    }
    Ok(looked)
}
