//! The notification outbox: planned in the transaction of the alert change that makes them
//! due, claimed by a delivery worker with a lease, and recorded after each attempt.

use crate::crypto::Sealer;
use crate::domain::alerts::alert::Alert;
use crate::domain::alerts::config::AlertConfig;
use crate::domain::alerts::delivery::{WebhookDelivery, event, webhook_body};
use crate::domain::alerts::notification::Notification;
use crate::domain::alerts::outbox::{Attempted, Claimed, NotificationRecord};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::FieldValue;
use crate::domain::integration::{Integration, IntegrationType};
use crate::store::error::StoreError;
use crate::store::rows::parse_id;
use crate::store::sealing::{open_delivery, seal_delivery};
use crate::store::sql::{Param, Row, Sql, id, text};

use super::integrations::list_integrations;

const INSERT: &str = "INSERT INTO notifications (id, project_id, alert_id, notifier_id, type_name, event, status, \
     delivery, created_ms, due_ms, attempts, last_error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11)";
/// Notifications not yet attempted of these events are dropped (`$3`, `$4`: events; `$5`: why).
const DROP_PENDING: &str = "UPDATE notifications SET status = 'SKIPPED', last_error = $5 \
     WHERE alert_id = $1 AND notifier_id = $2 AND status = 'PENDING' AND attempts = 0 AND event IN ($3, $4)";
const LAST_PLANNED: &str =
    "SELECT MAX(created_ms) FROM notifications WHERE alert_id = $1 AND notifier_id = $2";
const OPEN_PLANNED: &str = "SELECT COUNT(*) FROM notifications WHERE alert_id = $1 AND notifier_id = $2 \
     AND event = 'alert.open' AND status <> 'SKIPPED'";

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

/// Where a webhook notification goes and what signs it: its own URL and secret, else those
/// of the integration it names, else those of the project's WEBHOOK integration; or why it
/// has nowhere to go.
fn webhook_destination(
    notification: &Notification,
    integrations: &[Integration],
) -> Result<(String, Option<String>), String> {
    let own = |name: &str| notification.fields.get(name).and_then(|value| value.as_str()).map(str::to_owned);
    let integration = match notification.integration_id {
        Some(named) => Some(
            integrations
                .iter()
                .find(|integration| integration.id == named)
                .ok_or_else(|| format!("the integration {named} it names was removed"))?,
        ),
        None => integrations.iter().find(|integration| integration.kind == IntegrationType::Webhook),
    };
    let stored = |name: &str| match integration.and_then(|integration| integration.fields.get(name)) {
        Some(FieldValue::Secret(secret)) => Some(secret.expose().to_owned()),
        Some(FieldValue::Text(text)) => Some(text.clone()),
        _ => None,
    };
    let url = own("webhookUrl").or_else(|| stored("url")).ok_or_else(|| {
        "no webhook URL: neither the notification nor the project's WEBHOOK integration has one".to_owned()
    })?;
    Ok((url, own("webhookSecret").or_else(|| stored("secret"))))
}

/// A notice to plan: which event, where the body's links point, when, and for which
/// notification (all of the configuration's when `None`).
#[derive(Clone, Copy, Debug)]
pub struct Notice<'a> {
    /// The event (`alert.open`, …).
    pub event: &'static str,
    /// Where the body's links point.
    pub base: &'a str,
    /// Now; the open event waits each notification's `delayMin` from here.
    pub now_ms: i64,
    /// Only this notification.
    pub only: Option<ObjectId>,
}

