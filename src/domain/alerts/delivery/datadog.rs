//! DATADOG: an event through Datadog's Events API (`POST /api/v1/events` on the region's
//! site, or the integration's `customEndpoint`), `DD-API-KEY`, with the alert's id as the
//! `aggregation_key` so an alert's events group together. Critical and Error → `error`,
//! Warning → `warning`, Info → `info`, as Atlas maps them; a close is `success`.

use serde_json::json;

use super::message::truncated;
use super::{Delivery, Message, Settings, Severity, Vendor, event, required};

const PATH: &str = "/api/v1/events";

/// The Events API delivery of `message`.
pub fn prepare(message: &Message, settings: &Settings) -> Result<Delivery, String> {
    let key = required(settings, "apiKey", "DATADOG")?;
    let region = settings.get("region").map_or("US", String::as_str);
    let alert_type = match message.event {
        event::CLOSE => "success",
        event::ACKNOWLEDGE | event::INFORM => "info",
        _ => alert_type(message.severity),
    };
    let mut tags = message.tags();
    tags.push(format!("alert_event:{}", message.event));
    let body = json!({
        "title": truncated(&message.title(), 100),
        "text": truncated(&format!("{}\n\n{}", message.summary(), message.link()), 4_000),
        "alert_type": alert_type,
        "aggregation_key": message.alert.id.to_string(),
        "date_happened": message.when_secs(),
        "priority": "normal",
        "tags": tags,
    })
    .to_string();
    let auth = vec![("dd-api-key".to_owned(), key.to_owned())];
    match settings.get("customEndpoint").filter(|endpoint| !endpoint.is_empty()) {
        Some(endpoint) => {
            let mut delivery = Delivery::to_url(format!("{}{PATH}", endpoint.trim_end_matches('/')), body);
            delivery.headers.extend(auth);
            Ok(delivery)
        }
        None => Ok(Delivery::to_vendor(Vendor::Datadog, region, PATH.into(), auth, body)),
    }
}

fn alert_type(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}
