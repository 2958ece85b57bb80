//! What the console calls each integration type and field, and where a value is found: the
//! words people read in place of the API's names (`Bot token` for `apiToken`).

use crate::domain::integration::IntegrationType;

/// A type's name as its service writes it.
pub fn type_name(kind: IntegrationType) -> &'static str {
    match kind {
        IntegrationType::PagerDuty => "PagerDuty",
        IntegrationType::Slack => "Slack",
        IntegrationType::Datadog => "Datadog",
        IntegrationType::NewRelic => "New Relic",
        IntegrationType::OpsGenie => "Opsgenie",
        IntegrationType::VictorOps => "Splunk On-Call (VictorOps)",
        IntegrationType::Flowdock => "Flowdock",
        IntegrationType::Webhook => "Webhook",
        IntegrationType::HipChat => "HipChat",
        IntegrationType::Prometheus => "Prometheus",
        IntegrationType::MicrosoftTeams => "Microsoft Teams",
    }
}

/// A field's label and, where it helps, a line saying where its value is found.
pub fn field(kind: IntegrationType, name: &str) -> (String, Option<&'static str>) {
    use IntegrationType as T;
    let known: Option<(&str, Option<&'static str>)> = match (kind, name) {
        (T::PagerDuty, "serviceKey") => {
            Some(("Integration key", Some("PagerDuty: Service › Integrations › Events API v2")))
        }
        (T::PagerDuty | T::OpsGenie, "region") => Some(("Region", Some("US or EU: where the account lives"))),
        (T::Slack, "apiToken") => Some(("Bot token", Some("Slack: your app › OAuth & Permissions (xoxb-…)"))),
        (T::Slack, "channelName") => Some(("Channel", Some("Without the #, e.g. ops-alerts"))),
        (T::Slack, "teamName") => Some(("Workspace name", None)),
        (T::Datadog, "apiKey") => Some(("API key", Some("Datadog: Organization Settings › API Keys"))),
        (T::Datadog, "region") => Some(("Site", Some("US, EU, US3, US5, AP1 or US1_FED"))),
        (T::Datadog, "customEndpoint") => {
            Some(("Custom endpoint", Some("An intake URL of your own; empty for the site's")))
        }
        (T::Datadog, "sendCollectionLatencyMetrics") => Some(("Send collection latency metrics", None)),
        (T::Datadog, "sendDatabaseMetrics") => Some(("Send database metrics", None)),
        (T::Datadog, "sendQueryStatsMetrics") => Some(("Send query statistics", None)),
        (T::Datadog, "sendUserProvidedResourceTags") => Some(("Send your resource tags", None)),
        (T::NewRelic, "accountId") => Some(("Account ID", None)),
        (T::NewRelic, "licenseKey") => Some(("License key", None)),
        (T::NewRelic, "readToken") => Some(("Insights query key", None)),
        (T::NewRelic, "writeToken") => Some(("Insights insert key", None)),
        (T::OpsGenie, "apiKey") => Some(("API key", Some("Opsgenie: Teams › Integrations › API"))),
        (T::VictorOps, "apiKey") => Some(("API key", Some("Splunk On-Call: Integrations › REST Endpoint"))),
        (T::VictorOps, "routingKey") => Some(("Routing key", Some("Empty: the key's default route"))),
        (T::Flowdock, "flowName") => Some(("Flow", None)),
        (T::Flowdock, "apiToken") => Some(("API token", None)),
        (T::Flowdock, "orgName") => Some(("Organization", None)),
        (T::Webhook, "url") => Some(("URL", Some("Where each alert is POSTed"))),
        (T::Webhook, "secret") => {
            Some(("Signing secret", Some("Signs each body (X-MMS-Signature, Standard Webhooks)")))
        }
        (T::Webhook, "bodyTemplate") => {
            Some(("Body template", Some("${field} placeholders; empty: the alert as the API shows it")))
        }
        (T::Webhook, "headersTemplate") => {
            Some(("Headers template", Some("A JSON object of header names to values")))
        }
        (T::Prometheus, "username") => {
            Some(("User name", Some("Prometheus's basic_auth for discovery and scraping")))
        }
        (T::Prometheus, "password") => Some(("Password", Some("At least 8 characters"))),
        (T::Prometheus, "serviceDiscovery") => {
            Some(("Service discovery", Some("http: Prometheus asks this server for its targets")))
        }
        (T::Prometheus, "enabled") => Some(("Enabled", None)),
        (T::MicrosoftTeams, "microsoftTeamsWebhookUrl") => {
            Some(("Incoming webhook URL", Some("Teams: the channel's Workflows › Incoming webhook")))
        }
        _ => None,
    };
    match known {
        Some((label, hint)) => (label.to_owned(), hint),
        None => (spoken(name), None),
    }
}

/// `sendUserProvidedResourceTagsEnabled` as `Send user provided resource tags enabled`.
fn spoken(name: &str) -> String {
    let mut words = String::new();
    for (i, c) in name.chars().enumerate() {
        match (i, c.is_uppercase()) {
            (0, _) => words.extend(c.to_uppercase()),
            (_, true) => {
                words.push(' ');
                words.extend(c.to_lowercase());
            }
            _ => words.push(c),
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_every_type_has_words_not_its_api_name() {
        for kind in IntegrationType::ALL {
            let Some(spec) = kind.spec() else { continue };
            for field in spec.fields {
                let (label, _) = super::field(kind, field.name);
                assert_ne!(label, field.name, "{kind} {}", field.name);
                assert!(label.chars().next().unwrap().is_uppercase(), "{label}");
            }
        }
    }

    #[test]
    fn names_without_words_of_their_own_are_spoken() {
        assert_eq!(spoken("sendUserProvidedResourceTagsEnabled"), "Send user provided resource tags enabled");
    }
}