/// Plans `notice` of `alert` for the notifications of `config` it names.
pub async fn plan(
    db: &mut dyn Sql,
    sealer: &Sealer,
    config: &AlertConfig,
    alert: &Alert,
    notice: Notice<'_>,
) -> Result<(), StoreError> {
    let Notice { event: event_name, base, now_ms, only: notifier } = notice;
    let integrations = list_integrations(db, sealer, config.group).await?;
    let body = webhook_body(alert, base);
    let chosen =
        config.settings.notifications.iter().filter(|n| notifier.is_none_or(|only| n.notifier_id == only));
    for notification in chosen {
        let notification_id = ObjectId::generate();
        let due = match event_name {
            event::OPEN => now_ms + notification.delay_min * 60_000,
            _ => now_ms,
        };
        let (status, delivery, reason) = match notification.type_name {
            "WEBHOOK" => match webhook_destination(notification, &integrations) {
                Ok((url, secret)) => {
                    let delivery =
                        WebhookDelivery { url, secret, event: event_name.into(), body: body.clone() };
                    ("PENDING", seal_delivery(sealer, notification_id, &delivery), None)
                }
                Err(reason) => ("SKIPPED", Vec::new(), Some(reason)),
            },
            kind if notification.is_sent() => (
                "SKIPPED",
                Vec::new(),
                Some(format!("this server does not deliver {kind} notifications yet")),
            ),
            kind => ("SKIPPED", Vec::new(), Some(format!("this server does not send {kind} notifications"))),
        };
        let params = [
            id(notification_id),
            id(config.group),
            id(alert.id),
            id(notification.notifier_id),
            text(notification.type_name),
            text(event_name),
            text(status),
            Param::Bytes(&delivery),
            Param::Int(Some(now_ms)),
            Param::Int(Some(due)),
            Param::Text(reason.as_deref()),
        ];
        db.execute(INSERT, &params).await?;
    }
    Ok(())
}

/// Plans a close: notifications not yet attempted are dropped, and each notification whose
/// open was not dropped (now or before) tells of the close.
pub async fn plan_close(
    db: &mut dyn Sql,
    sealer: &Sealer,
    config: &AlertConfig,
    alert: &Alert,
    base: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    for notification in &config.settings.notifications {
        let why = text("the alert closed before this was sent");
        let keys = [id(alert.id), id(notification.notifier_id)];
        db.execute(DROP_PENDING, &[keys[0], keys[1], text(event::OPEN), text(event::UPDATE), why]).await?;
        if db.fetch_one(OPEN_PLANNED, &keys).await?.int(0)? > 0 {
            plan(
                db,
                sealer,
                config,
                alert,
                Notice { event: event::CLOSE, base, now_ms, only: Some(notification.notifier_id) },
            )
            .await?;
        }
    }
    Ok(())
}

/// Plans an acknowledgement: repeats not yet attempted are dropped, each notification tells
/// of it once.
pub async fn plan_acknowledge(
    db: &mut dyn Sql,
    sealer: &Sealer,
    config: &AlertConfig,
    alert: &Alert,
    base: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    for notification in &config.settings.notifications {
        let why = text("the alert was acknowledged");
        let params =
            [id(alert.id), id(notification.notifier_id), text(event::UPDATE), text(event::UPDATE), why];
        db.execute(DROP_PENDING, &params).await?;
    }
    plan(db, sealer, config, alert, Notice { event: event::ACKNOWLEDGE, base, now_ms, only: None }).await
}

/// Plans a repeat for each notification of an open, unacknowledged alert whose interval has
/// passed since its last notice.
pub async fn plan_repeats(
    db: &mut dyn Sql,
    sealer: &Sealer,
    config: &AlertConfig,
    alert: &Alert,
    base: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    for notification in &config.settings.notifications {
        let Some(interval) = notification.interval_min.filter(|_| notification.is_sent()) else { continue };
        let last = db
            .fetch_one(LAST_PLANNED, &[id(alert.id), id(notification.notifier_id)])
            .await?
            .optional_int(0)?;
        if last.is_some_and(|last| last + interval * 60_000 <= now_ms) {
            plan(
                db,
                sealer,
                config,
                alert,
                Notice { event: event::UPDATE, base, now_ms, only: Some(notification.notifier_id) },
            )
            .await?;
        }
    }
    Ok(())
}

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
