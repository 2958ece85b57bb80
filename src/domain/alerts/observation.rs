//! What a monitoring system tells this server it sees (the body of `POST …/alerts`, an
//! extension: Atlas raises alerts from its own monitoring): an event on a target, with a
//! metric's value where the event has one. Matched against configurations, it opens or
//! updates alerts.

use serde_json::{Map, Value, json};

use super::catalog::family_of;
use super::config::AlertSettings;
use super::threshold::number;

/// An observed value and its units.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    /// The number.
    pub number: f64,
    /// Its units (`RAW` when not said).
    pub units: Option<String>,
}

/// One observation.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Observation {
    /// The event type seen.
    pub event_type_name: String,
    /// The metric measured (metric events).
    pub metric_name: Option<String>,
    /// Its value.
    pub current_value: Option<Measured>,
    /// The cluster concerned.
    pub cluster_name: Option<String>,
    /// The host concerned, `host:port`.
    pub hostname_and_port: Option<String>,
    /// The replica set concerned.
    pub replica_set_name: Option<String>,
    /// The kind of host (`REPLICA_PRIMARY`, …), as v1 alerts carry it.
    pub type_name: Option<String>,
    /// A sentence for people.
    pub human_readable: Option<String>,
}

const TEXT_FIELDS: [&str; 6] =
    ["metricName", "clusterName", "hostnameAndPort", "replicaSetName", "typeName", "humanReadable"];

