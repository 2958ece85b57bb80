//! An alert configuration: which event (and, for metric events, which threshold) on which
//! targets (matchers) raises an alert, and whom it notifies. Checked as a whole when created
//! or replaced; a replacement keeps the credentials its notifications send back masked.

use serde_json::{Map, Value, json};

use super::catalog::family_of;
use super::family::Family;
use super::matcher::{Matcher, check_compiled_budget, matchers_to_wire};
use super::notification::Notification;
use super::threshold::Limit;
use crate::domain::dates::iso_date;
use crate::domain::ids::{GroupId, ObjectId};

/// The most notifications a configuration has.
pub const MAX_NOTIFICATIONS: usize = 25;
/// The most matchers a configuration has.
pub const MAX_MATCHERS: usize = 25;

const SEVERITIES: &[&str] = &["INFO", "WARNING", "ERROR", "CRITICAL"];
const READ_ONLY: &[&str] = &["id", "groupId", "created", "updated", "links"];

/// What a client may set on an alert configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertSettings {
    /// Whether alerts are raised from it.
    pub enabled: bool,
    /// The event type it watches.
    pub event_type_name: String,
    /// Which targets it applies to (all must accept).
    pub matchers: Vec<Matcher>,
    /// The metric threshold (metric event types).
    pub metric_threshold: Option<Limit>,
    /// The plain threshold (threshold event types).
    pub threshold: Option<Limit>,
    /// Whom it notifies.
    pub notifications: Vec<Notification>,
    /// The severity its alerts carry instead of the event's own.
    pub severity_override: Option<String>,
}

/// A stored alert configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertConfig {
    /// Its id.
    pub id: ObjectId,
    /// Its project.
    pub group: GroupId,
    /// When it was made (ms since the epoch).
    pub created_ms: i64,
    /// When it was last changed.
    pub updated_ms: i64,
    /// The settings.
    pub settings: AlertSettings,
}

impl AlertSettings {
    /// Settings from a request body; `previous` are the settings they replace, whose
    /// credentials stay wherever the body sends back their masks.
    pub fn parse(body: &Value, previous: Option<&AlertSettings>) -> Result<AlertSettings, String> {
        let settings = AlertSettings::read(body, previous)?;
        check_compiled_budget(&settings.matchers)?;
        Ok(settings)
    }

    /// Settings from a body, without the budget on compiled patterns: a configuration stored
    /// before the budget still opens.
    fn read(body: &Value, previous: Option<&AlertSettings>) -> Result<AlertSettings, String> {
        let object = body.as_object().ok_or("the alert configuration must be a JSON object")?;
        let event_type_name = match object.get("eventTypeName") {
            Some(Value::String(name)) => name.clone(),
            None | Some(Value::Null) => return Err("eventTypeName is required".into()),
            Some(_) => return Err("eventTypeName must be a string".into()),
        };
        let family = family_of(&event_type_name)
            .ok_or_else(|| format!("eventTypeName {event_type_name} is not an Atlas alert event type"))?;
        for key in object.keys() {
            let known = matches!(
                key.as_str(),
                "enabled" | "eventTypeName" | "matchers" | "notifications" | "severityOverride"
            ) || READ_ONLY.contains(&key.as_str())
                || (key == "metricThreshold" && family.metric_threshold)
                || (key == "threshold" && family.threshold);
            if !known {
                return Err(format!("{key} is not an attribute of a {event_type_name} alert configuration"));
            }
        }
        Ok(AlertSettings {
            enabled: match object.get("enabled") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(enabled)) => *enabled,
                Some(_) => return Err("enabled must be a boolean".into()),
            },
            matchers: parse_matchers(object.get("matchers"), family)?,
            metric_threshold: parse_metric_threshold(object.get("metricThreshold"), family)?,
            threshold: match object.get("threshold") {
                None | Some(Value::Null) => None,
                Some(body) => Some(Limit::parse_plain(body)?),
            },
            notifications: parse_notifications(object.get("notifications"), previous)?,
            severity_override: match object.get("severityOverride") {
                None | Some(Value::Null) => None,
                Some(Value::String(severity)) if SEVERITIES.contains(&severity.as_str()) => {
                    Some(severity.clone())
                }
                Some(_) => return Err(format!("severityOverride must be one of {}", SEVERITIES.join(", "))),
            },
            event_type_name,
        })
    }

    /// The shortest time between repeats among the notifications sent (ms), if any repeats.
    pub fn shortest_repeat_ms(&self) -> Option<i64> {
        let sent = self.notifications.iter().filter(|notification| notification.is_sent());
        sent.filter_map(|notification| notification.interval_min).min().map(|minutes| minutes * 60_000)
    }

    /// The stored form: credentials in clear, for the sealed document.
    pub fn to_stored(&self) -> Value {
        let mut object = self.common_wire();
        let notifications = self.notifications.iter().map(Notification::to_stored).collect();
        object.insert("notifications".into(), Value::Array(notifications));
        Value::Object(object)
    }

    /// Settings from their stored form.
    pub fn from_stored(stored: &Value) -> Result<AlertSettings, String> {
        let mut settings = AlertSettings::read(stored, None)?;
        // Stored notifications keep their identity and every value, as stored.
        settings.notifications = parse_notifications(stored.get("notifications"), None)?;
        Ok(settings)
    }

    fn common_wire(&self) -> Map<String, Value> {
        let mut object = Map::new();
        object.insert("enabled".into(), json!(self.enabled));
        object.insert("eventTypeName".into(), json!(self.event_type_name));
        object.insert("matchers".into(), matchers_to_wire(&self.matchers));
        if let Some(limit) = &self.metric_threshold {
            object.insert("metricThreshold".into(), limit.to_wire());
        }
        if let Some(severity) = &self.severity_override {
            object.insert("severityOverride".into(), json!(severity));
        }
        if let Some(limit) = &self.threshold {
            object.insert("threshold".into(), limit.to_wire());
        }
        object
    }
}

