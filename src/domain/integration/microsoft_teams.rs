//! MICROSOFT_TEAMS: the incoming-webhook URL, masked like a webhook URL.

use super::IntegrationType;
use super::spec::{FieldKind, FieldSpec, TypeSpec};

/// The MICROSOFT_TEAMS fields.
pub static SPEC: TypeSpec = TypeSpec {
    kind: IntegrationType::MicrosoftTeams,
    fields: &[FieldSpec::required("microsoftTeamsWebhookUrl", FieldKind::SecretUrl)],
    type_last: false,
};

#[cfg(test)]
mod tests {
    use super::super::testing::{create, read};
    use serde_json::json;

    #[test]
    fn the_webhook_url_is_masked_as_a_url() {
        let integration = create(json!({"type": "MICROSOFT_TEAMS",
            "microsoftTeamsWebhookUrl": "https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/xyz9"}));
        assert_eq!(
            read(&integration)["microsoftTeamsWebhookUrl"],
            "https://contoso.webhook.office.com/****xyz9"
        );
    }
}
