//! PAGER_DUTY: a service (integration) key and the PagerDuty region, "US" when unset.

use super::IntegrationType;
use super::limits::KEY;
use super::spec::{FieldKind, FieldSpec, TypeSpec, Unset};

/// The PAGER_DUTY fields.
pub static SPEC: TypeSpec = TypeSpec {
    kind: IntegrationType::PagerDuty,
    fields: &[
        FieldSpec::required("serviceKey", FieldKind::Secret(KEY)),
        FieldSpec::optional("region", FieldKind::Choice(&["US", "EU"]), Unset::Text("US")),
    ],
    type_last: false,
};

#[cfg(test)]
mod tests {
    use super::super::testing::{create, invalid_reason, read};
    use serde_json::json;

    #[test]
    fn region_reads_back_as_us_when_never_set() {
        let integration = create(json!({"type": "PAGER_DUTY", "serviceKey": "0".repeat(30) + "22"}));
        assert_eq!(
            read(&integration),
            json!({"id": integration.id.to_string(), "region": "US",
                   "serviceKey": "****************************0022", "type": "PAGER_DUTY"})
        );
    }

    #[test]
    fn an_unknown_region_is_refused() {
        let reason = invalid_reason(json!({"type": "PAGER_DUTY", "serviceKey": "k", "region": "APAC"}));
        assert_eq!(reason, "region must be one of US, EU");
    }
}
