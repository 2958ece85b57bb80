//! WEBHOOK: the alert as Atlas's Alerts resource shows it, POSTed to the URL, with
//! `X-MMS-Event` and (when a secret is set) `X-MMS-Signature`, which are added as it is sent.
//! A body template and a headers template (the notification's, else its integration's) shape
//! what is sent instead; one that cannot be used gives way to the default, and the
//! notification's note says which and why.

use serde_json::Value;

use super::template::{self, Context};
use super::{Delivery, Message, Settings, required};
use crate::domain::alerts::alert::Alert;

/// The webhook delivery of `message`.
pub fn prepare(message: &Message, settings: &Settings) -> Result<Delivery, String> {
    let url = required(settings, "url", "WEBHOOK")?;
    let alert = webhook_json(message.alert, message.base);
    let empty = serde_json::Map::new();
    let context = Context { alert: alert.as_object().unwrap_or(&empty), event: message.event };
    let mut notes = Vec::new();
    let body = match settings.get("bodyTemplate").filter(|template| !template.is_empty()) {
        None => alert.to_string(),
        Some(shape) => template::body(shape, &context).unwrap_or_else(|why| {
            notes.push(format!("the body template was not used ({why}); the default body was sent"));
            alert.to_string()
        }),
    };
    let mut delivery = Delivery::to_url(url.to_owned(), body);
    if let Some(shape) = settings.get("headersTemplate").filter(|template| !template.is_empty()) {
        match template::headers(shape, &context) {
            Ok(template::RenderedHeaders { kept, left_out }) => {
                if !left_out.is_empty() {
                    notes.push(format!("the headers template may not set {}: left out", left_out.join(", ")));
                }
                delivery.headers.extend(kept);
            }
            Err(why) => notes
                .push(format!("the headers template was not used ({why}); the default headers were sent")),
        }
    }
    delivery.secret = settings.get("secret").filter(|secret| !secret.is_empty()).cloned();
    delivery.event = message.event.to_owned();
    delivery.note = (!notes.is_empty()).then(|| notes.join("; "));
    Ok(delivery)
}

/// The webhook body for `alert`: the alert as the Alerts resource shows it (links under
/// `base`), with `humanReadable` and `typeName` as Atlas's webhook bodies carry them.
pub fn webhook_body(alert: &Alert, base: &str) -> String {
    webhook_json(alert, base).to_string()
}

/// The same body as a JSON value (what other services' formats carry as the alert's details).
pub fn webhook_json(alert: &Alert, base: &str) -> Value {
    let mut body = alert.to_wire(base);
    if let Value::Object(object) = &mut body {
        let observation = &alert.observation;
        let summary = observation.human_readable.clone().unwrap_or_else(|| {
            format!(
                "{} alert {} is {}",
                observation.event_type_name,
                alert.id,
                alert.status.as_str().to_lowercase()
            )
        });
        object.insert("humanReadable".into(), Value::String(summary));
        let type_name =
            observation.type_name.clone().unwrap_or_else(|| type_name_of(&observation.event_type_name));
        object.insert("typeName".into(), Value::String(type_name));
        object.sort_keys();
    }
    body
}

/// The v1 `typeName` of an event type Atlas's v1 alerts carry (`HOST_METRIC`, `HOST`,
/// `REPLICA_SET`, `CLUSTER`, …), from the kind of configuration it belongs to.
fn type_name_of(event_type: &str) -> String {
    let schema = crate::domain::alerts::catalog::family_of(event_type).map_or("", |family| family.schema);
    let name = match schema {
        "HostMetricAlertConfigViewForNdsGroup" => "HOST_METRIC",
        "HostAlertConfigViewForNdsGroup" => "HOST",
        "ReplicaSetAlertConfigViewForNdsGroup" | "ReplicaSetThresholdAlertConfigViewForNdsGroup" => {
            "REPLICA_SET"
        }
        "ClusterAlertConfigViewForNdsGroup" => "CLUSTER",
        _ => "GROUP",
    };
    name.to_owned()
}
