//! What a notification carries to its destination, decided when it is planned (in the same
//! transaction as the alert change that makes it due): where it goes, how it is signed, and
//! the body, the alert as it was at that moment. Sealed at rest: it holds the destination's
//! secret.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::alert::Alert;

/// The events a notification tells of, as `X-MMS-Event` names them.
pub mod event {
    /// The alert opened.
    pub const OPEN: &str = "alert.open";
    /// The alert is still open (a repeat).
    pub const UPDATE: &str = "alert.update";
    /// Someone acknowledged it.
    pub const ACKNOWLEDGE: &str = "alert.acknowledge";
    /// It closed.
    pub const CLOSE: &str = "alert.close";
}

/// A webhook notification ready to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    /// Where it is POSTed.
    pub url: String,
    /// The secret that signs it (`X-MMS-Signature`), if one is set.
    pub secret: Option<String>,
    /// The event (`X-MMS-Event`).
    pub event: String,
    /// The JSON body, exactly as sent (so its signature is over these bytes).
    pub body: String,
}

/// The webhook body for `alert`: the alert as the Alerts resource shows it (links under
/// `base`), with `humanReadable` and `typeName` as Atlas's webhook bodies carry them.
pub fn webhook_body(alert: &Alert, base: &str) -> String {
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
    body.to_string()
}

/// The v1 `typeName` of an event type Atlas's v1 alerts carry (`HOST_METRIC`, `HOST`,
/// `REPLICA_SET`, `CLUSTER`, …), from the kind of configuration it belongs to.
fn type_name_of(event_type: &str) -> String {
    let schema = super::family::family_of(event_type).map_or("", |family| family.schema);
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
