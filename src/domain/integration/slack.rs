//! SLACK: a legacy API token, the channel (1 to 80 characters) and an optional team name.

use super::IntegrationType;
use super::limits::{KEY, NAME};
use super::spec::{FieldKind, FieldSpec, TextRule, TypeSpec, Unset};

/// The SLACK fields.
pub static SPEC: TypeSpec = TypeSpec {
    kind: IntegrationType::Slack,
    fields: &[
        FieldSpec::required("apiToken", FieldKind::Secret(KEY)),
        FieldSpec::required("channelName", FieldKind::Text(TextRule::any(80))),
        FieldSpec::optional("teamName", FieldKind::Text(NAME), Unset::Omit),
    ],
    type_last: false,
};

#[cfg(test)]
mod tests {
    use super::super::testing::{create, invalid_reason, read};
    use serde_json::json;

    #[test]
    fn the_token_is_masked_and_the_channel_is_clear() {
        let token = format!("xoxb-{}", "a".repeat(66)) + "abcd";
        let integration = create(json!({"type": "SLACK", "apiToken": token, "channelName": "alerts"}));
        let shown = read(&integration);
        assert_eq!(shown["apiToken"], json!("*".repeat(71) + "abcd"));
        assert_eq!(shown["channelName"], "alerts");
        assert!(shown.get("teamName").is_none());
    }

    #[test]
    fn a_channel_name_over_80_characters_is_refused() {
        let reason = invalid_reason(json!({"type": "SLACK", "apiToken": "t", "channelName": "c".repeat(81)}));
        assert_eq!(reason, "channelName must have at most 80 characters");
    }
}