impl Observation {
    /// An observation from its wire form.
    pub fn parse(body: &Value) -> Result<Observation, String> {
        let object = body.as_object().ok_or("the observation must be a JSON object")?;
        if let Some(unknown) = object.keys().find(|key| {
            *key != "eventTypeName" && *key != "currentValue" && !TEXT_FIELDS.contains(&key.as_str())
        }) {
            return Err(format!("{unknown} is not an attribute of an observation"));
        }
        let event_type_name = match object.get("eventTypeName") {
            Some(Value::String(name)) if family_of(name).is_some() => name.clone(),
            Some(Value::String(name)) => {
                return Err(format!("eventTypeName {name} is not an Atlas alert event type"));
            }
            _ => return Err("eventTypeName is required".into()),
        };
        let text = |name: &str| -> Result<Option<String>, String> {
            match object.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) if !text.is_empty() && text.chars().count() <= 1024 => {
                    Ok(Some(text.clone()))
                }
                Some(_) => Err(format!("{name} must be a string of 1 to 1024 characters")),
            }
        };
        let current_value = match object.get("currentValue") {
            None | Some(Value::Null) => None,
            Some(Value::Object(value)) => Some(Measured {
                number: value
                    .get("number")
                    .and_then(Value::as_f64)
                    .ok_or("currentValue.number must be a number")?,
                units: match value.get("units") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(units)) => Some(units.clone()),
                    Some(_) => return Err("currentValue.units must be a string".into()),
                },
            }),
            Some(_) => return Err("currentValue must be an object {number, units}".into()),
        };
        Ok(Observation {
            metric_name: text("metricName")?,
            cluster_name: text("clusterName")?,
            hostname_and_port: text("hostnameAndPort")?,
            replica_set_name: text("replicaSetName")?,
            type_name: text("typeName")?,
            human_readable: text("humanReadable")?,
            current_value,
            event_type_name,
        })
    }

    /// The target's value of a matcher field (`""` for one this observation does not say).
    pub fn field(&self, name: &str) -> &str {
        let host = self.hostname_and_port.as_deref().unwrap_or("");
        let value = match name {
            "HOSTNAME_AND_PORT" => Some(host),
            "HOSTNAME" => Some(host.rsplit_once(':').map_or(host, |(name, _)| name)),
            "PORT" => Some(host.rsplit_once(':').map_or("", |(_, port)| port)),
            "REPLICA_SET_NAME" | "SHARD_NAME" => self.replica_set_name.as_deref(),
            "CLUSTER_NAME" => self.cluster_name.as_deref(),
            "TYPE_NAME" => self.type_name.as_deref(),
            _ => None,
        };
        value.unwrap_or("")
    }

    /// What identifies the target: one open alert per configuration and target.
    pub fn target_key(&self) -> String {
        let parts = [&self.hostname_and_port, &self.cluster_name, &self.replica_set_name, &self.metric_name];
        parts.iter().map(|part| part.as_deref().unwrap_or("")).collect::<Vec<_>>().join("|")
    }

    /// Whether a configuration raises an alert for this observation: enabled, of its event
    /// type, every matcher accepting the target, and its threshold crossed (if it has one).
    pub fn is_caught_by(&self, settings: &AlertSettings) -> bool {
        let crossed = |limit: &super::threshold::Limit| match &self.current_value {
            Some(value) => limit.is_crossed_by(value.number, value.units.as_deref()),
            None => false,
        };
        settings.enabled
            && settings.event_type_name == self.event_type_name
            && settings.matchers.iter().all(|matcher| matcher.accepts(self.field(&matcher.field_name)))
            && settings.metric_threshold.as_ref().is_none_or(|limit| {
                limit.metric_name.as_deref() == self.metric_name.as_deref() && crossed(limit)
            })
            && settings.threshold.as_ref().is_none_or(crossed)
    }

    /// The stored form (every field said).
    pub fn to_stored(&self) -> Value {
        let mut object = Map::new();
        object.insert("eventTypeName".into(), json!(self.event_type_name));
        let fields = [
            ("metricName", &self.metric_name),
            ("clusterName", &self.cluster_name),
            ("hostnameAndPort", &self.hostname_and_port),
            ("replicaSetName", &self.replica_set_name),
            ("typeName", &self.type_name),
            ("humanReadable", &self.human_readable),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                object.insert(name.into(), json!(value));
            }
        }
        if let Some(value) = &self.current_value {
            let units = value.units.clone().unwrap_or_else(|| "RAW".into());
            object.insert("currentValue".into(), json!({"number": number(value.number), "units": units}));
        }
        Value::Object(object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(body: Value) -> AlertSettings {
        AlertSettings::parse(&body, None).unwrap()
    }

    fn email() -> Value {
        json!([{"typeName": "EMAIL", "emailAddress": "ops@example.com"}])
    }

    #[test]
    fn a_configuration_catches_its_event_on_matching_targets_only() {
        let config =
            settings(json!({"eventTypeName": "HOST_DOWN", "enabled": true, "notifications": email(),
            "matchers": [{"fieldName": "PORT", "operator": "EQUALS", "value": "27017"}]}));
        let seen = |host: &str| {
            Observation::parse(&json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": host})).unwrap()
        };
        assert!(seen("db-0.example.net:27017").is_caught_by(&config));
        assert!(!seen("db-0.example.net:27018").is_caught_by(&config));
        let other = Observation::parse(&json!({"eventTypeName": "NO_PRIMARY"})).unwrap();
        assert!(!other.is_caught_by(&config));
        let disabled = settings(json!({"eventTypeName": "HOST_DOWN", "notifications": email()}));
        assert!(!seen("db-0.example.net:27017").is_caught_by(&disabled), "only enabled configurations");
    }

    #[test]
    fn a_metric_configuration_catches_its_metric_past_the_threshold() {
        let config = settings(json!({"eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "enabled": true,
            "metricThreshold": {"metricName": "CONNECTIONS", "operator": "GREATER_THAN", "threshold": 100},
            "notifications": email()}));
        let seen = |metric: &str, number: f64| {
            Observation::parse(&json!({"eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "metricName": metric,
                "currentValue": {"number": number, "units": "RAW"}}))
            .unwrap()
        };
        assert!(seen("CONNECTIONS", 150.0).is_caught_by(&config));
        assert!(!seen("CONNECTIONS", 50.0).is_caught_by(&config));
        assert!(!seen("OPCOUNTER_CMD", 150.0).is_caught_by(&config));
    }

    #[test]
    fn bad_observations_are_refused_with_the_reason() {
        let refuse = |body: Value| Observation::parse(&body).unwrap_err();
        assert!(refuse(json!({})).contains("eventTypeName is required"));
        assert!(refuse(json!({"eventTypeName": "NOPE"})).contains("not an Atlas"));
        assert!(refuse(json!({"eventTypeName": "HOST_DOWN", "x": 1})).contains("x is not"));
        assert!(
            refuse(json!({"eventTypeName": "HOST_DOWN", "currentValue": {"number": "a"}})).contains("number")
        );
    }
}
