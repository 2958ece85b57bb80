//! Alertmanager's webhook payload (version 4) and how each of its alerts becomes a report:
//! the event type from the label `atlas_event_type` (else the request's `eventTypeName`),
//! the target from `instance`/`hostnameAndPort`, `cluster`/`clusterName` and
//! `replica_set`/`replicaSetName`, a metric from the label `atlas_metric` with the annotation
//! `value` (and `units`, as an annotation or a label; `RAW` when neither says), and the
//! words from the annotations `summary` and `description`. `firing` holds; `resolved` ended.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::domain::alerts::observation::Observation;
use crate::domain::alerts::report::Report;

/// The most alerts one payload may carry.
pub const MOST_ALERTS: usize = 5_000;
/// The longest `humanReadable` an observation keeps (longer words are cut).
const MOST_WORDS: usize = 1_024;

/// What Alertmanager POSTs to a webhook receiver.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload {
    /// `"4"` for every Alertmanager since 0.7.
    #[serde(default)]
    pub version: Option<String>,
    /// The alerts of the group, firing and resolved.
    pub alerts: Vec<PayloadAlert>,
}

/// One alert of a payload.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayloadAlert {
    /// `firing` or `resolved`.
    pub status: String,
    /// Its labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Its annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Alertmanager's id for it (the same on every resend).
    #[serde(default)]
    pub fingerprint: Option<String>,
}

impl PayloadAlert {
    /// The report this alert makes, with `event_type` (the request's `eventTypeName`) for an
    /// alert that names none; or why it cannot be taken.
    pub fn report(&self, event_type: Option<&str>) -> Result<Report, String> {
        let ended = match self.status.as_str() {
            "firing" => false,
            "resolved" => true,
            other => return Err(format!("status {other:?} is neither firing nor resolved")),
        };
        let label = |names: &[&str]| names.iter().find_map(|name| self.labels.get(*name)).cloned();
        let event = label(&["atlas_event_type"]).or(event_type.map(str::to_owned)).ok_or(
            "no atlas_event_type label and no eventTypeName query parameter: the event type is not known",
        )?;
        let mut observation = Map::new();
        observation.insert("eventTypeName".into(), json!(event));
        let targets = [
            ("hostnameAndPort", &["instance", "hostnameAndPort"][..]),
            ("clusterName", &["cluster", "clusterName"][..]),
            ("replicaSetName", &["replica_set", "replicaSetName"][..]),
            ("metricName", &["atlas_metric"][..]),
        ];
        for (field, names) in targets {
            if let Some(value) = label(names) {
                observation.insert(field.into(), json!(value));
            }
        }
        if let Some(value) = self.annotations.get("value") {
            let number: f64 = value
                .trim()
                .parse()
                .ok()
                .filter(|number: &f64| number.is_finite())
                .ok_or_else(|| format!("the annotation value {value:?} is not a number"))?;
            let units = self.annotations.get("units").or(self.labels.get("units"));
            observation.insert(
                "currentValue".into(),
                json!({"number": number, "units": units.map_or("RAW", String::as_str)}),
            );
        }
        if let Some(words) = self.words() {
            observation.insert("humanReadable".into(), json!(words));
        }
        let observation = Observation::parse(&Value::Object(observation))?;
        Ok(Report { observation, ended })
    }

    /// `summary` and `description`, as one text of at most [`MOST_WORDS`] characters.
    fn words(&self) -> Option<String> {
        let said: Vec<&str> = ["summary", "description"]
            .iter()
            .filter_map(|name| self.annotations.get(*name))
            .map(|text| text.trim())
            .filter(|text| !text.is_empty())
            .collect();
        (!said.is_empty()).then(|| said.join("\n\n").chars().take(MOST_WORDS).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(status: &str, labels: &[(&str, &str)], annotations: &[(&str, &str)]) -> PayloadAlert {
        let map =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        PayloadAlert {
            status: status.into(),
            labels: map(labels),
            annotations: map(annotations),
            fingerprint: None,
        }
    }

    #[test]
    fn labels_and_annotations_become_the_observation() {
        let seen = alert(
            "firing",
            &[
                ("atlas_event_type", "OUTSIDE_METRIC_THRESHOLD"),
                ("instance", "db-0:27017"),
                ("cluster", "c0"),
                ("replica_set", "rs0"),
                ("atlas_metric", "CONNECTIONS"),
            ],
            &[
                ("value", "250"),
                ("units", "RAW"),
                ("summary", "Too many"),
                ("description", "Connections are high"),
            ],
        );
        let report = seen.report(None).unwrap();
        let observation = report.observation;
        assert!(!report.ended);
        assert_eq!(observation.event_type_name, "OUTSIDE_METRIC_THRESHOLD");
        assert_eq!(observation.hostname_and_port.as_deref(), Some("db-0:27017"));
        assert_eq!(observation.cluster_name.as_deref(), Some("c0"));
        assert_eq!(observation.replica_set_name.as_deref(), Some("rs0"));
        assert_eq!(observation.metric_name.as_deref(), Some("CONNECTIONS"));
        assert_eq!(observation.current_value.unwrap().number, 250.0);
        assert_eq!(observation.human_readable.as_deref(), Some("Too many\n\nConnections are high"));
    }

    #[test]
    fn the_query_names_the_event_type_only_for_alerts_without_the_label() {
        let plain = alert("resolved", &[("hostnameAndPort", "h:1")], &[]);
        let report = plain.report(Some("HOST_DOWN")).unwrap();
        assert!(report.ended);
        assert_eq!(report.observation.event_type_name, "HOST_DOWN");
        assert!(plain.report(None).unwrap_err().contains("atlas_event_type"));
        let labelled = alert("firing", &[("atlas_event_type", "NO_PRIMARY")], &[]);
        assert_eq!(labelled.report(Some("HOST_DOWN")).unwrap().observation.event_type_name, "NO_PRIMARY");
    }

    #[test]
    fn unusable_alerts_say_why() {
        assert!(alert("pending", &[], &[]).report(Some("HOST_DOWN")).unwrap_err().contains("pending"));
        let unknown = alert("firing", &[("atlas_event_type", "NOT_AN_EVENT")], &[]);
        assert!(unknown.report(None).unwrap_err().contains("NOT_AN_EVENT"));
        let bad_value = alert("firing", &[], &[("value", "lots")]);
        assert!(bad_value.report(Some("HOST_DOWN")).unwrap_err().contains("not a number"));
        let long = alert("firing", &[], &[("summary", &"x".repeat(5_000))]);
        let words = long.report(Some("HOST_DOWN")).unwrap().observation.human_readable.unwrap();
        assert_eq!(words.chars().count(), MOST_WORDS, "long words are cut, not refused");
    }
}
