//! Integrations: one project's settings for one third-party service. Each type is described
//! declaratively in its own file ([`spec::TypeSpec`]); this module parses request bodies
//! into a [`Patch`], merges a patch into an [`Integration`], and renders the masked view.

mod datadog;
mod error;
mod flowdock;
mod kind;
mod limits;
mod microsoft_teams;
mod new_relic;
mod ops_genie;
mod pager_duty;
mod patch;
mod prometheus;
#[cfg(test)]
mod reference;
mod slack;
pub mod spec;
mod value;
mod victor_ops;
mod webhook;
mod wire;
pub use wire::Wire;

#[cfg(test)]
mod testing;

use std::collections::BTreeMap;

pub use error::{ChangeError, SettingsError};
pub use kind::IntegrationType;
pub use patch::Patch;
pub use value::FieldValue;

use crate::domain::ids::ObjectId;
use crate::domain::secret::{mask, mask_url};
use spec::{FieldKind, FieldSpec};

/// The fields an integration holds, by wire name.
pub type Fields = BTreeMap<&'static str, FieldValue>;

/// A configured integration of one project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Integration {
    /// Server-assigned id, stable across updates.
    pub id: ObjectId,
    /// The service type.
    pub kind: IntegrationType,
    /// The values set, secrets included (in clear, in memory only).
    pub fields: Fields,
}

impl Integration {
    /// A new integration from a body (POST, or PUT of a type not yet configured).
    pub fn create(patch: &Patch) -> Result<Integration, SettingsError> {
        let fields = apply(patch, &Fields::new())?;
        Ok(Integration { id: ObjectId::generate(), kind: patch.kind(), fields })
    }

    /// This integration with a PUT body merged in: absent fields keep their values, `null`
    /// clears, and a secret sent back exactly as reads mask it means "unchanged".
    pub fn merged(&self, patch: &Patch) -> Result<Integration, SettingsError> {
        let fields = apply(patch, &self.fields)?;
        Ok(Integration { id: self.id, kind: self.kind, fields })
    }
}

fn apply(patch: &Patch, current: &Fields) -> Result<Fields, SettingsError> {
    let mut fields = current.clone();
    for (field, value) in patch.values() {
        let Some(value) = value else {
            fields.remove(field.name);
            continue;
        };
        if current.get(field.name).is_some_and(|stored| is_masked_echo(field, stored, value)) {
            continue;
        }
        let checked = value::check(field, value)
            .map_err(|reason| SettingsError::Invalid { kind: patch.kind(), reason })?;
        fields.insert(field.name, checked);
    }
    let spec = patch.spec();
    if let Some(missing) = spec.fields.iter().find(|f| f.required && !fields.contains_key(f.name)) {
        return Err(SettingsError::MissingAttribute(missing.name.to_owned()));
    }
    Ok(fields)
}

/// Whether `sent` is the mask that reads show for `stored`.
fn is_masked_echo(field: &FieldSpec, stored: &FieldValue, sent: &serde_json::Value) -> bool {
    let (FieldValue::Secret(secret), Some(sent)) = (stored, sent.as_str()) else {
        return false;
    };
    match field.kind {
        FieldKind::Secret(_) => sent == mask(secret.expose()),
        FieldKind::SecretUrl => sent == mask_url(secret.expose()),
        FieldKind::Redacted(_) => sent == spec::REDACTED,
        _ => false,
    }
}

