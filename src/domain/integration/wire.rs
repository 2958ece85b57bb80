//! The masked view of an integration that every read shows, and the clear form kept
//! (sealed) in storage.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::spec::{FieldKind, REDACTED, Unset};
use super::{FieldValue, Fields, Integration, IntegrationType};
use crate::domain::ids::ObjectId;
use crate::domain::secret::{Secret, mask, mask_url};

/// The masked view of one integration, serialised as [`Integration::to_wire`] would be.
pub struct Wire<'a>(&'a Integration);

impl Serialize for Wire<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entries = self.0.wire_entries();
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (name, value) in &entries {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl Integration {
    /// The object GET, and the lists of every operation, show: secrets masked, write-only
    /// fields left out, unset fields as their type says, keys in Atlas's order.
    pub fn to_wire(&self) -> Map<String, Value> {
        self.wire_entries().into_iter().map(|(name, value)| (name.to_owned(), value)).collect()
    }

    /// [`Integration::to_wire`] as something to serialise straight into an answer, without
    /// building the map first.
    pub fn wire(&self) -> Wire<'_> {
        Wire(self)
    }

    fn wire_entries(&self) -> Vec<(&'static str, Value)> {
        let spec = self.kind.spec().expect("a stored integration always has a type with fields");
        let mut entries: Vec<(&'static str, Value)> = Vec::with_capacity(spec.fields.len() + 2);
        entries.push(("id", Value::String(self.id.to_string())));
        entries.push(("type", Value::String(self.kind.as_str().to_owned())));
        for field in spec.fields {
            let shown = match (self.fields.get(field.name), field.kind) {
                (_, FieldKind::WriteOnly(_)) => None,
                (Some(FieldValue::Text(text)), _) => Some(Value::String(text.clone())),
                (Some(FieldValue::Flag(flag)), _) => Some(Value::Bool(*flag)),
                (Some(_), FieldKind::Redacted(_)) => Some(Value::String(REDACTED.to_owned())),
                (Some(FieldValue::Secret(secret)), FieldKind::SecretUrl) => {
                    Some(Value::String(mask_url(secret.expose())))
                }
                (Some(FieldValue::Secret(secret)), _) => Some(Value::String(mask(secret.expose()))),
                (None, _) => match field.unset {
                    Unset::Omit => None,
                    Unset::Null => Some(Value::Null),
                    Unset::Text(text) => Some(Value::String(text.to_owned())),
                    Unset::Flag(flag) => Some(Value::Bool(flag)),
                },
            };
            if let Some(value) = shown {
                entries.push((field.name, value));
            }
        }
        entries.sort_by_key(|(name, _)| *name);
        if spec.type_last {
            let at = entries.iter().position(|(name, _)| *name == "type").expect("type is present");
            let entry = entries.remove(at);
            entries.push(entry);
        }
        entries
    }

    /// The fields in clear as JSON, for sealing into storage. The buffer is wiped on drop.
    pub fn fields_to_stored(&self) -> Zeroizing<Vec<u8>> {
        let map: Map<String, Value> = self
            .fields
            .iter()
            .map(|(name, value)| {
                let json = match value {
                    FieldValue::Text(text) => Value::String(text.clone()),
                    FieldValue::Secret(secret) => Value::String(secret.expose().to_owned()),
                    FieldValue::Flag(flag) => Value::Bool(*flag),
                };
                ((*name).to_owned(), json)
            })
            .collect();
        Zeroizing::new(serde_json::to_vec(&map).expect("a JSON map always serialises"))
    }

    /// Rebuilds an integration from its stored parts.
    pub fn from_stored(id: ObjectId, kind: IntegrationType, stored: &[u8]) -> Result<Integration, String> {
        let spec = kind.spec().ok_or_else(|| format!("{kind} cannot be stored"))?;
        let map: Map<String, Value> = serde_json::from_slice(stored)
            .map_err(|e| format!("stored {kind} settings are not JSON: {e}"))?;
        let mut fields = Fields::new();
        for (name, value) in map {
            let field = spec
                .field(&name)
                .ok_or_else(|| format!("stored {kind} settings have an unknown field {name}"))?;
            let value = match (field.kind, value) {
                (FieldKind::Flag, Value::Bool(flag)) => FieldValue::Flag(flag),
                (
                    FieldKind::Secret(_)
                    | FieldKind::SecretUrl
                    | FieldKind::WriteOnly(_)
                    | FieldKind::Redacted(_),
                    Value::String(s),
                ) => FieldValue::Secret(Secret::new(s)),
                (FieldKind::Text(_) | FieldKind::Choice(_), Value::String(s)) => FieldValue::Text(s),
                _ => return Err(format!("stored {kind} field {name} has the wrong kind")),
            };
            fields.insert(field.name, value);
        }
        Ok(Integration { id, kind, fields })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::create;
    use super::*;
    use serde_json::json;

    #[test]
    fn the_streamed_view_is_the_map_byte_for_byte() {
        for body in [
            json!({"type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "file", "username": "u",
                "password": "p4ss-w0rd"}),
            json!({"type": "WEBHOOK", "url": "https://example.com/hook/0123456789", "secret": "s3cr3t-0123"}),
            json!({"type": "SLACK", "apiToken": "xoxb-0000-1111-abcd", "channelName": "alerts"}),
            json!({"type": "DATADOG", "apiKey": "0123456789abcdef0123456789abcdef"}),
            json!({"type": "FLOWDOCK", "flowName": "f", "apiToken": "223344", "orgName": "o"}),
        ] {
            let integration = create(body);
            assert_eq!(
                serde_json::to_string(&integration.wire()).unwrap(),
                serde_json::to_string(&integration.to_wire()).unwrap()
            );
        }
    }

    #[test]
    fn stored_form_round_trips_every_kind_of_field() {
        let integration = create(json!({"type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "file",
            "username": "u", "password": "p4ss-w0rd"}));
        let stored = integration.fields_to_stored();
        let back = Integration::from_stored(integration.id, integration.kind, &stored).unwrap();
        assert_eq!(back, integration);
    }

    #[test]
    fn corrupt_stored_settings_are_reported_not_panicked_on() {
        let id = ObjectId::generate();
        assert!(Integration::from_stored(id, IntegrationType::Slack, b"{\"nope\":1}").is_err());
        assert!(Integration::from_stored(id, IntegrationType::Slack, b"[").is_err());
        assert!(Integration::from_stored(id, IntegrationType::HipChat, b"{}").is_err());
    }
}
