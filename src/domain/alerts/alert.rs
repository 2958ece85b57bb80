//! An alert: a configuration's event on one target, open until closed, acknowledged for a
//! while or not, shown as Atlas's Alerts resource shows it.

use serde_json::{Map, Value, json};

use super::observation::Observation;
use crate::domain::dates::iso_date;
use crate::domain::ids::{GroupId, ObjectId};

/// Where an alert stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertStatus {
    /// The condition holds.
    Open,
    /// The condition was resolved.
    Closed,
    /// The condition holds but has not lasted the notification delay yet. Atlas's status;
    /// this server opens alerts at once, so none is ever in it (a filter on it finds none).
    Tracking,
}

impl AlertStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "OPEN",
            AlertStatus::Closed => "CLOSED",
            AlertStatus::Tracking => "TRACKING",
        }
    }

    /// From the wire name.
    pub fn parse(text: &str) -> Option<AlertStatus> {
        match text {
            "OPEN" => Some(AlertStatus::Open),
            "CLOSED" => Some(AlertStatus::Closed),
            "TRACKING" => Some(AlertStatus::Tracking),
            _ => None,
        }
    }
}

/// Who acknowledged an alert, until when and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acknowledgement {
    /// Notifications stay silent until this time (ms since the epoch).
    pub until_ms: i64,
    /// What they said.
    pub comment: Option<String>,
    /// Who (the API key's public key).
    pub username: String,
}

/// Which alerts a list shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct AlertFilter {
    /// Only those in this status.
    pub status: Option<AlertStatus>,
    /// Only those of this configuration.
    pub alert_config_id: Option<ObjectId>,
}

/// One alert.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    /// Its id.
    pub id: ObjectId,
    /// Its project.
    pub group: GroupId,
    /// Its project's organization.
    pub org_id: ObjectId,
    /// The configuration that raised it.
    pub alert_config_id: ObjectId,
    /// Open or closed.
    pub status: AlertStatus,
    /// What was observed, last.
    pub observation: Observation,
    /// When it opened (ms since the epoch).
    pub created_ms: i64,
    /// When it last changed.
    pub updated_ms: i64,
    /// When it closed.
    pub resolved_ms: Option<i64>,
    /// When a notification about it was last sent.
    pub last_notified_ms: Option<i64>,
    /// Its acknowledgement, if any.
    pub acknowledgement: Option<Acknowledgement>,
}

impl Alert {
    /// A made-up alert of project `group` (of organization `org_id`), open since `now_ms`,
    /// with fresh ids: what a test message or a preview tells of.
    pub fn made_up(group: GroupId, org_id: ObjectId, observation: Observation, now_ms: i64) -> Alert {
        Alert {
            id: ObjectId::generate(),
            group,
            org_id,
            alert_config_id: ObjectId::generate(),
            status: AlertStatus::Open,
            observation,
            created_ms: now_ms,
            updated_ms: now_ms,
            resolved_ms: None,
            last_notified_ms: None,
            acknowledgement: None,
        }
    }

    /// The wire form (keys in alphabetical order) with its `self` link under `base` (the
    /// mount's prefix as the client reached it). `humanReadable` is left out: it belongs to
    /// the webhook body, not to the API's view.
    pub fn to_wire(&self, base: &str) -> Value {
        let mut object = match self.observation.to_stored() {
            Value::Object(object) => object,
            _ => Map::new(),
        };
        object.remove("humanReadable");
        if let Some(ack) = &self.acknowledgement {
            object.insert("acknowledgedUntil".into(), json!(iso_date(ack.until_ms)));
            if let Some(comment) = &ack.comment {
                object.insert("acknowledgementComment".into(), json!(comment));
            }
            object.insert("acknowledgingUsername".into(), json!(ack.username));
        }
        object.insert("alertConfigId".into(), json!(self.alert_config_id.to_string()));
        object.insert("created".into(), json!(iso_date(self.created_ms)));
        object.insert("groupId".into(), json!(self.group.to_string()));
        object.insert("id".into(), json!(self.id.to_string()));
        if let Some(at) = self.last_notified_ms {
            object.insert("lastNotified".into(), json!(iso_date(at)));
        }
        let href = format!("{base}/groups/{}/alerts/{}", self.group, self.id);
        object.insert("links".into(), json!([{"href": href, "rel": "self"}]));
        object.insert("orgId".into(), json!(self.org_id.to_string()));
        if let Some(at) = self.resolved_ms {
            object.insert("resolved".into(), json!(iso_date(at)));
        }
        object.insert("status".into(), json!(self.status.as_str()));
        object.insert("updated".into(), json!(iso_date(self.updated_ms)));
        object.sort_keys();
        Value::Object(object)
    }

    /// Whether an acknowledgement silences it at `now_ms`.
    pub fn is_acknowledged_at(&self, now_ms: i64) -> bool {
        self.acknowledgement.as_ref().is_some_and(|ack| ack.until_ms > now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_reads_as_atlas_shows_it() {
        let observation = Observation::parse(&json!({"eventTypeName": "OUTSIDE_METRIC_THRESHOLD",
            "metricName": "CONNECTIONS", "currentValue": {"number": 100, "units": "RAW"},
            "hostnameAndPort": "db-0:27017", "replicaSetName": "rs0", "typeName": "HOST_METRIC",
            "humanReadable": "Connections are high"}))
        .unwrap();
        let alert = Alert {
            id: ObjectId::parse("5f0000000000000000000001").unwrap(),
            group: GroupId(ObjectId::parse("5f0000000000000000000002").unwrap()),
            org_id: ObjectId::parse("5f0000000000000000000003").unwrap(),
            alert_config_id: ObjectId::parse("5f0000000000000000000004").unwrap(),
            status: AlertStatus::Open,
            observation,
            created_ms: 1_786_417_621_000,
            updated_ms: 1_786_417_621_000,
            resolved_ms: None,
            last_notified_ms: None,
            acknowledgement: None,
        };
        let wire = alert.to_wire("https://h/api/atlas/v1.0");
        assert_eq!(wire["currentValue"], json!({"number": 100, "units": "RAW"}));
        assert_eq!(wire["status"], "OPEN");
        assert_eq!(wire["created"], "2026-08-11T03:07:01Z");
        assert_eq!(wire["typeName"], "HOST_METRIC");
        assert!(wire.get("humanReadable").is_none());
        assert!(wire.get("resolved").is_none());
        let keys: Vec<_> = wire.as_object().unwrap().keys().cloned().collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }
}
