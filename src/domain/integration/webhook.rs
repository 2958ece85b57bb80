//! WEBHOOK: the URL (masked as a URL), an optional secret (masked) and the body and header
//! templates (16 KB and 4 KB, sealed like the secret and shown as `******`, as Atlas redacts
//! them; null when unset). `type` reads back last.

use super::IntegrationType;
use super::limits::KEY;
use super::spec::{FieldKind, FieldSpec, TextRule, TypeSpec, Unset};

/// The WEBHOOK fields.
pub static SPEC: TypeSpec = TypeSpec {
    kind: IntegrationType::Webhook,
    fields: &[
        FieldSpec::required("url", FieldKind::SecretUrl),
        FieldSpec::optional("secret", FieldKind::Secret(KEY), Unset::Omit),
        FieldSpec::optional("bodyTemplate", FieldKind::Redacted(TextRule::any(16 * 1024)), Unset::Null),
        FieldSpec::optional("headersTemplate", FieldKind::Redacted(TextRule::any(4 * 1024)), Unset::Null),
    ],
    type_last: true,
};

#[cfg(test)]
mod tests {
    use super::super::testing::{create, invalid_reason, read};
    use serde_json::json;

    #[test]
    fn reads_back_byte_for_byte_as_atlas_recorded() {
        let integration = create(json!({"type": "WEBHOOK",
            "url": "https://example.com/51c0ef87e9951c3e147accf0e12101",
            "secret": "51c0ef87e9951c3e147accf0e12101"}));
        assert_eq!(
            serde_json::to_string(&read(&integration)).unwrap(),
            format!(
                "{{\"bodyTemplate\":null,\"headersTemplate\":null,\"id\":\"{}\",\
                     \"secret\":\"**************************2101\",\
                     \"url\":\"https://example.com/****2101\",\"type\":\"WEBHOOK\"}}",
                integration.id
            )
        );
    }

    #[test]
    fn templates_are_redacted_on_read() {
        let template = r#"{"alert":"${id}"}"#;
        let integration = create(json!({"type": "WEBHOOK", "url": "https://h.example/x/yz",
            "bodyTemplate": template}));
        assert_eq!(read(&integration)["bodyTemplate"], "******");
        assert_eq!(read(&integration)["headersTemplate"], serde_json::Value::Null);
    }

    #[test]
    fn a_url_that_is_not_http_is_refused() {
        assert_eq!(
            invalid_reason(json!({"type": "WEBHOOK", "url": "ftp://example.com/hook"})),
            "url must be an absolute http or https URL"
        );
        assert_eq!(
            invalid_reason(json!({"type": "WEBHOOK", "url": "not a url"})),
            "url must be an absolute http or https URL"
        );
    }
}
