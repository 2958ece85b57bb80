//! Helpers for the unit tests of the integration types.

use serde_json::Value;

use super::{Integration, IntegrationType, Patch, SettingsError};

fn kind_of(body: &Value) -> IntegrationType {
    IntegrationType::parse(body["type"].as_str().expect("test bodies name their type")).unwrap()
}

/// Parses a body for the type it names.
pub fn patch(body: Value) -> Patch {
    Patch::parse(kind_of(&body), body).expect("a well-formed test body")
}

/// Creates an integration from a body that must be valid.
pub fn create(body: Value) -> Integration {
    Integration::create(&patch(body)).expect("a valid test body")
}

/// The masked view as a JSON value.
pub fn read(integration: &Integration) -> Value {
    Value::Object(integration.to_wire())
}

/// The reason an invalid body is refused with INVALID_INTEGRATION_SETTINGS.
pub fn invalid_reason(body: Value) -> String {
    match Integration::create(&patch(body)) {
        Err(SettingsError::Invalid { reason, .. }) => reason,
        other => panic!("expected invalid settings, got {other:?}"),
    }
}
