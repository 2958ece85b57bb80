//! The outbox's other side: due notifications claimed by a delivery worker with a lease,
//! each attempt recorded, and the log an alert's notifications leave.

use crate::crypto::Sealer;
use crate::domain::alerts::outbox::{Attempted, Claim, Claimed, NotificationRecord, Redelivery};
use crate::domain::ids::{GroupId, ObjectId};
use crate::store::alerting::Backlog;
use crate::store::error::StoreError;
use crate::store::rows::parse_id;
use crate::store::sealing::open_delivery;
use crate::store::sql::{Param, Row, Sql, Value, id, text};

macro_rules! claim_due {
    ($ids:expr) => {
        concat!(
            "UPDATE notifications SET status = 'SENDING', lease_until_ms = $2, claimed_by = $3, \
             attempts = attempts + 1, last_attempt_ms = $1, first_attempt_ms = COALESCE(first_attempt_ms, $1) \
             WHERE id IN (",
            $ids,
            ") RETURNING id, alert_id, event, type_name, delivery, attempts, first_attempt_ms"
        )
    };
}

/// The ids a claim may take, at most `$4`, earliest due first. A notification is eligible
/// when it is due (or its claimer's lease ran out) and no earlier event of its alert to the
/// same notifier is still pending or being sent; of those, a destination (`$5`) and a project
/// (`$6`) take only as many as keep their notifications in flight within their share.
///
/// The cost does not grow with a queue: the destinations with waiting notifications are
/// walked one index seek each (`waiting`), those at their share are passed over, and of each
/// other one only the earliest 16 due of projects below their share are read, in the order of
/// the index on (status, destination, due_ms); what is in flight is counted through the same
/// index (and the one on (project_id, status)).
macro_rules! eligible {
    ($earliest_of_each:expr) => {
        concat!("WITH RECURSIVE waiting (destination) AS (SELECT MIN(destination) FROM notifications \
           WHERE status = 'PENDING' \
           UNION ALL SELECT (SELECT MIN(later.destination) FROM notifications later \
             WHERE later.status = 'PENDING' AND later.destination > waiting.destination) \
           FROM waiting WHERE waiting.destination IS NOT NULL), \
         open_to AS (SELECT destination, (SELECT COUNT(*) FROM notifications busy WHERE busy.status = 'SENDING' \
             AND busy.destination = waiting.destination AND busy.lease_until_ms >= $1) AS busy \
           FROM waiting WHERE destination IS NOT NULL), \
         due AS (SELECT c.id, c.due_ms, c.seq, c.destination, c.project_id, open_to.busy FROM open_to ",
        $earliest_of_each,
        " WHERE open_to.busy < $5 \
           UNION ALL SELECT id, due_ms, seq, destination, project_id, 0 FROM notifications \
           WHERE status = 'SENDING' AND lease_until_ms < $1), \
         ranked AS (SELECT due.id, due.due_ms, \
           due.busy + ROW_NUMBER() OVER (PARTITION BY due.destination ORDER BY due.due_ms, due.seq, due.id) \
             AS destination_load, \
           ROW_NUMBER() OVER (PARTITION BY due.project_id ORDER BY due.due_ms, due.seq, due.id) \
             + (SELECT COUNT(*) FROM notifications busy WHERE busy.project_id = due.project_id \
               AND busy.status = 'SENDING' AND busy.lease_until_ms >= $1) AS project_load \
           FROM due) \
         SELECT id FROM ranked WHERE destination_load <= $5 AND project_load <= $6 ORDER BY due_ms LIMIT $4")
    };
}

/// The earliest 16 due of one destination (`open_to.destination`) that may go: their alert's
/// earlier events are done and their project is below its share (`$6`).
macro_rules! earliest_due {
    ($columns:literal) => {
        concat!(
            "SELECT ",
            $columns,
            " FROM notifications n \
             WHERE n.status = 'PENDING' AND n.destination = open_to.destination AND n.due_ms <= $1 \
             AND NOT EXISTS (SELECT 1 FROM notifications earlier WHERE earlier.alert_id = n.alert_id \
               AND earlier.notifier_id = n.notifier_id AND earlier.seq < n.seq \
               AND earlier.status IN ('PENDING', 'SENDING')) \
             AND n.project_id NOT IN (SELECT project_id FROM notifications WHERE status = 'SENDING' \
               AND lease_until_ms >= $1 GROUP BY project_id HAVING COUNT(*) >= $6) \
             ORDER BY n.due_ms LIMIT 16"
        )
    };
}

/// Claims due notifications where one worker runs (SQLite): what it looked at is what it
/// takes, since no one else writes meanwhile.
/// (SQLite has no `LATERAL`: it reads each destination's earliest through `IN`, which it
/// drives from the list.)
pub const CLAIM_DUE: &str =
    claim_due!(eligible!(concat!("JOIN notifications c ON c.id IN (", earliest_due!("n.id"), ")")));
/// Claims due notifications where replicas share the work: rows another claims are skipped,
/// and each row is checked again as it is when locked (another replica may have claimed it
/// since this one looked: PostgreSQL re-reads a locked row's newest version against this
/// condition, not against the look's).
/// (PostgreSQL reads each destination's earliest through `LATERAL`: with `IN` it would
/// test every row against each destination's.)
pub const CLAIM_DUE_SKIP_LOCKED: &str = claim_due!(concat!(
    "SELECT id FROM notifications WHERE id IN (",
    eligible!(concat!(
        "CROSS JOIN LATERAL (",
        earliest_due!("n.id, n.due_ms, n.seq, n.destination, n.project_id"),
        ") c"
    )),
    ") AND ((status = 'PENDING' AND due_ms <= $1) OR (status = 'SENDING' AND lease_until_ms < $1)) \
     FOR UPDATE SKIP LOCKED"
));

