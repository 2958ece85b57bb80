//! NEW_RELIC: account id and license key of 40 lower-case hex digits, and two query tokens.
//! New Relic retired the plugin in 2021; Atlas still has the type, so it is kept.

use super::IntegrationType;
use super::limits::KEY;
use super::spec::{FieldKind, FieldSpec, Shape, TextRule, TypeSpec};

const HEX40: TextRule = TextRule::shaped(40, Shape::LowerHex40);

/// The NEW_RELIC fields.
pub static SPEC: TypeSpec = TypeSpec {
    kind: IntegrationType::NewRelic,
    fields: &[
        FieldSpec::required("accountId", FieldKind::Text(HEX40)),
        FieldSpec::required("licenseKey", FieldKind::Secret(HEX40)),
        FieldSpec::required("readToken", FieldKind::Secret(KEY)),
        FieldSpec::required("writeToken", FieldKind::Secret(KEY)),
    ],
    type_last: false,
};

#[cfg(test)]
mod tests {
    use super::super::testing::{create, invalid_reason, read};
    use serde_json::json;

    #[test]
    fn the_account_is_clear_and_the_keys_are_masked() {
        let account = "bcc3c81b344a6030a3935c2527e2216535af7718";
        let integration = create(json!({
            "type": "NEW_RELIC", "accountId": account,
            "licenseKey": "bc3768f44193c282b2688ab39e00f8e4fc8d75ea",
            "readToken": "193c96aee4a3ac640b98634562e2631f17ae0a69",
            "writeToken": "a67b10e5cd7f8fb6a34b501136c409f373edc218"}));
        let shown = read(&integration);
        assert_eq!(shown["accountId"], account);
        assert_eq!(shown["licenseKey"], json!("*".repeat(36) + "75ea"));
        assert_eq!(shown["readToken"], json!("*".repeat(36) + "0a69"));
        assert_eq!(shown["writeToken"], json!("*".repeat(36) + "c218"));
    }

    #[test]
    fn an_account_id_that_is_not_40_hex_digits_is_refused() {
        let reason = invalid_reason(json!({"type": "NEW_RELIC", "accountId": "2857404",
            "licenseKey": "bc3768f44193c282b2688ab39e00f8e4fc8d75ea", "readToken": "r", "writeToken": "w"}));
        assert_eq!(reason, "accountId must be 40 lower-case hexadecimal digits");
    }
}
