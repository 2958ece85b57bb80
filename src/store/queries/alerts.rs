//! A project's alerts: raised from observations (opened, or the open one of the same
//! configuration and target updated), acknowledged, closed, listed.

use crate::domain::alerts::alert::{Acknowledgement, Alert, AlertFilter, AlertStatus};
use crate::domain::alerts::config::AlertConfig;
use crate::domain::alerts::observation::Observation;
use crate::domain::ids::{GroupId, ObjectId};
use crate::store::clock::now_ms;
use crate::store::error::StoreError;
use crate::store::rows::parse_id;
use crate::store::sql::{Param, Row, Sql, id, text};

macro_rules! alert_columns {
    () => {
        "id, project_id, org_id, alert_config_id, status, observation, created_ms, updated_ms, resolved_ms, \
         last_notified_ms, acknowledged_until_ms, acknowledgement_comment, acknowledging_username"
    };
}

/// Opens an alert, with its project's organization and its first repeat (`$7`).
const INSERT: &str = "INSERT INTO alerts (id, project_id, org_id, alert_config_id, target_key, status, observation, \
     created_ms, updated_ms, next_repeat_ms) \
     SELECT $1, id, org_id, $3, $4, 'OPEN', $5, $6, $6, $7 FROM projects WHERE id = $2 AND deleted_ms IS NULL";
const OPEN_FOR_TARGET: &str = concat!(
    "SELECT ",
    alert_columns!(),
    " FROM alerts WHERE alert_config_id = $1 AND target_key = $2 AND status = 'OPEN'"
);
const OBSERVED_AGAIN: &str = "UPDATE alerts SET observation = $2, updated_ms = $3 WHERE id = $1";
const ONE: &str = concat!("SELECT ", alert_columns!(), " FROM alerts WHERE project_id = $1 AND id = $2");
const PAGE: &str = concat!(
    "SELECT ",
    alert_columns!(),
    " FROM alerts WHERE project_id = $1 AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR alert_config_id = $3) \
     ORDER BY created_ms DESC, id DESC LIMIT $4 OFFSET $5"
);
const COUNT: &str = "SELECT COUNT(*) FROM alerts WHERE project_id = $1 AND ($2 IS NULL OR status = $2) \
     AND ($3 IS NULL OR alert_config_id = $3)";
/// An acknowledgement looks at repeats again when it lapses; clearing one, at once.
const ACKNOWLEDGE: &str = "UPDATE alerts SET acknowledged_until_ms = $3, acknowledgement_comment = $4, \
     acknowledging_username = $5, updated_ms = $6, next_repeat_ms = COALESCE($3, $6) \
     WHERE project_id = $1 AND id = $2";
/// Open alerts whose repeat time has come, earliest first (through `alerts_repeat_due`).
const REPEATS_DUE: &str = "SELECT project_id, id FROM alerts WHERE status = 'OPEN' \
     AND next_repeat_ms IS NOT NULL AND next_repeat_ms <= $1 ORDER BY next_repeat_ms, id LIMIT $2";
const SET_NEXT_REPEAT: &str = "UPDATE alerts SET next_repeat_ms = $2 WHERE id = $1";
const REPEATS_NOW: &str =
    "UPDATE alerts SET next_repeat_ms = $2 WHERE alert_config_id = $1 AND status = 'OPEN'";
/// Only an open alert closes: closing a closed one keeps when it was resolved.
const CLOSE: &str = "UPDATE alerts SET status = 'CLOSED', resolved_ms = $3, updated_ms = $3 \
     WHERE project_id = $1 AND id = $2 AND status = 'OPEN'";

fn alert(mut row: Row) -> Result<Alert, StoreError> {
    let status = row.text(4)?;
    let observation: serde_json::Value = serde_json::from_str(&row.text(5)?)
        .map_err(|e| StoreError::Corrupt(format!("an alert's observation: {e}")))?;
    let until = row.optional_int(10)?;
    Ok(Alert {
        id: parse_id(&row.text(0)?)?,
        group: GroupId(parse_id(&row.text(1)?)?),
        org_id: parse_id(&row.text(2)?)?,
        alert_config_id: parse_id(&row.text(3)?)?,
        status: AlertStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("bad alert status {status:?}")))?,
        observation: Observation::parse(&observation).map_err(StoreError::Corrupt)?,
        created_ms: row.int(6)?,
        updated_ms: row.int(7)?,
        resolved_ms: row.optional_int(8)?,
        last_notified_ms: row.optional_int(9)?,
        acknowledgement: match until {
            Some(until_ms) => Some(Acknowledgement {
                until_ms,
                comment: row.optional_text(11)?,
                username: row.optional_text(12)?.unwrap_or_default(),
            }),
            None => None,
        },
    })
}

