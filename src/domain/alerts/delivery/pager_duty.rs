//! PAGER_DUTY: PagerDuty's Events API v2 (`POST /v2/enqueue` on the region's host). An open
//! triggers, an acknowledgement acknowledges and a close resolves the one incident whose
//! `dedup_key` is the alert's id; the severity maps one to one.

use serde_json::json;

use super::message::truncated;
use super::{Delivery, Message, Settings, Severity, Vendor, event, required};

/// The Events API v2 delivery of `message`.
pub fn prepare(message: &Message, settings: &Settings) -> Result<Delivery, String> {
    let routing_key = required(settings, "serviceKey", "PAGER_DUTY")?;
    let region = settings.get("region").map_or("US", String::as_str);
    let dedup_key = message.alert.id.to_string();
    let action = match message.event {
        event::ACKNOWLEDGE => "acknowledge",
        event::CLOSE => "resolve",
        _ => "trigger",
    };
    let mut body = json!({"routing_key": routing_key, "event_action": action, "dedup_key": dedup_key});
    if action == "trigger" {
        let alert = message.alert;
        body["payload"] = json!({
            "summary": truncated(&message.summary(), 1024),
            "source": message.target().map_or_else(|| format!("project {}", alert.group), str::to_owned),
            "severity": severity(message.severity),
            "timestamp": message.when(),
            "class": alert.observation.event_type_name,
            "group": alert.group.to_string(),
            "custom_details": message.alert_json(),
        });
        body["client"] = json!("atlas-integrations");
        body["client_url"] = json!(message.link());
    }
    Ok(Delivery::to_vendor(Vendor::PagerDuty, region, "/v2/enqueue".into(), Vec::new(), body.to_string()))
}

/// PagerDuty's severity for an Atlas severity (the same four names).
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "critical",
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}
