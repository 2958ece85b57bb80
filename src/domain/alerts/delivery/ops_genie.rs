//! OPS_GENIE: Opsgenie's Alert API v2 on the region's host, `Authorization: GenieKey …`. An
//! open creates the alert whose `alias` is the alert's id (Opsgenie de-duplicates on it); an
//! acknowledgement and a close act on that alert by alias. Critical → P1, Error → P2,
//! Warning → P4, Info → P5, as Atlas maps them.

use serde_json::json;

use super::message::truncated;
use super::{Delivery, Message, Settings, Severity, Vendor, event, required};

const SOURCE: &str = "atlas-integrations";

/// The Alert API delivery of `message`.
pub fn prepare(message: &Message, settings: &Settings) -> Result<Delivery, String> {
    let key = required(settings, "apiKey", "OPS_GENIE")?;
    let region = settings.get("region").map_or("US", String::as_str);
    let alert = message.alert;
    let alias = alert.id.to_string();
    let (path, body) = match message.event {
        event::ACKNOWLEDGE | event::CLOSE => {
            let action = if message.event == event::CLOSE { "close" } else { "acknowledge" };
            let note = if action == "close" { "The alert closed." } else { "The alert was acknowledged." };
            let mut body = json!({"source": SOURCE, "note": note});
            if let Some(ack) = alert.acknowledgement.as_ref().filter(|_| action == "acknowledge") {
                body["user"] = json!(ack.username);
                if let Some(comment) = &ack.comment {
                    body["note"] = json!(truncated(comment, 25_000));
                }
            }
            (format!("/v2/alerts/{alias}/{action}?identifierType=alias"), body)
        }
        _ => {
            let mut body = json!({
                "message": truncated(&message.title(), 130),
                "alias": alias,
                "description": truncated(&format!("{}\n\n{}", message.summary(), message.link()), 15_000),
                "priority": priority(message.severity),
                "source": SOURCE,
                "tags": message.tags().into_iter().map(|tag| truncated(&tag, 50)).collect::<Vec<_>>(),
                "details": details(message),
            });
            if let Some(target) = message.target() {
                body["entity"] = json!(truncated(target, 512));
            }
            ("/v2/alerts".to_owned(), body)
        }
    };
    let auth = ("authorization".to_owned(), format!("GenieKey {key}"));
    Ok(Delivery::to_vendor(Vendor::OpsGenie, region, path, vec![auth], body.to_string()))
}

fn priority(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "P1",
        Severity::Error => "P2",
        Severity::Warning => "P4",
        Severity::Info => "P5",
    }
}

/// The alert's scalar fields as Opsgenie's string-to-string `details`.
fn details(message: &Message) -> serde_json::Map<String, serde_json::Value> {
    let mut details = serde_json::Map::new();
    if let serde_json::Value::Object(alert) = message.alert_json() {
        for (name, value) in alert {
            let text = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Number(number) => number.to_string(),
                serde_json::Value::Object(_) if name == "currentValue" => {
                    format!("{} {}", value["number"], value["units"].as_str().unwrap_or(""))
                }
                _ => continue,
            };
            details.insert(name, json!(truncated(&text, 8_000)));
        }
    }
    details.insert("link".into(), json!(message.link()));
    details
}
