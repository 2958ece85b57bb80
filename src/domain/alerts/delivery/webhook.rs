//! WEBHOOK: the alert as Atlas's Alerts resource shows it, POSTed to the URL, with
//! `X-MMS-Event` and (when a secret is set) `X-MMS-Signature`, which are added as it is sent.

use serde_json::Value;

use super::{Delivery, Message, Settings, required};
use crate::domain::alerts::alert::Alert;

/// The webhook delivery of `message`.
pub fn prepare(message: &Message, settings: &Settings) -> Result<Delivery, String> {
    let url = required(settings, "url", "WEBHOOK")?;
    let mut delivery = Delivery::to_url(url.to_owned(), webhook_body(message.alert, message.base));
    delivery.secret = settings.get("secret").filter(|secret| !secret.is_empty()).cloned();
    delivery.event = message.event.to_owned();
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
