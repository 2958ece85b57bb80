//! PROMETHEUS: whether it is enabled, how targets are discovered, the user name, and a
//! password that is accepted and kept but never shown.

use super::IntegrationType;
use super::limits::{NAME, PASSWORD};
use super::spec::{FieldKind, FieldSpec, TypeSpec, Unset};

/// The PROMETHEUS fields.
pub static SPEC: TypeSpec = TypeSpec {
    kind: IntegrationType::Prometheus,
    fields: &[
        FieldSpec::required("enabled", FieldKind::Flag),
        FieldSpec::required("serviceDiscovery", FieldKind::Choice(&["http", "file"])),
        FieldSpec::required("username", FieldKind::Text(NAME)),
        FieldSpec::optional("password", FieldKind::WriteOnly(PASSWORD), Unset::Omit),
        FieldSpec::optional("sendUserProvidedResourceTagsEnabled", FieldKind::Flag, Unset::Flag(false)),
    ],
    type_last: false,
};

#[cfg(test)]
mod tests {
    use super::super::patch::Patch;
    use super::super::testing::{create, invalid_reason, read};
    use super::super::{IntegrationType, SettingsError};
    use serde_json::json;

    #[test]
    fn the_password_is_never_shown() {
        let integration = create(json!({"type": "PROMETHEUS", "enabled": true,
            "serviceDiscovery": "http", "username": "prom_user", "password": "pa55word!"}));
        let shown = read(&integration);
        assert!(shown.get("password").is_none());
        assert_eq!(shown["sendUserProvidedResourceTagsEnabled"], false);
        assert!(!serde_json::to_string(&shown).unwrap().contains("pa55word"));
    }

    #[test]
    fn a_password_has_at_least_eight_characters() {
        let reason = invalid_reason(json!({"type": "PROMETHEUS", "enabled": true,
            "serviceDiscovery": "http", "username": "u", "password": "1234567"}));
        assert_eq!(reason, "password must have at least 8 characters");
        create(json!({"type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "http",
            "username": "u", "password": "12345678"}));
    }

    #[test]
    fn a_datadog_switch_is_ignored_at_its_default_and_refused_otherwise() {
        let body = |value: bool| {
            json!({"type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "http", "username": "u",
                   "password": "pa55word!", "sendCollectionLatencyMetrics": value})
        };
        assert!(
            !read(&create(body(false))).as_object().unwrap().contains_key("sendCollectionLatencyMetrics")
        );
        let refused = Patch::parse(IntegrationType::Prometheus, body(true)).unwrap_err();
        assert_eq!(refused, SettingsError::FieldOfAnotherType("sendCollectionLatencyMetrics".into()));
    }
}
