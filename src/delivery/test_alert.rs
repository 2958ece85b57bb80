//! A test alert through an integration's stored settings (`…/integrations/{type}:test` and
//! `integration test`): a made-up alert of severity INFO, sent at once in the type's own
//! format (one attempt each), and what the service answered, with the integration's secrets
//! kept out of the words. Where an open raises an incident (PagerDuty, Opsgenie), the test
//! resolves it at once, so no one is paged for a test. A test email goes the same way.

use std::time::Instant;

use super::client::Sender;
use crate::domain::alerts::alert::{Alert, AlertStatus};
use crate::domain::alerts::delivery::{
    Delivery, Message, Settings, Severity, event, integration_settings, prepare,
};
use crate::domain::alerts::observation::Observation;
use crate::domain::alerts::outbox::mask_urls;
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::{Integration, IntegrationType};
use crate::domain::project::Project;

/// How a test went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestOutcome {
    /// The service accepted it.
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
        IntegrationType::NewRelic | IntegrationType::Flowdock => {
            Some(format!("{kind} has ended its service, so nothing is sent to it"))
        }
        IntegrationType::Prometheus => Some(
            "PROMETHEUS is pulled by Prometheus (from /prometheus/v1.0/groups/{groupId}/discovery), not sent to"
                .to_owned(),
        ),
        _ => None,
    }
}

/// The made-up alert a test tells of, in project `group` of organization `org`.
fn test_alert(group: GroupId, org_id: ObjectId, event_type_name: &str, words: &str) -> Alert {
    let observation = Observation {
        event_type_name: event_type_name.into(),
        human_readable: Some(words.into()),
        type_name: Some("GROUP".into()),
        ..Observation::default()
    };
    Alert::made_up(group, org_id, observation, crate::store::now_ms())
}

/// Sends a test alert through `integration` of `project`; links point under `base`.
pub async fn send_test_alert(
    sender: &Sender,
    project: &Project,
    integration: &Integration,
    base: &str,
) -> TestOutcome {
    let settings = integration_settings(integration);
    let words = "Test alert from atlas-integrations: this integration is set up to receive alerts.";
    let mut alert = test_alert(project.id, project.org_id, "INTEGRATION_TEST", words);
    let raises_incident = matches!(integration.kind, IntegrationType::PagerDuty | IntegrationType::OpsGenie);
    let first_event = if raises_incident { event::OPEN } else { event::INFORM };
    let message = Message { alert: &alert, event: first_event, severity: Severity::Info, base, limit: None };
    let hidden: Vec<String> = settings.values().filter(|value| value.len() >= 6).cloned().collect();
    let first = match prepare(integration.kind.as_str(), &message, &settings) {
        Ok(delivery) => delivery,
        Err(reason) => return TestOutcome::Failed { status: None, said: reason },
    };
    let started = Instant::now();
    let mut outcome = attempt(sender, &first, &hidden).await;
    if raises_incident && matches!(outcome, TestOutcome::Delivered { .. }) {
        alert.status = AlertStatus::Closed;
        alert.resolved_ms = Some(crate::store::now_ms());
        let message =
            Message { alert: &alert, event: event::CLOSE, severity: Severity::Info, base, limit: None };
        if let Ok(resolve) = prepare(integration.kind.as_str(), &message, &settings) {
            let resolved = attempt(sender, &resolve, &hidden).await;
            if matches!(resolved, TestOutcome::Failed { .. }) {
                outcome = resolved;
            }
        }
    }
    match outcome {
        TestOutcome::Delivered { status, .. } => {
            TestOutcome::Delivered { status, duration_ms: started.elapsed().as_millis() as u64 }
        }
        failed => failed,
    }
}

/// Sends a test email to `to` through the sender's SMTP server (`alert test-email`), in the
/// format of EMAIL notifications; links point under `base`.
pub async fn send_test_email(sender: &Sender, to: &str, base: &str) -> TestOutcome {
    let words = "Test email from atlas-integrations: EMAIL notifications reach this address.";
    let alert = test_alert(GroupId(ObjectId::generate()), ObjectId::generate(), "EMAIL_TEST", words);
    let message =
        Message { alert: &alert, event: event::INFORM, severity: Severity::Info, base, limit: None };
    let settings = Settings::from([("emailAddress", to.to_owned())]);
    let email = match prepare("EMAIL", &message, &settings) {
        Ok(delivery) => delivery,
        Err(reason) => return TestOutcome::Failed { status: None, said: reason },
    };
    let started = Instant::now();
    match attempt(sender, &email, &[]).await {
        TestOutcome::Delivered { status, .. } => {
            TestOutcome::Delivered { status, duration_ms: started.elapsed().as_millis() as u64 }
        }
        failed => failed,
    }
}

/// One attempt, its failure in words with `hidden` values starred out.
async fn attempt(sender: &Sender, delivery: &Delivery, hidden: &[String]) -> TestOutcome {
    // A test is a message of its own: a fresh id, never one a notification has.
    let sent = sender.send(delivery, &crate::domain::ids::ObjectId::generate().to_string()).await;
    match (sent.status, sent.error) {
        (Some(status), None) => TestOutcome::Delivered { status, duration_ms: 0 },
        (status, error) => {
            let mut said = mask_urls(error.as_deref().unwrap_or("no answer"));
            for value in hidden {
                said = said.replace(value.as_str(), "****");
            }
            TestOutcome::Failed { status, said: said.chars().take(200).collect() }
        }
    }
}