const RECORD: &str = "UPDATE notifications SET status = $3, due_ms = COALESCE($4, due_ms), delivered_ms = $5, \
     last_status_code = $6, last_error = $7, lease_until_ms = NULL \
     WHERE id = $1 AND claimed_by = $2 AND status = 'SENDING'";
const NOTIFIED: &str =
    "UPDATE alerts SET last_notified_ms = $2 WHERE id = (SELECT alert_id FROM notifications WHERE id = $1)";
/// The columns of a notification log's record.
macro_rules! record_columns {
    () => {
        "id, type_name, event, status, attempts, created_ms, last_attempt_ms, due_ms, delivered_ms, \
         last_status_code, last_error, redeliveries, redelivered_ms, note"
    };
}
const LOG: &str = concat!(
    "SELECT ",
    record_columns!(),
    " FROM notifications WHERE project_id = $1 AND alert_id = $2 ORDER BY created_ms, seq, id"
);
/// A delivered or failed notification waits to be sent again from now (`$4`), as if new: its
/// attempts and retry window start again, its body and id stay.
const REDELIVER: &str = concat!(
    "UPDATE notifications SET status = 'PENDING', due_ms = $4, attempts = 0, first_attempt_ms = NULL, \
     delivered_ms = NULL, lease_until_ms = NULL, claimed_by = NULL, redeliveries = redeliveries + 1, \
     redelivered_ms = $4 WHERE id = $1 AND project_id = $2 AND alert_id = $3 \
     AND status IN ('DELIVERED', 'FAILED') RETURNING ",
    record_columns!()
);
const STATUS: &str = "SELECT status FROM notifications WHERE id = $1 AND project_id = $2 AND alert_id = $3";

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

/// Claims due notifications (or ones whose claimer's lease ran out) for `worker` until
/// `lease_until_ms`, as `claim` bounds them, with `statement` ([`CLAIM_DUE`] or
/// [`CLAIM_DUE_SKIP_LOCKED`]).
pub async fn claim(
    db: &mut dyn Sql,
    sealer: &Sealer,
    statement: &'static str,
    worker: &str,
    lease_until_ms: i64,
    claim: &Claim,
) -> Result<Vec<Claimed>, StoreError> {
    let params = [
        Param::Int(Some(claim.now_ms)),
        Param::Int(Some(lease_until_ms)),
        text(worker),
        Param::Int(Some(claim.limit.into())),
        Param::Int(Some(claim.per_destination.into())),
        Param::Int(Some(claim.per_project.into())),
    ];
    let mut taken = Vec::new();
    for row in db.fetch(statement, &params).await? {
        let id = row.0.first().cloned();
        match claimed(sealer, row) {
            Ok(notification) => taken.push(notification),
            // One that cannot be opened (sealed under a retired key, altered) fails alone
            // instead of stopping every claim after it.
            Err(error) => {
                let Some(Value::Text(id)) = id else { return Err(error) };
                tracing::error!(notification = %id, %error, "a notification cannot be opened; it fails");
                let why = format!("it cannot be opened: {error}");
                db.execute(UNREADABLE, &[text(&id), text(&why)]).await?;
            }
        }
    }
    Ok(taken)
}

const UNREADABLE: &str = "UPDATE notifications SET status = 'FAILED', last_error = $2, lease_until_ms = NULL \
     WHERE id = $1";

const ANYTHING_DUE: &str = "SELECT EXISTS (SELECT 1 FROM notifications WHERE status = 'PENDING' AND due_ms <= $1) \
     OR EXISTS (SELECT 1 FROM notifications WHERE status = 'SENDING' AND lease_until_ms < $1)";

/// Whether any notification is due by `now_ms` (or held by a claim whose lease ran out).
pub async fn anything_due(db: &mut dyn Sql, now_ms: i64) -> Result<bool, StoreError> {
    db.fetch_one(ANYTHING_DUE, &[Param::Int(Some(now_ms))]).await?.bool(0)
}

/// Records an attempt of a notification `worker` holds; `false` if it no longer holds it.
pub async fn record(db: &mut dyn Sql, worker: &str, attempt: &Attempted) -> Result<bool, StoreError> {
    let now_ms = attempt.at_ms;
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
    db.fetch(LOG, &[id(group), id(alert_id)]).await?.into_iter().map(log_record).collect()
}

/// Sends a delivered or failed notification of an alert again, from `now_ms`.
pub async fn redeliver(
    db: &mut dyn Sql,
    group: GroupId,
    alert_id: ObjectId,
    notification: ObjectId,
    now_ms: i64,
) -> Result<Redelivery, StoreError> {
    let keys = [id(notification), id(group), id(alert_id), Param::Int(Some(now_ms))];
    if let Some(row) = db.fetch_optional(REDELIVER, &keys).await? {
        return Ok(Redelivery::Queued(log_record(row)?));
    }
    match db.fetch_optional(STATUS, &keys[..3]).await? {
        Some(mut row) => Ok(Redelivery::NotFinished(row.text(0)?)),
        None => Ok(Redelivery::NotFound),
    }
}

fn log_record(mut row: Row) -> Result<NotificationRecord, StoreError> {
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
        redeliveries: row.int(11)? as u32,
        redelivered_ms: row.optional_int(12)?,
        note: row.optional_text(13)?,
    })
}
