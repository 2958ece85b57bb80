//! The README's reference of each integration type's fields, rendered from the same
//! [`TypeSpec`]s the server validates with, so the two cannot drift: a test compares the
//! README's block with this rendering.

use std::fmt::Write as _;

use super::IntegrationType;
use super::spec::{FieldKind, FieldSpec, Shape, TextRule, Unset};

/// Where the block starts and ends in README.md.
pub const BEGIN: &str = "<!-- integration fields: generated from src/domain/integration, do not edit -->";
/// The end of the block.
pub const END: &str = "<!-- end of integration fields -->";

/// The block: one table per type that can be configured, between [`BEGIN`] and [`END`].
pub fn markdown() -> String {
    let mut out = format!("{BEGIN}\n");
    for kind in IntegrationType::ALL {
        let Some(spec) = kind.spec() else { continue };
        let _ = write!(
            out,
            "\n**{kind}**\n\n| field | required | secret | values | when unset, reads show |\n|---|---|---|---|---|\n"
        );
        for field in spec.fields {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                field.name,
                if field.required { "yes" } else { "no" },
                secrecy(field),
                values(field.kind),
                unset(field),
            );
        }
    }
    out.push('\n');
    out.push_str(END);
    out
}

fn secrecy(field: &FieldSpec) -> &'static str {
    match field.kind {
        FieldKind::Secret(_) | FieldKind::SecretUrl => "masked",
        FieldKind::WriteOnly(_) => "never shown",
        FieldKind::Redacted(_) => "shown as `******`",
        FieldKind::Text(_) | FieldKind::Flag | FieldKind::Choice(_) => "no",
    }
}

fn values(kind: FieldKind) -> String {
    match kind {
        FieldKind::Text(rule)
        | FieldKind::Secret(rule)
        | FieldKind::WriteOnly(rule)
        | FieldKind::Redacted(rule) => text(rule),
        FieldKind::SecretUrl => "an http or https URL".to_owned(),
        FieldKind::Flag => "`true`, `false`".to_owned(),
        FieldKind::Choice(choices) => {
            choices.iter().map(|choice| format!("`{choice}`")).collect::<Vec<_>>().join(", ")
        }
    }
}

fn text(rule: TextRule) -> String {
    let what = match rule.shape {
        Shape::Any => "text",
        Shape::Hex => "hexadecimal digits",
        Shape::LowerHex40 => "40 lowercase hexadecimal digits",
        Shape::HttpUrl => "an http or https URL",
    };
    match rule.shape {
        Shape::LowerHex40 => what.to_owned(),
        _ => format!("{what}, {} to {} characters", rule.min_chars, rule.max_chars),
    }
}

fn unset(field: &FieldSpec) -> String {
    match field.unset {
        Unset::Omit => "absent".to_owned(),
        Unset::Null => "`null`".to_owned(),
        Unset::Text(text) => format!("`\"{text}\"`"),
        Unset::Flag(flag) => format!("`{flag}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_holds_the_reference_as_the_server_validates() {
        let readme = include_str!("../../../README.md");
        let expected = markdown();
        let start = readme.find(BEGIN).expect("README.md has the integration fields block");
        let end = readme[start..].find(END).expect("the block is closed") + start + END.len();
        assert!(
            readme[start..end] == expected,
            "README.md's integration fields differ from the field specifications; replace the block with:\n{expected}"
        );
    }
}
