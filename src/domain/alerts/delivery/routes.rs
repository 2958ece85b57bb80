//! Where a notification's credentials come from: each field from the notification itself
//! when it has it, else from the integration it names (`integrationId`), else from the
//! project's integration of its type. The two name their fields differently
//! (`datadogApiKey` on a notification is `apiKey` on a DATADOG integration). EMAIL has no
//! integration: its address is the notification's own.

use std::collections::BTreeMap;

use crate::domain::integration::{FieldValue, Integration, IntegrationType};

/// A destination's settings, by the project integration's field names.
pub type Settings = BTreeMap<&'static str, String>;

/// A notification type that goes through a project integration.
pub struct Route {
    /// The notification's `typeName`.
    pub type_name: &'static str,
    /// The integration type whose settings it falls back to, if any (EMAIL has none).
    pub integration: Option<IntegrationType>,
    /// Pairs of (notification field, integration field).
    pub fields: &'static [(&'static str, &'static str)],
}

const ROUTES: &[Route] = &[
    Route { type_name: "EMAIL", integration: None, fields: &[("emailAddress", "emailAddress")] },
    Route {
        type_name: "WEBHOOK",
        integration: Some(IntegrationType::Webhook),
        fields: &[
            ("webhookUrl", "url"),
            ("webhookSecret", "secret"),
            ("webhookBodyTemplate", "bodyTemplate"),
            ("webhookHeadersTemplate", "headersTemplate"),
        ],
    },
    Route {
        type_name: "PAGER_DUTY",
        integration: Some(IntegrationType::PagerDuty),
        fields: &[("serviceKey", "serviceKey"), ("region", "region")],
    },
    Route {
        type_name: "SLACK",
        integration: Some(IntegrationType::Slack),
        fields: &[("apiToken", "apiToken"), ("channelName", "channelName")],
    },
    Route {
        type_name: "DATADOG",
        integration: Some(IntegrationType::Datadog),
        fields: &[("datadogApiKey", "apiKey"), ("datadogRegion", "region"), ("", "customEndpoint")],
    },
    Route {
        type_name: "OPS_GENIE",
        integration: Some(IntegrationType::OpsGenie),
        fields: &[("opsGenieApiKey", "apiKey"), ("opsGenieRegion", "region")],
    },
    Route {
        type_name: "VICTOR_OPS",
        integration: Some(IntegrationType::VictorOps),
        fields: &[("victorOpsApiKey", "apiKey"), ("victorOpsRoutingKey", "routingKey")],
    },
    Route {
        type_name: "MICROSOFT_TEAMS",
        integration: Some(IntegrationType::MicrosoftTeams),
        fields: &[("microsoftTeamsWebhookUrl", "microsoftTeamsWebhookUrl")],
    },
];

/// The route of a notification type, if it goes through an integration.
pub fn route_of(type_name: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|route| route.type_name == type_name)
}

impl Route {
    /// The settings of a notification whose own fields are read by `own`, falling back to
    /// `integration`'s.
    pub fn settings<'v>(
        &self,
        own: impl Fn(&str) -> Option<&'v str>,
        integration: Option<&Integration>,
    ) -> Settings {
        let mut settings = Settings::new();
        for &(on_notification, on_integration) in self.fields {
            let value = own(on_notification)
                .filter(|_| !on_notification.is_empty())
                .map(str::to_owned)
                .or_else(|| integration.and_then(|integration| stored(integration, on_integration)));
            if let Some(value) = value {
                settings.insert(on_integration, value);
            }
        }
        settings
    }
}

/// A stored integration's settings.
pub fn integration_settings(integration: &Integration) -> Settings {
    integration
        .fields
        .keys()
        .filter_map(|&name| stored(integration, name).map(|value| (name, value)))
        .collect()
}

fn stored(integration: &Integration, name: &str) -> Option<String> {
    match integration.fields.get(name) {
        Some(FieldValue::Secret(secret)) => Some(secret.expose().to_owned()),
        Some(FieldValue::Text(text)) => Some(text.clone()),
        _ => None,
    }
}
