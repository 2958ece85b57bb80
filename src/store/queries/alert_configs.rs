//! A project's alert configurations, their settings sealed as one document per row.

use crate::crypto::Sealer;
use crate::domain::alerts::config::{AlertConfig, AlertSettings};
use crate::domain::ids::{GroupId, ObjectId};
use crate::store::clock::now_ms;
use crate::store::error::StoreError;
use crate::store::rows::parse_id;
use crate::store::sealing::{open_alert_settings, seal_alert_settings};
use crate::store::sql::{Param, Row, Sql, id, text};

const INSERT: &str = "INSERT INTO alert_configs (id, project_id, event_type, enabled, settings, created_ms, \
     updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $6)";
const UPDATE: &str = "UPDATE alert_configs SET event_type = $3, enabled = $4, settings = $5, updated_ms = $6 \
     WHERE project_id = $1 AND id = $2";
const DELETE: &str = "DELETE FROM alert_configs WHERE project_id = $1 AND id = $2";
const ONE: &str =
    "SELECT id, settings, created_ms, updated_ms FROM alert_configs WHERE project_id = $1 AND id = $2";
const ALL: &str = "SELECT id, settings, created_ms, updated_ms FROM alert_configs WHERE project_id = $1 \
     ORDER BY created_ms, id";
const COUNT: &str = "SELECT COUNT(*) FROM alert_configs WHERE project_id = $1";
/// Every change to a project's configurations moves its revision, in the same transaction.
const MOVE_REVISION: &str =
    "UPDATE projects SET alert_configs_revision = alert_configs_revision + 1 WHERE id = $1";
const REVISION: &str = "SELECT alert_configs_revision FROM projects WHERE id = $1 AND deleted_ms IS NULL";

fn config(sealer: &Sealer, group: GroupId, mut row: Row) -> Result<AlertConfig, StoreError> {
    let id = parse_id(&row.text(0)?)?;
    let settings = open_alert_settings(sealer, group, id, &row.bytes(1)?)?;
    Ok(AlertConfig { id, group, created_ms: row.int(2)?, updated_ms: row.int(3)?, settings })
}

/// Stores a new configuration of `group`.
pub async fn create(
    db: &mut dyn Sql,
    sealer: &Sealer,
    group: GroupId,
    settings: AlertSettings,
    most: u32,
) -> Result<AlertConfig, StoreError> {
    let held = db.fetch_one(COUNT, &[id(group)]).await?.int(0)?;
    if held >= i64::from(most) {
        return Err(StoreError::LimitReached(format!(
            "Project {group} already has {held} alert configurations, the most it may hold \
             ({most}); delete some or raise --max-alert-configs-per-project."
        )));
    }
    let (config_id, now) = (ObjectId::generate(), now_ms());
    let sealed = seal_alert_settings(sealer, group, config_id, &settings);
    let params = [
        id(config_id),
        id(group),
        text(&settings.event_type_name),
        Param::Bool(settings.enabled),
        Param::Bytes(&sealed),
        Param::Int(Some(now)),
    ];
    db.execute(INSERT, &params).await?;
    db.execute(MOVE_REVISION, &[id(group)]).await?;
    Ok(AlertConfig { id: config_id, group, created_ms: now, updated_ms: now, settings })
}

/// One configuration of `group`.
pub async fn get(
    db: &mut dyn Sql,
    sealer: &Sealer,
    group: GroupId,
    config_id: ObjectId,
) -> Result<Option<AlertConfig>, StoreError> {
    let row = db.fetch_optional(ONE, &[id(group), id(config_id)]).await?;
    row.map(|row| config(sealer, group, row)).transpose()
}

/// Every configuration of `group`, oldest first.
pub async fn all(db: &mut dyn Sql, sealer: &Sealer, group: GroupId) -> Result<Vec<AlertConfig>, StoreError> {
    let rows = db.fetch(ALL, &[id(group)]).await?;
    rows.into_iter().map(|row| config(sealer, group, row)).collect()
}

/// The revision of `group`'s configurations (it moves with every change); `None` if there
/// is no such project.
pub async fn revision(db: &mut dyn Sql, group: GroupId) -> Result<Option<i64>, StoreError> {
    db.fetch_optional(REVISION, &[id(group)]).await?.map(|mut row| row.int(0)).transpose()
}

/// Replaces a configuration's settings; `None` if the project has no such configuration.
pub async fn replace(
    db: &mut dyn Sql,
    sealer: &Sealer,
    group: GroupId,
    config_id: ObjectId,
    settings: AlertSettings,
) -> Result<Option<AlertConfig>, StoreError> {
    let Some(current) = get(db, sealer, group, config_id).await? else { return Ok(None) };
    let now = now_ms();
    let sealed = seal_alert_settings(sealer, group, config_id, &settings);
    let params = [
        id(group),
        id(config_id),
        text(&settings.event_type_name),
        Param::Bool(settings.enabled),
        Param::Bytes(&sealed),
        Param::Int(Some(now)),
    ];
    db.execute(UPDATE, &params).await?;
    db.execute(MOVE_REVISION, &[id(group)]).await?;
    Ok(Some(AlertConfig { updated_ms: now, settings, ..current }))
}

/// Turns a configuration on or off; `None` if the project has no such configuration.
pub async fn set_enabled(
    db: &mut dyn Sql,
    sealer: &Sealer,
    group: GroupId,
    config_id: ObjectId,
    enabled: bool,
) -> Result<Option<AlertConfig>, StoreError> {
    let Some(current) = get(db, sealer, group, config_id).await? else { return Ok(None) };
    let settings = AlertSettings { enabled, ..current.settings };
    replace(db, sealer, group, config_id, settings).await
}

/// Removes a configuration; whether there was one.
pub async fn delete(db: &mut dyn Sql, group: GroupId, config_id: ObjectId) -> Result<bool, StoreError> {
    let deleted = db.execute(DELETE, &[id(group), id(config_id)]).await? > 0;
    if deleted {
        db.execute(MOVE_REVISION, &[id(group)]).await?;
    }
    Ok(deleted)
}