/// Opens an alert of `config` for what was observed, or updates the open one of the same
/// configuration and target; the alert after, and whether it is new.
pub async fn raise(
    db: &mut dyn Sql,
    config: &AlertConfig,
    observation: &Observation,
) -> Result<(Alert, bool), StoreError> {
    let (target, details, now) = (observation.target_key(), observation.to_stored().to_string(), now_ms());
    if let Some(mut alert) = open_for_target(db, config.id, &target).await? {
        db.execute(OBSERVED_AGAIN, &[id(alert.id), text(&details), Param::Int(Some(now))]).await?;
        alert.observation = observation.clone();
        alert.updated_ms = now;
        return Ok((alert, false));
    }
    let alert_id = ObjectId::generate();
    let first_repeat = config.settings.shortest_repeat_ms().map(|every| now + every);
    let params = [
        id(alert_id),
        id(config.group),
        id(config.id),
        text(&target),
        text(&details),
        Param::Int(Some(now)),
        Param::Int(first_repeat),
    ];
    db.execute(INSERT, &params).await?;
    let opened = get(db, config.group, alert_id).await?;
    opened
        .map(|alert| (alert, true))
        .ok_or_else(|| StoreError::NotFound(format!("no project has the id {}", config.group)))
}

/// The open alert of configuration `config_id` for `target` (an observation's target key), if any.
pub async fn open_for_target(
    db: &mut dyn Sql,
    config_id: ObjectId,
    target: &str,
) -> Result<Option<Alert>, StoreError> {
    db.fetch_optional(OPEN_FOR_TARGET, &[id(config_id), text(target)]).await?.map(alert).transpose()
}

/// One alert of `group`.
pub async fn get(db: &mut dyn Sql, group: GroupId, alert_id: ObjectId) -> Result<Option<Alert>, StoreError> {
    db.fetch_optional(ONE, &[id(group), id(alert_id)]).await?.map(alert).transpose()
}

/// One page of a project's alerts, newest first, and how many pass the filter.
pub async fn list(
    db: &mut dyn Sql,
    group: GroupId,
    filter: AlertFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Alert>, u64), StoreError> {
    let config = filter.alert_config_id.map(|config| config.to_string());
    let status = Param::Text(filter.status.map(AlertStatus::as_str));
    let filters = [id(group), status, Param::Text(config.as_deref())];
    let total = db.fetch_one(COUNT, &filters).await?.int(0)?;
    let clamp = |n: u64| Param::Int(Some(n.min(i64::MAX as u64) as i64));
    let page = [filters[0], filters[1], filters[2], clamp(limit), clamp(offset)];
    let alerts = db.fetch(PAGE, &page).await?.into_iter().map(alert).collect::<Result<_, _>>()?;
    Ok((alerts, total as u64))
}

/// Sets (or, with `None`, clears) an alert's acknowledgement; the alert after, `None` if
/// there is no such alert.
pub async fn acknowledge(
    db: &mut dyn Sql,
    group: GroupId,
    alert_id: ObjectId,
    acknowledgement: Option<Acknowledgement>,
) -> Result<Option<Alert>, StoreError> {
    let ack = acknowledgement.as_ref();
    let params = [
        id(group),
        id(alert_id),
        Param::Int(ack.map(|ack| ack.until_ms)),
        Param::Text(ack.and_then(|ack| ack.comment.as_deref())),
        Param::Text(ack.map(|ack| ack.username.as_str())),
        Param::Int(Some(now_ms())),
    ];
    match db.execute(ACKNOWLEDGE, &params).await? {
        0 => Ok(None),
        _ => get(db, group, alert_id).await,
    }
}

/// Closes an open alert (resolved now); the alert after, `None` if there is no such alert.
pub async fn close(
    db: &mut dyn Sql,
    group: GroupId,
    alert_id: ObjectId,
) -> Result<Option<Alert>, StoreError> {
    db.execute(CLOSE, &[id(group), id(alert_id), Param::Int(Some(now_ms()))]).await?;
    get(db, group, alert_id).await
}

/// Sets when an alert's repeats are looked at next (`None`: it repeats nothing).
pub async fn set_next_repeat(
    db: &mut dyn Sql,
    alert_id: ObjectId,
    at_ms: Option<i64>,
) -> Result<(), StoreError> {
    db.execute(SET_NEXT_REPEAT, &[id(alert_id), Param::Int(at_ms)]).await.map(drop)
}

/// The open alerts (project, id) whose repeat time is at or before `now`, at most `most`.
pub async fn repeats_due(
    db: &mut dyn Sql,
    now: i64,
    most: u32,
) -> Result<Vec<(GroupId, ObjectId)>, StoreError> {
    let rows = db.fetch(REPEATS_DUE, &[Param::Int(Some(now)), Param::Int(Some(i64::from(most)))]).await?;
    rows.into_iter()
        .map(|mut row| Ok((GroupId(parse_id(&row.text(0)?)?), parse_id(&row.text(1)?)?)))
        .collect()
}

/// A configuration changed: its open alerts' repeats are looked at again from `now`.
pub async fn reconsider_repeats(db: &mut dyn Sql, config_id: ObjectId, now: i64) -> Result<(), StoreError> {
    db.execute(REPEATS_NOW, &[id(config_id), Param::Int(Some(now))]).await.map(drop)
}
