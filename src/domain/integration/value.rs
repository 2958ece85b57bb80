//! Checking one incoming JSON value against its field's kind and rule.

use serde_json::Value;

use super::spec::{FieldKind, FieldSpec, Shape, TextRule};
use crate::domain::secret::Secret;

/// A stored field value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    /// A string shown in clear (text or choice).
    Text(String),
    /// A string that is masked or never shown.
    Secret(Secret),
    /// A boolean.
    Flag(bool),
}

/// Converts `value` into a stored value for `field`, or says what is wrong with it.
pub fn check(field: &FieldSpec, value: &Value) -> Result<FieldValue, String> {
    let name = field.name;
    match field.kind {
        FieldKind::Flag => match value {
            Value::Bool(flag) => Ok(FieldValue::Flag(*flag)),
            _ => Err(format!("{name} must be a boolean")),
        },
        FieldKind::Choice(choices) => {
            let text = as_string(name, value)?;
            if choices.contains(&text) {
                Ok(FieldValue::Text(text.to_owned()))
            } else {
                Err(format!("{name} must be one of {}", choices.join(", ")))
            }
        }
        FieldKind::Text(rule) => {
            check_text(name, as_string(name, value)?, rule).map(|t| FieldValue::Text(t.into()))
        }
        FieldKind::Secret(rule) | FieldKind::WriteOnly(rule) | FieldKind::Redacted(rule) => {
            check_text(name, as_string(name, value)?, rule).map(|t| FieldValue::Secret(Secret::new(t)))
        }
        FieldKind::SecretUrl => check_text(name, as_string(name, value)?, super::limits::URL)
            .map(|t| FieldValue::Secret(Secret::new(t))),
    }
}

fn as_string<'v>(name: &str, value: &'v Value) -> Result<&'v str, String> {
    value.as_str().ok_or_else(|| format!("{name} must be a string"))
}

fn check_text<'t>(name: &str, text: &'t str, rule: TextRule) -> Result<&'t str, String> {
    let chars = text.chars().count();
    if chars < rule.min_chars {
        return Err(match rule.min_chars {
            1 => format!("{name} must not be empty"),
            least => format!("{name} must have at least {least} characters"),
        });
    }
    if chars > rule.max_chars {
        return Err(format!("{name} must have at most {} characters", rule.max_chars));
    }
    match rule.shape {
        Shape::Any => Ok(text),
        Shape::Hex if text.bytes().all(|b| b.is_ascii_hexdigit()) => Ok(text),
        Shape::Hex => Err(format!("{name} must be a hexadecimal string")),
        Shape::LowerHex40
            if text.len() == 40 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) =>
        {
            Ok(text)
        }
        Shape::LowerHex40 => Err(format!("{name} must be 40 lower-case hexadecimal digits")),
        Shape::HttpUrl if is_http_url(text) => Ok(text),
        Shape::HttpUrl => Err(format!("{name} must be an absolute http or https URL")),
    }
}

fn is_http_url(text: &str) -> bool {
    match url::Url::parse(text) {
        Ok(url) => {
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty())
                && !text.chars().any(char::is_whitespace)
                // The parser forgives `https:///host`; a stored URL must be written out properly.
                && text.split_once("://").is_some_and(|(_, rest)| !rest.starts_with('/'))
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::integration::spec::Unset;
    use serde_json::json;

    const TEXT: FieldSpec = FieldSpec::optional("note", FieldKind::Text(TextRule::any(5)), Unset::Omit);

    #[test]
    fn strings_are_counted_in_characters() {
        assert!(check(&TEXT, &json!("ééééé")).is_ok());
        assert_eq!(check(&TEXT, &json!("abcdef")).unwrap_err(), "note must have at most 5 characters");
        assert_eq!(check(&TEXT, &json!("")).unwrap_err(), "note must not be empty");
        assert_eq!(check(&TEXT, &json!(5)).unwrap_err(), "note must be a string");
    }

    #[test]
    fn only_http_and_https_urls_with_a_host_pass() {
        assert!(is_http_url("https://example.com/hook"));
        assert!(is_http_url("http://127.0.0.1:9000/x"));
        assert!(!is_http_url("https:///nohost"));
        assert!(!is_http_url("mailto:a@b.c"));
        assert!(!is_http_url("https://exa mple.com/"));
    }
}