impl AlertConfig {
    /// The wire form (keys in alphabetical order), credentials masked, with its `self` link
    /// under `base` (the mount's prefix as the client reached it).
    pub fn to_wire(&self, base: &str) -> Value {
        let mut object = self.settings.common_wire();
        object.insert("created".into(), json!(iso_date(self.created_ms)));
        object.insert("groupId".into(), json!(self.group.to_string()));
        object.insert("id".into(), json!(self.id.to_string()));
        let href = format!("{base}/groups/{}/alertConfigs/{}", self.group, self.id);
        object.insert("links".into(), json!([{"href": href, "rel": "self"}]));
        let notifications = self.settings.notifications.iter().map(Notification::to_wire).collect();
        object.insert("notifications".into(), Value::Array(notifications));
        object.insert("updated".into(), json!(iso_date(self.updated_ms)));
        object.sort_keys();
        Value::Object(object)
    }
}

fn parse_matchers(value: Option<&Value>, family: &Family) -> Result<Vec<Matcher>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) if items.len() <= MAX_MATCHERS => {
            items.iter().map(|item| Matcher::parse(item, family.matcher_fields)).collect()
        }
        Some(Value::Array(_)) => Err(format!("matchers may hold at most {MAX_MATCHERS} matchers")),
        Some(_) => Err("matchers must be a list".into()),
    }
}

fn parse_metric_threshold(value: Option<&Value>, family: &Family) -> Result<Option<Limit>, String> {
    match value {
        None | Some(Value::Null) if family.metric_threshold && !family.metrics.is_empty() => {
            Err("metricThreshold is required for a metric alert configuration".into())
        }
        None | Some(Value::Null) => Ok(None),
        Some(body) => Limit::parse_metric(body, family).map(Some),
    }
}

fn parse_notifications(
    value: Option<&Value>,
    previous: Option<&AlertSettings>,
) -> Result<Vec<Notification>, String> {
    let items = match value {
        Some(Value::Array(items)) if (1..=MAX_NOTIFICATIONS).contains(&items.len()) => items,
        Some(Value::Array(_)) => {
            return Err(format!("notifications must hold 1 to {MAX_NOTIFICATIONS} notifications"));
        }
        None | Some(Value::Null) => return Err("notifications is required".into()),
        Some(_) => return Err("notifications must be a list".into()),
    };
    let before = previous.map_or(&[][..], |previous| previous.notifications.as_slice());
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            // The notification it replaces: the one with its notifierId, or the one at its place.
            let named = item.get("notifierId").and_then(Value::as_str).and_then(ObjectId::parse);
            let replaced = match named {
                Some(id) => before.iter().find(|old| old.notifier_id == id),
                None => before.get(index),
            };
            Notification::parse(item, replaced)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_down() -> Value {
        json!({"eventTypeName": "HOST_DOWN", "enabled": true,
               "matchers": [{"fieldName": "HOSTNAME_AND_PORT", "operator": "EQUALS", "value": "db-0:27017"}],
               "notifications": [{"typeName": "WEBHOOK", "webhookUrl": "https://hooks.example.com/x/abcd",
                                  "webhookSecret": "s3cret", "delayMin": 0, "intervalMin": 5}]})
    }

    #[test]
    fn settings_survive_their_stored_form_with_credentials_in_clear() {
        let settings = AlertSettings::parse(&host_down(), None).unwrap();
        let stored = settings.to_stored();
        assert_eq!(stored["notifications"][0]["webhookSecret"], "s3cret");
        assert_eq!(AlertSettings::from_stored(&stored).unwrap(), settings);
    }

    #[test]
    fn the_wire_form_masks_credentials_and_links_to_itself() {
        let config = AlertConfig {
            id: ObjectId::parse("5f0000000000000000000001").unwrap(),
            group: GroupId(ObjectId::parse("5f0000000000000000000002").unwrap()),
            created_ms: 0,
            updated_ms: 0,
            settings: AlertSettings::parse(&host_down(), None).unwrap(),
        };
        let wire = config.to_wire("https://h/api/atlas/v2");
        assert_eq!(wire["notifications"][0]["webhookSecret"], "******");
        assert_eq!(
            wire["links"][0]["href"],
            "https://h/api/atlas/v2/groups/5f0000000000000000000002/alertConfigs/5f0000000000000000000001"
        );
        let keys: Vec<_> = wire.as_object().unwrap().keys().cloned().collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn bad_configurations_are_refused_with_the_reason() {
        let refuse = |body: Value| AlertSettings::parse(&body, None).unwrap_err();
        let notify = json!([{"typeName": "EMAIL", "emailAddress": "a@b.c"}]);
        assert!(refuse(json!({"notifications": notify})).contains("eventTypeName is required"));
        assert!(refuse(json!({"eventTypeName": "NOPE", "notifications": notify})).contains("not an Atlas"));
        assert!(refuse(json!({"eventTypeName": "HOST_DOWN"})).contains("notifications is required"));
        assert!(refuse(json!({"eventTypeName": "HOST_DOWN", "notifications": []})).contains("1 to 25"));
        let metric = json!({"eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "notifications": notify});
        assert!(refuse(metric).contains("metricThreshold is required"));
        let foreign =
            json!({"eventTypeName": "HOST_DOWN", "threshold": {"threshold": 1}, "notifications": notify});
        assert!(refuse(foreign).contains("threshold is not an attribute"));
    }
}
