//! VICTOR_OPS (Splunk On-Call): the REST endpoint integration, the API key and routing key
//! in the path (without a routing key, the key's default route), `entity_id` the alert's id
//! so one incident follows the alert. Critical and Error → `CRITICAL`, Warning → `WARNING`,
//! Info → `INFO`, as Atlas maps them; `ACKNOWLEDGEMENT` and `RECOVERY` follow.

use serde_json::json;

use super::message::truncated;
use super::{Delivery, Message, Settings, Severity, Vendor, event, required};

/// The REST endpoint delivery of `message`.
pub fn prepare(message: &Message, settings: &Settings) -> Result<Delivery, String> {
    let key = required(settings, "apiKey", "VICTOR_OPS")?;
    let mut path = format!("/integrations/generic/20131114/alert/{}", segment(key));
    if let Some(routing) = settings.get("routingKey").filter(|routing| !routing.is_empty()) {
        path.push('/');
        path.push_str(&segment(routing));
    }
    let message_type = match message.event {
        event::ACKNOWLEDGE => "ACKNOWLEDGEMENT",
        event::CLOSE => "RECOVERY",
        event::INFORM => "INFO",
        _ => message_type(message.severity),
    };
    let alert = message.alert;
    let mut body = json!({
        "message_type": message_type,
        "entity_id": alert.id.to_string(),
        "entity_display_name": truncated(&message.title(), 512),
        "state_message": truncated(&format!("{}\n\n{}", message.summary(), message.link()), 4_000),
        "state_start_time": alert.created_ms / 1_000,
        "timestamp": message.when_secs(),
        "monitoring_tool": "atlas-integrations",
        "alert_url": message.link(),
        "group_id": alert.group.to_string(),
        "event_type_name": alert.observation.event_type_name,
    });
    if let Some(ack) = alert.acknowledgement.as_ref().filter(|_| message.event == event::ACKNOWLEDGE) {
        body["ack_author"] = json!(ack.username);
        if let Some(comment) = &ack.comment {
            body["ack_msg"] = json!(comment);
        }
    }
    Ok(Delivery::to_vendor(Vendor::VictorOps, "", path, Vec::new(), body.to_string()))
}

fn message_type(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::Error => "CRITICAL",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

/// A key as one path segment.
fn segment(key: &str) -> String {
    url::form_urlencoded::byte_serialize(key.as_bytes()).collect::<String>().replace('+', "%20")
}
