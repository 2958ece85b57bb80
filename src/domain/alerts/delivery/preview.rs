//! What a webhook's templates make of a sample alert, before they are saved: the body and
//! headers a receiver would get, or why a template would give way to the default. The
//! console shows it beside the template fields; the sample is an open metric alert with a
//! host, a cluster and a replica set, so every common placeholder has something to show.

use super::{Message, Settings, Severity, event, webhook};
use crate::domain::alerts::alert::Alert;
use crate::domain::alerts::observation::{Measured, Observation};
use crate::domain::ids::{GroupId, ObjectId};

/// A template's result on the sample alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// The body sent (pretty-printed), the default where the body template gives way.
    pub body: String,
    /// The headers sent besides `User-Agent` and those the delivery adds when it sends.
    pub headers: Vec<(String, String)>,
    /// Which template gave way and why, or which headers were left out.
    pub note: Option<String>,
}

/// The sample alert of project `group` (of organization `org_id`), opened now.
pub fn sample_alert(group: GroupId, org_id: ObjectId, now_ms: i64) -> Alert {
    let observation = Observation {
        event_type_name: "OUTSIDE_METRIC_THRESHOLD".into(),
        metric_name: Some("CONNECTIONS".into()),
        current_value: Some(Measured { number: 250.0, units: Some("RAW".into()) }),
        cluster_name: Some("Cluster0".into()),
        hostname_and_port: Some("cluster0-shard-00-00.example.net:27017".into()),
        replica_set_name: Some("Cluster0-shard-0".into()),
        type_name: None,
        human_readable: Some("Connections on cluster0-shard-00-00.example.net:27017 are \"250\"".into()),
    };
    Alert::made_up(group, org_id, observation, now_ms)
}

/// What `body_template` and `headers_template` (either may be empty: the default) make of
/// the open of `alert`, with links under `base`.
pub fn preview(alert: &Alert, body_template: &str, headers_template: &str, base: &str) -> Preview {
    let message = Message { alert, event: event::OPEN, severity: Severity::Warning, base, limit: None };
    let settings = Settings::from([
        ("url", "https://receiver.example".to_owned()),
        ("bodyTemplate", body_template.to_owned()),
        ("headersTemplate", headers_template.to_owned()),
    ]);
    let delivery = match webhook::prepare(&message, &settings) {
        Ok(delivery) => delivery,
        Err(why) => return Preview { body: String::new(), headers: Vec::new(), note: Some(why) },
    };
    let body = serde_json::from_str::<serde_json::Value>(&delivery.body)
        .ok()
        .and_then(|json| serde_json::to_string_pretty(&json).ok())
        .unwrap_or(delivery.body);
    Preview { body, headers: delivery.headers, note: delivery.note }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Alert {
        let group = GroupId(ObjectId::parse("5f0000000000000000000002").unwrap());
        sample_alert(group, ObjectId::parse("5f0000000000000000000003").unwrap(), 1_786_417_621_000)
    }

    #[test]
    fn a_template_is_shown_rendered_against_the_sample() {
        let shown = preview(
            &sample(),
            r#"{"text": "${humanReadable} (${eventType})"}"#,
            r#"{"X-Team": "${clusterName}"}"#,
            "",
        );
        assert!(shown.body.contains(r#"are \"250\" (alert.open)"#), "{}", shown.body);
        assert!(shown.headers.contains(&("x-team".to_owned(), "Cluster0".to_owned())), "{:?}", shown.headers);
        assert_eq!(shown.note, None);
    }

    #[test]
    fn a_template_that_would_give_way_says_why() {
        let shown = preview(&sample(), "{not json", "", "");
        assert!(shown.note.unwrap().contains("body template was not used"));
        assert!(
            shown.body.contains("\"eventTypeName\": \"OUTSIDE_METRIC_THRESHOLD\""),
            "the default: {}",
            shown.body
        );
    }
}