/// What a change does to one type of one project.
#[derive(Clone, Copy, Debug)]
pub enum Operation<'p> {
    /// POST: add; refused if the type is configured.
    Create(&'p Patch),
    /// PUT: merge into the configured integration, or add it.
    Upsert(&'p Patch),
    /// DELETE: remove; refused if the type is not configured.
    Delete(IntegrationType),
}

impl Operation<'_> {
    /// The type this operation changes.
    pub fn kind(&self) -> IntegrationType {
        match self {
            Operation::Create(patch) | Operation::Upsert(patch) => patch.kind(),
            Operation::Delete(kind) => *kind,
        }
    }

    /// The integration after the operation (`None`: removed), given the one before it.
    pub fn apply(&self, current: Option<&Integration>) -> Result<Option<Integration>, ChangeError> {
        match (self, current) {
            (Operation::Create(_), Some(_)) => Err(ChangeError::AlreadyConfigured(self.kind())),
            (Operation::Create(patch), None) | (Operation::Upsert(patch), None) => {
                Ok(Some(Integration::create(patch)?))
            }
            (Operation::Upsert(patch), Some(existing)) => Ok(Some(existing.merged(patch)?)),
            (Operation::Delete(kind), None) => Err(ChangeError::NotConfigured(*kind)),
            (Operation::Delete(_), Some(_)) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{create, patch, read};
    use super::*;
    use serde_json::json;

    fn webhook() -> Integration {
        create(json!({"type": "WEBHOOK", "url": "https://example.com/51c0ef87e9951c3e147accf0e12101",
                      "secret": "51c0ef87e9951c3e147accf0e12101", "bodyTemplate": "{}"}))
    }

    #[test]
    fn a_put_keeps_fields_it_does_not_name_and_the_id() {
        let before = webhook();
        let after = before.merged(&patch(json!({"type": "WEBHOOK", "secret": "new-secret-value"}))).unwrap();
        assert_eq!(after.id, before.id);
        assert_eq!(after.fields["url"], before.fields["url"]);
        assert_eq!(
            after.fields["secret"],
            FieldValue::Secret(crate::domain::secret::Secret::new("new-secret-value"))
        );
    }

    #[test]
    fn null_clears_an_optional_field_and_a_required_one_is_then_missing() {
        let before = webhook();
        let cleared = before.merged(&patch(json!({"type": "WEBHOOK", "bodyTemplate": null}))).unwrap();
        assert!(!cleared.fields.contains_key("bodyTemplate"));
        let err = before.merged(&patch(json!({"type": "WEBHOOK", "url": null}))).unwrap_err();
        assert_eq!(err, SettingsError::MissingAttribute("url".into()));
    }

    #[test]
    fn a_put_of_exactly_what_a_read_shows_changes_nothing() {
        let before = webhook();
        let echoed = read(&before);
        assert_eq!(before.merged(&patch(echoed)).unwrap(), before);

        let datadog = create(json!({"type": "DATADOG", "apiKey": "ab".repeat(16)}));
        let mut echoed = read(&datadog);
        echoed["sendDatabaseMetrics"] = json!(true);
        let after = datadog.merged(&patch(echoed)).unwrap();
        assert_eq!(after.fields["apiKey"], datadog.fields["apiKey"]);
        assert_eq!(after.fields["sendDatabaseMetrics"], FieldValue::Flag(true));
    }

    #[test]
    fn a_masked_value_without_a_stored_secret_is_validated_as_given() {
        let err = Integration::create(&patch(json!({"type": "DATADOG", "apiKey": "****0000"}))).unwrap_err();
        assert!(matches!(err, SettingsError::Invalid { .. }));
    }

    #[test]
    fn operations_refuse_duplicates_and_missing_types() {
        let body = patch(json!({"type": "OPS_GENIE", "apiKey": "k-1"}));
        let existing = Integration::create(&body).unwrap();
        assert_eq!(
            Operation::Create(&body).apply(Some(&existing)).unwrap_err(),
            ChangeError::AlreadyConfigured(IntegrationType::OpsGenie)
        );
        assert_eq!(
            Operation::Delete(IntegrationType::OpsGenie).apply(None).unwrap_err(),
            ChangeError::NotConfigured(IntegrationType::OpsGenie)
        );
        assert_eq!(Operation::Delete(IntegrationType::OpsGenie).apply(Some(&existing)).unwrap(), None);
        let upserted = Operation::Upsert(&body).apply(None).unwrap().unwrap();
        assert_eq!(upserted.kind, IntegrationType::OpsGenie);
    }
}
