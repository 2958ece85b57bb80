//! OPS_GENIE: an API key and the OpsGenie region, "US" when unset.

use super::IntegrationType;
use super::limits::KEY;
use super::spec::{FieldKind, FieldSpec, TypeSpec, Unset};

/// The OPS_GENIE fields.
pub static SPEC: TypeSpec = TypeSpec {
    kind: IntegrationType::OpsGenie,
    fields: &[
        FieldSpec::required("apiKey", FieldKind::Secret(KEY)),
        FieldSpec::optional("region", FieldKind::Choice(&["US", "EU"]), Unset::Text("US")),
    ],
    type_last: false,
};

#[cfg(test)]
mod tests {
    use super::super::testing::{create, read};
    use serde_json::json;

    #[test]
    fn reads_back_as_atlas_recorded() {
        let integration = create(json!({"type": "OPS_GENIE",
            "apiKey": "00000000-aaaa-2222-bbbb-333333333311", "region": "EU"}));
        assert_eq!(
            read(&integration),
            json!({"apiKey": "********************************3311",
                   "id": integration.id.to_string(), "region": "EU", "type": "OPS_GENIE"})
        );
    }
}
