//! Planning notifications into the outbox, in the transaction of the alert change that makes
//! them due: where each goes, what it carries, when it is due ([`super::outbox`] takes them
//! from there).

use crate::crypto::Sealer;
use crate::domain::alerts::alert::Alert;
use crate::domain::alerts::config::AlertConfig;
use crate::domain::alerts::delivery::{Message, Settings, Severity, event, prepare, route_of};
use crate::domain::alerts::notification::Notification;
use crate::domain::ids::ObjectId;
use crate::domain::integration::Integration;
use crate::store::error::StoreError;
use crate::store::sealing::seal_delivery;
use crate::store::sql::{Param, Sql, id, text};

use super::integrations::list_integrations;

/// Each notification takes the next number among its alert's events to the same notifier
/// (`seq`): the worker sends them in that order.
const INSERT: &str = "INSERT INTO notifications (id, project_id, alert_id, notifier_id, type_name, event, status, \
     delivery, created_ms, due_ms, attempts, last_error, destination, note, seq) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13, \
     (SELECT COALESCE(MAX(seq), 0) + 1 FROM notifications WHERE alert_id = $3 AND notifier_id = $4))";
/// Notifications not yet attempted of these events are dropped (`$3`, `$4`: events; `$5`: why).
const DROP_PENDING: &str = "UPDATE notifications SET status = 'SKIPPED', last_error = $5 \
     WHERE alert_id = $1 AND notifier_id = $2 AND status = 'PENDING' AND attempts = 0 AND event IN ($3, $4)";
const LAST_PLANNED: &str =
    "SELECT MAX(created_ms) FROM notifications WHERE alert_id = $1 AND notifier_id = $2";
const OPEN_PLANNED: &str = "SELECT COUNT(*) FROM notifications WHERE alert_id = $1 AND notifier_id = $2 \
     AND event = 'alert.open' AND status <> 'SKIPPED'";

/// The settings a notification is sent with: its own fields, else those of the integration
/// it names, else those of the project's integration of its type; or why it has none.
fn settings_of(notification: &Notification, integrations: &[Integration]) -> Result<Settings, String> {
    let Some(route) = route_of(notification.type_name) else { return Ok(Settings::new()) };
    let integration = match notification.integration_id {
        Some(named) => Some(
            integrations
                .iter()
                .find(|integration| integration.id == named)
                .ok_or_else(|| format!("the integration {named} it names was removed"))?,
        ),
        None => route
            .integration
            .and_then(|kind| integrations.iter().find(|integration| integration.kind == kind)),
    };
    let own = |name: &str| notification.fields.get(name).and_then(|value| value.as_str());
    Ok(route.settings(own, integration))
}

/// Plans the notifications of one alert change: the alert as it is now, the configuration
/// whose notifications are told, where the bodies' links point, and when.
#[derive(Clone, Copy)]
pub struct Planner<'a> {
    /// Seals what each notification carries.
    pub sealer: &'a Sealer,
    /// The configuration whose notifications are told.
    pub config: &'a AlertConfig,
    /// The alert, as it is now.
    pub alert: &'a Alert,
    /// Where the bodies' links point.
    pub base: &'a str,
    /// Now; the open event waits each notification's `delayMin` from here.
    pub now_ms: i64,
}

impl Planner<'_> {
    /// Plans `event_name` for every notification, or only `notifier`.
    pub async fn plan(
        &self,
        db: &mut dyn Sql,
        event_name: &'static str,
        notifier: Option<ObjectId>,
    ) -> Result<(), StoreError> {
        let Planner { sealer, config, alert, base, now_ms } = *self;
        let integrations = list_integrations(db, sealer, config.group).await?;
        let message = Message {
            alert,
            event: event_name,
            severity: Severity::from_override(config.settings.severity_override.as_deref()),
            base,
            limit: config.settings.metric_threshold.as_ref().or(config.settings.threshold.as_ref()),
        };
        let chosen = config
            .settings
            .notifications
            .iter()
            .filter(|n| notifier.is_none_or(|only| n.notifier_id == only));
        for notification in chosen {
            let notification_id = ObjectId::generate();
            let due = match event_name {
                event::OPEN => now_ms + notification.delay_min * 60_000,
                _ => now_ms,
            };
            let prepared = settings_of(notification, &integrations)
                .and_then(|settings| prepare(notification.type_name, &message, &settings));
            let (status, delivery, reason, destination, note) = match prepared {
                Ok(delivery) => (
                    "PENDING",
                    seal_delivery(sealer, notification_id, &delivery),
                    None,
                    delivery.destination(),
                    delivery.note,
                ),
                Err(reason) => ("SKIPPED", Vec::new(), Some(reason), String::new(), None),
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
                text(&destination),
                Param::Text(note.as_deref()),
            ];
            db.execute(INSERT, &params).await?;
        }
        Ok(())
    }

    /// Plans the open notices.
    pub async fn open(&self, db: &mut dyn Sql) -> Result<(), StoreError> {
        self.plan(db, event::OPEN, None).await
    }

    /// Plans a close: notifications not yet attempted are dropped, and each notification
    /// whose open was not dropped (now or before) tells of the close.
    pub async fn close(&self, db: &mut dyn Sql) -> Result<(), StoreError> {
        for notification in &self.config.settings.notifications {
            let why = text("the alert closed before this was sent");
            let keys = [id(self.alert.id), id(notification.notifier_id)];
            db.execute(DROP_PENDING, &[keys[0], keys[1], text(event::OPEN), text(event::UPDATE), why])
                .await?;
            if db.fetch_one(OPEN_PLANNED, &keys).await?.int(0)? > 0 {
                self.plan(db, event::CLOSE, Some(notification.notifier_id)).await?;
            }
        }
        Ok(())
    }

    /// Plans an acknowledgement: repeats not yet attempted are dropped, each notification
    /// tells of it once.
    pub async fn acknowledge(&self, db: &mut dyn Sql) -> Result<(), StoreError> {
        for notification in &self.config.settings.notifications {
            let why = text("the alert was acknowledged");
            let keys = [id(self.alert.id), id(notification.notifier_id)];
            db.execute(DROP_PENDING, &[keys[0], keys[1], text(event::UPDATE), text(event::UPDATE), why])
                .await?;
        }
        self.plan(db, event::ACKNOWLEDGE, None).await
    }

    /// Plans a repeat for each notification whose interval has passed since its last notice
    /// (the alert is open and not acknowledged); when the next one falls due, if any does.
    pub async fn repeats(&self, db: &mut dyn Sql) -> Result<Option<i64>, StoreError> {
        let mut next: Option<i64> = None;
        for notification in &self.config.settings.notifications {
            let Some(interval) = notification.interval_min.filter(|_| notification.is_sent()) else {
                continue;
            };
            let keys = [id(self.alert.id), id(notification.notifier_id)];
            let Some(last) = db.fetch_one(LAST_PLANNED, &keys).await?.optional_int(0)? else { continue };
            let mut due = last + interval * 60_000;
            if due <= self.now_ms {
                self.plan(db, event::UPDATE, Some(notification.notifier_id)).await?;
                due = self.now_ms + interval * 60_000;
            }
            next = Some(next.map_or(due, |next| next.min(due)));
        }
        Ok(next)
    }
}
