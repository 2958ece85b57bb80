//! VICTOR_OPS (Splunk On-Call): an API key, masked, and a routing key, shown in clear.

use super::IntegrationType;
use super::limits::{KEY, NAME};
use super::spec::{FieldKind, FieldSpec, TypeSpec, Unset};

/// The VICTOR_OPS fields.
pub static SPEC: TypeSpec = TypeSpec {
    kind: IntegrationType::VictorOps,
    fields: &[
        FieldSpec::required("apiKey", FieldKind::Secret(KEY)),
        FieldSpec::optional("routingKey", FieldKind::Text(NAME), Unset::Omit),
    ],
    type_last: false,
};

#[cfg(test)]
mod tests {
    use super::super::testing::{create, read};
    use serde_json::json;

    #[test]
    fn the_routing_key_is_not_a_secret() {
        let integration = create(json!({"type": "VICTOR_OPS",
            "apiKey": "fa07bbc8-eab2-4085-81af-daed47dc1c11", "routingKey": "test"}));
        assert_eq!(
            serde_json::to_string(&read(&integration)).unwrap(),
            format!(
                "{{\"apiKey\":\"********************************1c11\",\"id\":\"{}\",\
                     \"routingKey\":\"test\",\"type\":\"VICTOR_OPS\"}}",
                integration.id
            )
        );
    }
}
