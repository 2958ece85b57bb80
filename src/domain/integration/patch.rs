//! A request body, checked for shape: a JSON object whose `type` matches the path and whose
//! other keys are all fields of that type. A field of another type is ignored while it holds
//! that field's default (the Atlas Go SDK's `NewThirdPartyIntegration()` fills every type's
//! defaults in) and refused otherwise. Values are checked when the patch is applied, since a
//! masked secret is only valid as an echo of the stored one.

use serde_json::Value;

use super::spec::{FieldSpec, TypeSpec, Unset};
use super::{IntegrationType, SettingsError};

/// A checked POST or PUT body.
#[derive(Clone, Debug)]
pub struct Patch {
    spec: &'static TypeSpec,
    values: Vec<(&'static FieldSpec, Option<Value>)>,
}

impl Patch {
    /// Checks `body` for the type named in the path. `id` is ignored, as Atlas does.
    pub fn parse(kind: IntegrationType, body: Value) -> Result<Patch, SettingsError> {
        let Value::Object(map) = body else {
            return Err(SettingsError::NotAnObject);
        };
        match map.get("type") {
            None | Some(Value::Null) => return Err(SettingsError::MissingAttribute("type".into())),
            Some(Value::String(sent)) if sent == kind.as_str() => {}
            Some(_) => return Err(SettingsError::InvalidAttribute("type".into())),
        }
        let Some(spec) = kind.spec() else {
            return Err(SettingsError::Invalid {
                kind,
                reason: format!("{kind} integrations are no longer supported and cannot be configured"),
            });
        };
        let mut values = Vec::with_capacity(map.len());
        for (name, value) in map {
            if name == "type" || name == "id" {
                continue;
            }
            let Some(field) = spec.field(&name) else {
                match defaults_elsewhere(kind, &name) {
                    Some(defaults) if value.is_null() || defaults.contains(&value) => continue,
                    Some(_) => return Err(SettingsError::FieldOfAnotherType(name)),
                    None => return Err(SettingsError::InvalidAttribute(name)),
                }
            };
            values.push((field, if value.is_null() { None } else { Some(value) }));
        }
        Ok(Patch { spec, values })
    }

    /// The type the body configures.
    pub fn kind(&self) -> IntegrationType {
        self.spec.kind
    }

    /// The type's description.
    pub fn spec(&self) -> &'static TypeSpec {
        self.spec
    }

    /// The fields named in the body, in body order; `None` for `null`.
    pub fn values(&self) -> impl Iterator<Item = (&'static FieldSpec, Option<&Value>)> {
        self.values.iter().map(|(field, value)| (*field, value.as_ref()))
    }
}

/// The defaults other types give a field named `name`, if another type has one.
fn defaults_elsewhere(kind: IntegrationType, name: &str) -> Option<Vec<Value>> {
    let others = IntegrationType::ALL.into_iter().filter(|other| *other != kind);
    let fields: Vec<&FieldSpec> = others.filter_map(|other| other.spec()?.field(name)).collect();
    if fields.is_empty() {
        return None;
    }
    let default = |field: &&FieldSpec| match field.unset {
        Unset::Text(text) => Some(Value::from(text)),
        Unset::Flag(flag) => Some(Value::from(flag)),
        Unset::Omit | Unset::Null => None,
    };
    Some(fields.iter().filter_map(default).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: Value) -> Result<Patch, SettingsError> {
        Patch::parse(IntegrationType::OpsGenie, body)
    }

    #[test]
    fn the_body_must_be_an_object() {
        assert_eq!(parse(json!([1])).unwrap_err(), SettingsError::NotAnObject);
        assert_eq!(parse(json!("x")).unwrap_err(), SettingsError::NotAnObject);
    }

    #[test]
    fn the_type_must_be_present_and_match_the_path() {
        assert_eq!(
            parse(json!({"apiKey": "k"})).unwrap_err(),
            SettingsError::MissingAttribute("type".into())
        );
        assert_eq!(
            parse(json!({"type": "DATADOG", "apiKey": "k"})).unwrap_err(),
            SettingsError::InvalidAttribute("type".into())
        );
        assert_eq!(parse(json!({"type": 7})).unwrap_err(), SettingsError::InvalidAttribute("type".into()));
    }

    #[test]
    fn another_types_field_at_its_default_is_ignored_and_otherwise_refused() {
        let slack = |extra: Value| {
            let mut body = json!({"type": "SLACK", "apiToken": "xoxb-1", "channelName": "ops"});
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            Patch::parse(IntegrationType::Slack, body)
        };
        let sdk_defaults = json!({"region": "US", "sendCollectionLatencyMetrics": false,
            "sendDatabaseMetrics": false, "sendQueryStatsMetrics": false,
            "sendUserProvidedResourceTags": false, "sendUserProvidedResourceTagsEnabled": false, "serviceKey": null});
        let patch = slack(sdk_defaults).unwrap();
        assert_eq!(patch.values().count(), 2, "only SLACK's own fields are kept");
        let refused = |extra| slack(extra).unwrap_err();
        assert_eq!(refused(json!({"region": "EU"})), SettingsError::FieldOfAnotherType("region".into()));
        assert_eq!(
            refused(json!({"serviceKey": "k"})),
            SettingsError::FieldOfAnotherType("serviceKey".into())
        );
        assert_eq!(refused(json!({"zeta": 1})), SettingsError::InvalidAttribute("zeta".into()));
    }

    #[test]
    fn the_first_foreign_field_in_body_order_is_named() {
        assert_eq!(
            parse(json!({"type": "OPS_GENIE", "zeta": 1, "alpha": 2})).unwrap_err(),
            SettingsError::InvalidAttribute("zeta".into())
        );
    }

    #[test]
    fn an_id_in_the_body_is_ignored() {
        let patch = parse(json!({"type": "OPS_GENIE", "id": "anything", "apiKey": "k"})).unwrap();
        assert_eq!(patch.values().count(), 1);
    }

    #[test]
    fn hip_chat_cannot_be_configured() {
        let err = Patch::parse(IntegrationType::HipChat, json!({"type": "HIP_CHAT"})).unwrap_err();
        assert!(matches!(err, SettingsError::Invalid { kind: IntegrationType::HipChat, .. }));
    }
}
