//! A test alert through an integration's stored settings (`…/integrations/{type}:test` and
//! `integration test`): one attempt, at once, and what the receiver answered, with the
//! integration's secrets kept out of the words.

use std::time::Instant;

use serde_json::json;

use super::client::Sender;
use super::webhook;
use crate::domain::alerts::delivery::WebhookDelivery;
use crate::domain::alerts::outbox::mask_urls;
use crate::domain::dates::iso_date;
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::{FieldValue, Integration, IntegrationType};

/// How a test went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestOutcome {
    /// The receiver accepted it.
    Delivered {
        /// Its status.
        status: u16,
        /// How long the attempt took.
        duration_ms: u64,
    },
    /// It did not: the status (if it answered) and the first 200 characters of what it
    /// said, or of what went wrong.
    Failed {
        /// Its status, if it answered.
        status: Option<u16>,
        /// What it said, or what went wrong.
        said: String,
    },
}

/// Why a type cannot be tested, or `None` if it can.
pub fn untestable(kind: IntegrationType) -> Option<String> {
    match kind {
        IntegrationType::Webhook => None,
        IntegrationType::NewRelic | IntegrationType::Flowdock => {
            Some(format!("{kind} has ended its service"))
        }
        IntegrationType::Prometheus => Some("PROMETHEUS is pulled by Prometheus, not sent to".to_owned()),
        _ => Some(format!("this server does not deliver {kind} notifications yet")),
    }
}

fn value_of(integration: &Integration, name: &str) -> Option<String> {
    match integration.fields.get(name) {
        Some(FieldValue::Secret(secret)) => Some(secret.expose().to_owned()),
        Some(FieldValue::Text(text)) => Some(text.clone()),
        _ => None,
    }
}

fn test_body(group: GroupId) -> String {
    let now = iso_date(crate::store::now_ms());
    json!({
        "created": now,
        "eventTypeName": "INTEGRATION_TEST",
        "groupId": group.to_string(),
        "humanReadable": "Test alert from atlas-integrations: this integration is set up to receive alerts.",
        "id": ObjectId::generate().to_string(),
        "status": "OPEN",
        "typeName": "GROUP",
        "updated": now,
    })
    .to_string()
}

/// Sends a test alert (`X-MMS-Event: alert.inform`) through a WEBHOOK integration of `group`.
pub async fn send_test_alert(sender: &Sender, group: GroupId, integration: &Integration) -> TestOutcome {
    let url = value_of(integration, "url").unwrap_or_default();
    let secret = value_of(integration, "secret");
    let delivery = WebhookDelivery {
        url: url.clone(),
        secret: secret.clone(),
        event: "alert.inform".into(),
        body: test_body(group),
    };
    let started = Instant::now();
    let sent =
        sender.post(&delivery.url, &webhook::headers(&delivery), delivery.body.clone().into_bytes()).await;
    let duration_ms = started.elapsed().as_millis() as u64;
    match sent.status {
        Some(status) if (200..300).contains(&status) => TestOutcome::Delivered { status, duration_ms },
        status => {
            let mut said = mask_urls(sent.error.as_deref().unwrap_or("no answer"));
            for hidden in [Some(url), secret].into_iter().flatten().filter(|hidden| !hidden.is_empty()) {
                said = said.replace(&hidden, "****");
            }
            TestOutcome::Failed { status, said: said.chars().take(200).collect() }
        }
    }
}
