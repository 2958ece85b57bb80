//! What the console calls the constants of alert settings: event types, metrics, units,
//! matcher fields and operators, notification types and their fields, in words people read
//! (`Host down` for `HOST_DOWN`, `Webhook URL` for `webhookUrl`).

/// Parts of constant names that are written as capitals (or otherwise) in words.
const SPELLED: &[(&str, &str)] = &[
    ("AVG", "average"),
    ("AWS", "AWS"),
    ("CA", "CA"),
    ("CMD", "command"),
    ("CPS", "backup"),
    ("CPU", "CPU"),
    ("CRL", "CRL"),
    ("DB", "database"),
    ("DLQ", "DLQ"),
    ("FTS", "search"),
    ("GB", "GB"),
    ("GCP", "GCP"),
    ("GQL", "GraphQL"),
    ("IOPS", "IOPS"),
    ("JVM", "JVM"),
    ("KMS", "KMS"),
    ("MB", "MB"),
    ("MQL", "MQL"),
    ("MS", "ms"),
    ("NDS", "Atlas"),
    ("NUM", "number of"),
    ("OOM", "out-of-memory"),
    ("REPL", "replication"),
    ("RPU", "RPU"),
    ("SDK", "SDK"),
    ("SSH", "SSH"),
    ("SSL", "SSL"),
    ("TLS", "TLS"),
    ("TTL", "TTL"),
    ("WPU", "WPU"),
    ("X509", "X.509"),
];

/// `AVG_READ_EXECUTION_TIME` as `Average read execution time`.
pub fn constant(name: &str) -> String {
    let words: Vec<String> = name
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| match SPELLED.iter().find(|(code, _)| *code == part) {
            Some((_, spelled)) => (*spelled).to_owned(),
            None => part.to_lowercase(),
        })
        .collect();
    let text = words.join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A kind of configuration (the spec's schema name) as the group its event types are listed
/// under.
pub fn family(schema: &str) -> &'static str {
    match schema.trim_end_matches("AlertConfigViewForNdsGroup") {
        "AppService" => "App Services",
        "AppServiceMetric" => "App Services metrics",
        "BillingThreshold" => "Billing",
        "Cluster" => "Clusters",
        "CpsBackupThreshold" => "Backup thresholds",
        "EncryptionKey" => "Encryption keys",
        "Host" => "Hosts",
        "HostMetric" => "Host metrics",
        "Mongotune" => "Mongotune",
        "NDSAutoscaling" => "Auto-scaling",
        "NDSX509UserAuthentication" => "X.509 users",
        "ReplicaSet" => "Replica sets",
        "ReplicaSetThreshold" => "Replica set thresholds",
        "ServerlessMetric" => "Serverless metrics",
        "FlexMetric" => "Flex metrics",
        "StreamProcessor" => "Stream processors",
        "StreamProcessorMetric" => "Stream processor metrics",
        _ => "Project, backup, search and security",
    }
}

/// A matcher's operator as the middle of a sentence (`starts with`).
pub fn operator(name: &str) -> String {
    match name {
        "REGEX" => "matches the pattern".to_owned(),
        "NOT_EQUALS" => "is not".to_owned(),
        "EQUALS" => "is".to_owned(),
        other => constant(other).to_lowercase(),
    }
}

/// A notification type's name as its service writes it.
pub fn notification_type(name: &str) -> String {
    let known = match name {
        "DATADOG" => "Datadog",
        "EMAIL" => "Email",
        "GROUP" => "Project members",
        "HIP_CHAT" => "HipChat",
        "MICROSOFT_TEAMS" => "Microsoft Teams",
        "OPS_GENIE" => "Opsgenie",
        "ORG" => "Organization members",
        "PAGER_DUTY" => "PagerDuty",
        "SLACK" => "Slack",
        "SMS" => "Text message",
        "TEAM" => "Team",
        "USER" => "User",
        "VICTOR_OPS" => "Splunk On-Call (VictorOps)",
        "WEBHOOK" => "Webhook",
        other => return constant(other),
    };
    known.to_owned()
}

/// A notification field's label and, where it helps, where its value is found.
pub fn notification_field(name: &str) -> (&'static str, Option<&'static str>) {
    match name {
        "datadogApiKey" => ("API key", Some("Datadog: Organization Settings › API Keys")),
        "datadogRegion" => ("Site", None),
        "emailAddress" => ("Email address", None),
        "emailEnabled" => ("Send an email", None),
        "smsEnabled" => ("Send a text message", None),
        "roles" => ("Only members with these roles", Some("None checked: every member")),
        "notificationToken" => ("Notification token", None),
        "roomName" => ("Room", None),
        "microsoftTeamsWebhookUrl" => {
            ("Incoming webhook URL", Some("Teams: the channel's Workflows › Incoming webhook"))
        }
        "opsGenieApiKey" => ("API key", Some("Opsgenie: Teams › Integrations › API")),
        "opsGenieRegion" | "region" => ("Region", Some("US or EU: where the account lives")),
        "serviceKey" => ("Integration key", Some("PagerDuty: Service › Integrations › Events API v2")),
        "apiToken" => ("Bot token", Some("Slack: your app › OAuth & Permissions (xoxb-…)")),
        "channelName" => ("Channel", Some("Without the #, e.g. ops-alerts")),
        "mobileNumber" => ("Mobile number", None),
        "teamId" => ("Team ID", None),
        "teamName" => ("Team name", None),
        "username" => ("User name", None),
        "victorOpsApiKey" => ("API key", Some("Splunk On-Call: Integrations › REST Endpoint")),
        "victorOpsRoutingKey" => ("Routing key", Some("Empty: the key's default route")),
        "webhookUrl" => ("Webhook URL", Some("Where each alert is POSTed")),
        "webhookSecret" => ("Signing secret", Some("Signs each body (X-MMS-Signature)")),
        "webhookHeadersTemplate" => ("Headers template", Some("A JSON object of header names to values")),
        "webhookBodyTemplate" => {
            ("Body template", Some("${field} placeholders; empty: the alert as the API shows it"))
        }
        _ => ("Value", None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::alerts::notification_types::TYPES;

    #[test]
    fn constants_read_as_words_with_their_abbreviations_spelled() {
        assert_eq!(constant("HOST_DOWN"), "Host down");
        assert_eq!(constant("AVG_READ_EXECUTION_TIME"), "Average read execution time");
        assert_eq!(constant("CPS_SNAPSHOT_FAILED"), "Backup snapshot failed");
        assert_eq!(constant("HOSTNAME_AND_PORT"), "Hostname and port");
        assert_eq!(operator("STARTS_WITH"), "starts with");
    }

    #[test]
    fn every_field_of_every_notification_type_has_words() {
        for spec in TYPES {
            assert_ne!(notification_type(spec.name), spec.name);
            for (field, _) in spec.fields {
                assert_ne!(notification_field(field).0, "Value", "{} {field}", spec.name);
            }
        }
    }

    #[test]
    fn kinds_of_configuration_have_group_names() {
        assert_eq!(family("HostMetricAlertConfigViewForNdsGroup"), "Host metrics");
        assert_eq!(family("DefaultAlertConfigViewForNdsGroup"), "Project, backup, search and security");
    }
}
