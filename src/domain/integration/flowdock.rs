//! FLOWDOCK: the legacy v1.0 type of the seed document: a flow, an organization and a
//! personal API token.

use super::IntegrationType;
use super::limits::{KEY, NAME};
use super::spec::{FieldKind, FieldSpec, TypeSpec};

/// The FLOWDOCK fields.
pub static SPEC: TypeSpec = TypeSpec {
    kind: IntegrationType::Flowdock,
    fields: &[
        FieldSpec::required("apiToken", FieldKind::Secret(KEY)),
        FieldSpec::required("flowName", FieldKind::Text(NAME)),
        FieldSpec::required("orgName", FieldKind::Text(NAME)),
    ],
    type_last: false,
};

#[cfg(test)]
mod tests {
    use super::super::testing::{create, read};
    use serde_json::json;

    #[test]
    fn the_seed_example_reads_back_with_a_hidden_token() {
        let integration = create(json!({ "type": "FLOWDOCK", "flowName": "newFlowName",
            "apiToken": "223344", "orgName": "newOrgName" }));
        assert_eq!(
            read(&integration),
            json!({"apiToken": "**3344", "flowName": "newFlowName",
                   "id": integration.id.to_string(), "orgName": "newOrgName", "type": "FLOWDOCK"})
        );
    }
}
