//! The alert configurations a project made over the API starts with (unless it asks for
//! none with `withDefaultAlertsSettings: false`), modelled on the defaults Atlas documents
//! for a new project. Each notifies the project's owners by email, as Atlas's do; the list is
//! written out in the README.

use serde_json::{Value, json};

use super::config::AlertSettings;

fn owners(delay_min: u32) -> Value {
    json!([{
        "typeName": "GROUP",
        "roles": ["GROUP_OWNER"],
        "emailEnabled": true,
        "smsEnabled": false,
        "intervalMin": 60,
        "delayMin": delay_min
    }])
}

fn metric(name: &str, operator: &str, threshold: u32, units: &str) -> Value {
    json!({
        "eventTypeName": "OUTSIDE_METRIC_THRESHOLD",
        "enabled": true,
        "metricThreshold": {
            "metricName": name, "operator": operator, "threshold": threshold, "units": units, "mode": "AVERAGE"
        },
        "notifications": owners(0)
    })
}

fn event(event_type: &str, delay_min: u32) -> Value {
    json!({"eventTypeName": event_type, "enabled": true, "notifications": owners(delay_min)})
}

/// The default configurations as request bodies, in the order they are made.
pub fn default_alert_bodies() -> Vec<Value> {
    let mut oplog_window = event("REPLICATION_OPLOG_WINDOW_RUNNING_OUT", 0);
    oplog_window["threshold"] = json!({"operator": "LESS_THAN", "threshold": 1, "units": "HOURS"});
    vec![
        event("CREDIT_CARD_ABOUT_TO_EXPIRE", 0),
        event("NO_PRIMARY", 15),
        oplog_window,
        event("CLUSTER_MONGOS_IS_MISSING", 15),
        event("HOST_HAS_INDEX_SUGGESTIONS", 10),
        metric("DISK_PARTITION_SPACE_USED_DATA", "GREATER_THAN", 90, "RAW"),
        metric("QUERY_TARGETING_SCANNED_OBJECTS_PER_RETURNED", "GREATER_THAN", 1000, "RAW"),
        metric("CONNECTIONS_PERCENT", "GREATER_THAN", 80, "RAW"),
        metric("NORMALIZED_SYSTEM_CPU_STEAL", "GREATER_THAN", 10, "RAW"),
    ]
}

/// The default configurations, checked as any configuration a client sends.
pub fn default_alert_settings() -> Vec<AlertSettings> {
    default_alert_bodies()
        .iter()
        .map(|body| AlertSettings::parse(body, None).expect("the default alert configurations are valid"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str =
        "<!-- default alert configurations: generated from src/domain/alerts/defaults.rs, do not edit -->\n";
    const END: &str = "<!-- end of default alert configurations -->";

    /// The README's list: each configuration's event, condition and first notification.
    fn markdown() -> String {
        let mut out = String::from(BEGIN);
        for body in default_alert_bodies() {
            let event = body["eventTypeName"].as_str().unwrap();
            let condition = match (&body["metricThreshold"], &body["threshold"]) {
                (metric, _) if metric.is_object() => format!(
                    ": `{}` {} {}",
                    metric["metricName"].as_str().unwrap(),
                    if metric["operator"] == "GREATER_THAN" { "above" } else { "below" },
                    metric["threshold"]
                ),
                (_, threshold) if threshold.is_object() => {
                    format!(": below {} `{}`", threshold["threshold"], threshold["units"].as_str().unwrap())
                }
                _ => String::new(),
            };
            let notification = &body["notifications"][0];
            let delay = notification["delayMin"].as_u64().unwrap();
            let after = if delay > 0 { format!(", after {delay} minutes") } else { String::new() };
            out.push_str(&format!("- `{event}`{condition}{after}\n"));
        }
        out.push_str(END);
        out
    }

    #[test]
    fn the_readme_lists_the_default_configurations_as_made() {
        let readme = include_str!("../../../README.md");
        let expected = markdown();
        let start = readme.find(BEGIN).expect("README.md has the default alert configurations block");
        let end = readme[start..].find(END).expect("the block ends") + start + END.len();
        assert_eq!(
            &readme[start..end],
            expected,
            "README.md's default alert configurations differ from defaults.rs; replace the block with:\n{expected}"
        );
    }

    #[test]
    fn every_default_configuration_is_valid_and_enabled() {
        let defaults = default_alert_settings();
        assert_eq!(defaults.len(), default_alert_bodies().len());
        assert!(defaults.iter().all(|settings| settings.enabled));
        assert!(defaults.iter().any(|settings| settings.event_type_name == "NO_PRIMARY"));
    }
}
