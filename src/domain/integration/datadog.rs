//! DATADOG: a hexadecimal API key, the Datadog site (region, "US" when unset), four
//! `send*` switches that read back false, and `customEndpoint`, read back as null.

use super::IntegrationType;
use super::limits::{KEY, URL};
use super::spec::{FieldKind, FieldSpec, Shape, TextRule, TypeSpec, Unset};

/// The DATADOG fields.
pub static SPEC: TypeSpec = TypeSpec {
    kind: IntegrationType::Datadog,
    fields: &[
        FieldSpec::required("apiKey", FieldKind::Secret(TextRule::shaped(KEY.max_chars, Shape::Hex))),
        FieldSpec::optional(
            "region",
            FieldKind::Choice(&["US", "EU", "US3", "US5", "AP1", "US1_FED"]),
            Unset::Text("US"),
        ),
        FieldSpec::optional("customEndpoint", FieldKind::Text(URL), Unset::Null),
        FieldSpec::optional("sendCollectionLatencyMetrics", FieldKind::Flag, Unset::Flag(false)),
        FieldSpec::optional("sendDatabaseMetrics", FieldKind::Flag, Unset::Flag(false)),
        FieldSpec::optional("sendQueryStatsMetrics", FieldKind::Flag, Unset::Flag(false)),
        FieldSpec::optional("sendUserProvidedResourceTags", FieldKind::Flag, Unset::Flag(false)),
    ],
    type_last: false,
};

#[cfg(test)]
mod tests {
    use super::super::testing::{create, invalid_reason, read};
    use serde_json::json;

    #[test]
    fn reads_back_exactly_as_atlas_recorded() {
        let integration = create(json!({"type": "DATADOG", "apiKey": "0".repeat(32), "region": "US"}));
        let text = serde_json::to_string(&read(&integration)).unwrap();
        let expected = format!(
            "{{\"apiKey\":\"****************************0000\",\"customEndpoint\":null,\"id\":\"{}\",\
             \"region\":\"US\",\"sendCollectionLatencyMetrics\":false,\"sendDatabaseMetrics\":false,\
             \"sendQueryStatsMetrics\":false,\"sendUserProvidedResourceTags\":false,\"type\":\"DATADOG\"}}",
            integration.id
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn a_key_that_is_not_hexadecimal_is_refused_with_atlas_words() {
        let reason = invalid_reason(json!({"type": "DATADOG", "apiKey": "not-hex"}));
        assert_eq!(reason, "apiKey must be a hexadecimal string");
    }

    #[test]
    fn a_switch_must_be_a_boolean() {
        let reason =
            invalid_reason(json!({"type": "DATADOG", "apiKey": "ab12", "sendDatabaseMetrics": "yes"}));
        assert_eq!(reason, "sendDatabaseMetrics must be a boolean");
    }
}
