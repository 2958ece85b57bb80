//! A notification's life in the outbox, as the delivery worker and the notification log see
//! it: claimed for an attempt, the attempt's result, and the record shown afterwards.

use serde_json::{Value, json};

use super::delivery::Delivery;
use crate::domain::dates::iso_date;
use crate::domain::ids::ObjectId;
use crate::domain::secret::mask_url;

/// What one claim may take: at most `limit` notifications due by `now_ms`, keeping each
/// destination's notifications in flight (across every worker) within `per_destination` and
/// each project's within `per_project`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    /// Now.
    pub now_ms: i64,
    /// Most notifications taken.
    pub limit: u32,
    /// Most notifications in flight to one destination.
    pub per_destination: u32,
    /// Most notifications in flight of one project.
    pub per_project: u32,
}

/// A notification claimed for an attempt.
#[derive(Clone, Debug)]
pub struct Claimed {
    /// Its id.
    pub id: ObjectId,
    /// The alert it tells of.
    pub alert_id: ObjectId,
    /// The event (`alert.open`, …).
    pub event: String,
    /// The notification type.
    pub type_name: String,
    /// What to send.
    pub delivery: Delivery,
    /// Attempts so far, this one included.
    pub attempts: u32,
    /// When it was first attempted.
    pub first_attempt_ms: i64,
}

/// The result of an attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempted {
    /// The notification.
    pub id: ObjectId,
    /// `DELIVERED`, `PENDING` (tried again at `retry_at_ms`) or `FAILED`.
    pub status: &'static str,
    /// When it is tried again.
    pub retry_at_ms: Option<i64>,
    /// The receiver's status, if it answered.
    pub status_code: Option<u16>,
    /// What went wrong, in words (never a secret).
    pub error: Option<String>,
    /// When the attempt ended.
    pub at_ms: i64,
}

/// What one round of the worker's bookkeeping came to: the attempts it recorded whose
/// lease had run out (another worker has those now), and the notifications it claimed.
#[derive(Clone, Debug, Default)]
pub struct Settled {
    /// Attempts not recorded: the worker no longer held their notification.
    pub lost: Vec<ObjectId>,
    /// Notifications claimed for the next attempts.
    pub claimed: Vec<Claimed>,
}

/// What asking to send a notification again came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redelivery {
    /// It waits to be sent again, as this record shows.
    Queued(NotificationRecord),
    /// The alert has no such notification.
    NotFound,
    /// It is not delivered or failed (it waits, is being sent, or was skipped): its status.
    NotFinished(String),
}

/// One line of an alert's notification log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationRecord {
    /// Its id.
    pub id: ObjectId,
    /// The notification type.
    pub type_name: String,
    /// The event.
    pub event: String,
    /// `PENDING`, `SENDING`, `DELIVERED`, `FAILED` or `SKIPPED`.
    pub status: String,
    /// Attempts made.
    pub attempts: u32,
    /// When it was planned.
    pub created_ms: i64,
    /// When it was last attempted.
    pub last_attempt_ms: Option<i64>,
    /// When it is (or was) due.
    pub due_ms: i64,
    /// When it was delivered.
    pub delivered_ms: Option<i64>,
    /// The receiver's last status.
    pub last_status_code: Option<i64>,
    /// What went wrong last, or why it is skipped.
    pub last_error: Option<String>,
    /// How many times it was asked to be sent again.
    pub redeliveries: u32,
    /// When it was last asked to be sent again.
    pub redelivered_ms: Option<i64>,
    /// What planning had to say (a webhook template that gave way to the default).
    pub note: Option<String>,
}

impl NotificationRecord {
    /// The wire form.
    pub fn to_wire(&self) -> Value {
        let next = (self.status == "PENDING").then(|| iso_date(self.due_ms));
        json!({
            "attempts": self.attempts,
            "created": iso_date(self.created_ms),
            "deliveredAt": self.delivered_ms.map(iso_date),
            "event": self.event,
            "id": self.id.to_string(),
            "lastAttemptAt": self.last_attempt_ms.map(iso_date),
            "lastError": self.last_error.as_deref().map(mask_urls),
            "lastStatusCode": self.last_status_code,
            "nextAttemptAt": next,
            "note": self.note,
            "redeliveredAt": self.redelivered_ms.map(iso_date),
            "redeliveries": self.redeliveries,
            "status": self.status,
            "typeName": self.type_name,
        })
    }
}

/// `text` with every URL in it masked as reads mask them (a URL may carry a token).
pub fn mask_urls(text: &str) -> String {
    text.split(' ')
        .map(|word| match word.find("https://").or_else(|| word.find("http://")) {
            Some(start) => {
                let (before, rest) = word.split_at(start);
                let url = rest.trim_end_matches([')', ',', ';', ':', '.', '"', '\'']);
                format!("{before}{}{}", mask_url(url), &rest[url.len()..])
            }
            None => word.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_in_errors_are_masked() {
        let masked =
            mask_urls("error sending request for url (https://hooks.example.com/T0/B1/secret123): refused");
        assert!(!masked.contains("secret123"), "{masked}");
    }
}
