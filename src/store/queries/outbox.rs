//! The outbox's other side: due notifications claimed by a delivery worker with a lease,
//! each attempt recorded, and the log an alert's notifications leave.

use crate::crypto::Sealer;
use crate::domain::alerts::outbox::{Attempted, Claimed, NotificationRecord};
use crate::domain::ids::{GroupId, ObjectId};
use crate::store::alerting::Backlog;
use crate::store::error::StoreError;
use crate::store::rows::parse_id;
use crate::store::sealing::open_delivery;
use crate::store::sql::{Param, Row, Sql, id, text};

macro_rules! claim_due {
    ($lock:literal) => {
        concat!(
            "UPDATE notifications SET status = 'SENDING', lease_until_ms = $2, claimed_by = $3, \
             attempts = attempts + 1, last_attempt_ms = $1, first_attempt_ms = COALESCE(first_attempt_ms, $1) \
             WHERE id IN (SELECT id FROM notifications WHERE (status = 'PENDING' AND due_ms <= $1) \
             OR (status = 'SENDING' AND lease_until_ms < $1) ORDER BY due_ms LIMIT $4",
            $lock,
            ") RETURNING id, alert_id, event, type_name, delivery, attempts, first_attempt_ms"
        )
    };
}

/// Claims due notifications where one worker runs (SQLite).
pub const CLAIM_DUE: &str = claim_due!("");
/// Claims due notifications where replicas share the work: rows another claims are skipped.
pub const CLAIM_DUE_SKIP_LOCKED: &str = claim_due!(" FOR UPDATE SKIP LOCKED");

const RECORD: &str = "UPDATE notifications SET status = $3, due_ms = COALESCE($4, due_ms), delivered_ms = $5, \
     last_status_code = $6, last_error = $7, lease_until_ms = NULL \
     WHERE id = $1 AND claimed_by = $2 AND status = 'SENDING'";
const NOTIFIED: &str =
    "UPDATE alerts SET last_notified_ms = $2 WHERE id = (SELECT alert_id FROM notifications WHERE id = $1)";
const LOG: &str = "SELECT id, type_name, event, status, attempts, created_ms, last_attempt_ms, due_ms, delivered_ms, \
     last_status_code, last_error FROM notifications WHERE project_id = $1 AND alert_id = $2 ORDER BY created_ms, id";

fn claimed(sealer: &Sealer, mut row: Row) -> Result<Claimed, StoreError> {
    let notification_id = row.text(0)?;
    let sealed = row.bytes(4)?;
    Ok(Claimed {
        id: parse_id(&notification_id)?,
        alert_id: parse_id(&row.text(1)?)?,
        event: row.text(2)?,
        type_name: row.text(3)?,
        delivery: open_delivery(sealer, &notification_id, &sealed)?,
        attempts: row.int(5)? as u32,
        first_attempt_ms: row.optional_int(6)?.unwrap_or_default(),
    })
}

/// Claims up to `limit` due notifications (or ones whose claimer's lease ran out) for
/// `worker` until `lease_until_ms`, with `statement` ([`CLAIM_DUE`] or
/// [`CLAIM_DUE_SKIP_LOCKED`]).
pub async fn claim(
    db: &mut dyn Sql,
    sealer: &Sealer,
    statement: &'static str,
    worker: &str,
    now_ms: i64,
    lease_until_ms: i64,
    limit: u32,
) -> Result<Vec<Claimed>, StoreError> {
    let params = [
        Param::Int(Some(now_ms)),
        Param::Int(Some(lease_until_ms)),
        text(worker),
        Param::Int(Some(limit.into())),
    ];
    db.fetch(statement, &params).await?.into_iter().map(|row| claimed(sealer, row)).collect()
}

/// Records an attempt of a notification `worker` holds; `false` if it no longer holds it.
pub async fn record(
    db: &mut dyn Sql,
    worker: &str,
    attempt: &Attempted,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let delivered = attempt.status == "DELIVERED";
    let params = [
        id(attempt.id),
        text(worker),
        text(attempt.status),
        Param::Int(attempt.retry_at_ms),
        Param::Int(delivered.then_some(now_ms)),
        Param::Int(attempt.status_code.map(i64::from)),
        Param::Text(attempt.error.as_deref()),
    ];
    let held = db.execute(RECORD, &params).await? > 0;
    if held && delivered {
        db.execute(NOTIFIED, &[id(attempt.id), Param::Int(Some(now_ms))]).await?;
    }
    Ok(held)
}

/// Every notification of an alert, oldest first.
/// The notifications waiting (pending, or being sent) and the oldest due time among those
/// due by `now_ms`.
pub async fn backlog(db: &mut dyn Sql, now_ms: i64) -> Result<Backlog, StoreError> {
    let mut row = db.fetch_one(BACKLOG, &[Param::Int(Some(now_ms))]).await?;
    Ok(Backlog { waiting: row.int(0)? as u64, oldest_due_ms: row.optional_int(1)? })
}

const BACKLOG: &str = "SELECT COUNT(*), MIN(CASE WHEN due_ms <= $1 THEN due_ms END) FROM notifications \
     WHERE status IN ('PENDING', 'SENDING')";

pub async fn log(
    db: &mut dyn Sql,
    group: GroupId,
    alert_id: ObjectId,
) -> Result<Vec<NotificationRecord>, StoreError> {
    let rows = db.fetch(LOG, &[id(group), id(alert_id)]).await?;
    rows.into_iter()
        .map(|mut row| {
            Ok(NotificationRecord {
                id: parse_id(&row.text(0)?)?,
                type_name: row.text(1)?,
                event: row.text(2)?,
                status: row.text(3)?,
                attempts: row.int(4)? as u32,
                created_ms: row.int(5)?,
                last_attempt_ms: row.optional_int(6)?,
                due_ms: row.int(7)?,
                delivered_ms: row.optional_int(8)?,
                last_status_code: row.optional_int(9)?,
                last_error: row.optional_text(10)?,
            })
        })
        .collect()
}
