//! Webhook templates: `${field}` placeholders over the alert as the Alerts resource shows it
//! (dotted paths such as `${currentValue.number}` reach inside), plus `${eventType}`, the event
//! as `X-MMS-Event` names it. The result must stay valid JSON, so a value is inserted as the
//! place it stands in asks: inside a JSON string, as that string's escaped content (a number
//! as its digits, an object as its JSON text); outside one, as the value's JSON (a string
//! quoted, a number bare). A field the alert does not have renders as nothing inside a string
//! and as `null` outside one, so one template serves alerts with and without a cluster name.
//!
//! The webhook secret is not in the alert, so no template can reach it; headers the delivery
//! itself sets are left out of a headers template's result.

use serde_json::{Map, Value};

/// The most bytes a rendered body may have.
pub const MOST_BODY_BYTES: usize = 16 * 1024;
/// The most bytes a rendered headers object may have.
pub const MOST_HEADERS_BYTES: usize = 4 * 1024;

/// Headers a template may not set: the transport's own, the content type the body is sent
/// with, and the headers that name the event and carry the signatures.
pub const RESERVED_HEADERS: &[&str] = &[
    "connection",
    "content-length",
    "content-type",
    "host",
    "keep-alive",
    "te",
    "transfer-encoding",
    "upgrade",
    "webhook-id",
    "webhook-signature",
    "webhook-timestamp",
    "x-mms-event",
    "x-mms-signature",
];

/// What placeholders may name: the alert's fields and the event.
pub struct Context<'a> {
    /// The alert as the webhook's default body shows it.
    pub alert: &'a Map<String, Value>,
    /// `alert.open`, `alert.close`, …
    pub event: &'a str,
}

impl Context<'_> {
    fn lookup(&self, path: &str) -> Option<Value> {
        if path == "eventType" {
            return Some(Value::String(self.event.to_owned()));
        }
        let mut parts = path.split('.');
        let mut found = self.alert.get(parts.next()?)?;
        for part in parts {
            found = match found {
                Value::Object(object) => object.get(part)?,
                Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(found.clone())
    }
}

/// `template` with every placeholder replaced, or why it cannot be rendered.
pub fn render(template: &str, context: &Context<'_>) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 64);
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if c == '$' && rest[1..].starts_with('{') {
            let end = rest.find('}').ok_or_else(|| {
                let at = template.len() - rest.len();
                format!("the placeholder at byte {at} has no closing brace")
            })?;
            let name = &rest[2..end];
            if !is_placeholder_name(name) {
                return Err(format!("${{{name}}} is not a placeholder (letters, digits, _ and . only)"));
            }
            insert(&mut out, context.lookup(name), in_string);
            rest = &rest[end + 1..];
            escaped = false;
            continue;
        }
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (_, false, '"') => in_string = !in_string,
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

fn is_placeholder_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

fn insert(out: &mut String, value: Option<Value>, in_string: bool) {
    match (value, in_string) {
        (None | Some(Value::Null), true) => {}
        (None, false) => out.push_str("null"),
        (Some(Value::String(text)), true) => {
            let quoted = Value::String(text).to_string();
            out.push_str(&quoted[1..quoted.len() - 1]);
        }
        (Some(other), true) => {
            let quoted = Value::String(other.to_string()).to_string();
            out.push_str(&quoted[1..quoted.len() - 1]);
        }
        (Some(value), false) => out.push_str(&value.to_string()),
    }
}

/// The body `template` renders for `context`: valid JSON of at most 16 KB, or why not.
pub fn body(template: &str, context: &Context<'_>) -> Result<String, String> {
    let rendered = render(template, context)?;
    if rendered.len() > MOST_BODY_BYTES {
        return Err(format!("it rendered {} bytes, more than {MOST_BODY_BYTES}", rendered.len()));
    }
    serde_json::from_str::<serde::de::IgnoredAny>(&rendered)
        .map_err(|error| format!("it did not render JSON ({error})"))?;
    Ok(rendered)
}

/// What a headers template rendered.
#[derive(Debug, PartialEq, Eq)]
pub struct RenderedHeaders {
    /// The headers to send, names in lower case.
    pub kept: Vec<(String, String)>,
    /// The names it may not set, left out (lower case, sorted).
    pub left_out: Vec<String>,
}

/// The headers `template` renders for `context`, with the names it may not set left out, or
/// why it cannot be used at all: it must render a JSON object of at most 4 KB whose every
/// value is a string, with names and values valid in HTTP.
pub fn headers(template: &str, context: &Context<'_>) -> Result<RenderedHeaders, String> {
    let rendered = render(template, context)?;
    if rendered.len() > MOST_HEADERS_BYTES {
        return Err(format!("it rendered {} bytes, more than {MOST_HEADERS_BYTES}", rendered.len()));
    }
    let object: Map<String, Value> = serde_json::from_str(&rendered)
        .map_err(|_| "it did not render a JSON object of header names to values".to_owned())?;
    let (mut kept, mut left_out) = (Vec::new(), Vec::new());
    for (name, value) in object {
        let Value::String(value) = value else {
            return Err(format!("the value of {name} is not a string"));
        };
        if !is_header_name(&name) {
            return Err(format!("{name:?} is not a header name"));
        }
        if !value.chars().all(|c| c == '\t' || (' '..='~').contains(&c)) {
            return Err(format!("the value of {name} is not valid in a header (printable ASCII only)"));
        }
        let lower = name.to_ascii_lowercase();
        match RESERVED_HEADERS.contains(&lower.as_str()) {
            true => left_out.push(lower),
            false => kept.push((lower, value)),
        }
    }
    left_out.sort();
    Ok(RenderedHeaders { kept, left_out })
}

/// An HTTP token (RFC 9110, 5.6.2).
fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn alert() -> Map<String, Value> {
        json!({"id": "6a1", "status": "OPEN", "humanReadable": "say \"hi\" \\ there",
               "currentValue": {"number": 42.5, "units": "RAW"}, "links": [{"rel": "self"}],
               "acknowledgedUntil": null})
        .as_object()
        .unwrap()
        .clone()
    }

    fn rendered(template: &str) -> Result<String, String> {
        let alert = alert();
        render(template, &Context { alert: &alert, event: "alert.open" })
    }

    #[test]
    fn placeholders_in_strings_are_escaped_and_outside_them_are_json() {
        assert_eq!(
            rendered(r#"{"text": "${humanReadable}", "value": ${currentValue.number}, "id": ${id}}"#)
                .unwrap(),
            r#"{"text": "say \"hi\" \\ there", "value": 42.5, "id": "6a1"}"#
        );
        assert_eq!(
            rendered(r#"{"v": "${currentValue}"}"#).unwrap(),
            r#"{"v": "{\"number\":42.5,\"units\":\"RAW\"}"}"#
        );
        assert_eq!(
            rendered(r#"{"e": "${eventType}", "rel": "${links.0.rel}"}"#).unwrap(),
            r#"{"e": "alert.open", "rel": "self"}"#
        );
    }

    #[test]
    fn a_field_the_alert_lacks_is_empty_in_a_string_and_null_outside() {
        assert_eq!(
            rendered(r#"{"c": "${clusterName}", "n": ${clusterName}, "a": "${acknowledgedUntil}"}"#).unwrap(),
            r#"{"c": "", "n": null, "a": ""}"#
        );
    }

    #[test]
    fn quotes_escaped_in_the_template_do_not_end_its_string() {
        assert_eq!(rendered(r#"{"t": "a \"${id}\" b"}"#).unwrap(), r#"{"t": "a \"6a1\" b"}"#);
        assert_eq!(rendered(r#"{"t": "x\\", "v": ${id}}"#).unwrap(), r#"{"t": "x\\", "v": "6a1"}"#);
    }

    #[test]
    fn a_broken_placeholder_is_a_render_failure() {
        assert!(rendered(r#"{"a": "${id"#).unwrap_err().contains("no closing brace"));
        assert!(rendered(r#"{"a": "${id"}"#).unwrap_err().contains("not a placeholder"));
        assert!(rendered(r#"{"a": "${a b}"}"#).unwrap_err().contains("not a placeholder"));
        assert_eq!(rendered("cost: $5 {}").unwrap(), "cost: $5 {}");
    }

    #[test]
    fn a_body_must_be_json_within_16_kb() {
        let alert = alert();
        let context = Context { alert: &alert, event: "alert.open" };
        assert!(body("not json ${id}", &context).unwrap_err().contains("did not render JSON"));
        let large = format!(r#"{{"a": "{}"}}"#, "x".repeat(MOST_BODY_BYTES));
        assert!(body(&large, &context).unwrap_err().contains("more than 16384"));
        assert_eq!(body(r#"{"a": "${id}"}"#, &context).unwrap(), r#"{"a": "6a1"}"#);
    }

    #[test]
    fn headers_must_be_an_object_of_strings_and_reserved_names_are_left_out() {
        let alert = alert();
        let context = Context { alert: &alert, event: "alert.close" };
        let RenderedHeaders { kept, left_out } = headers(
            r#"{"X-Alert-Id": "${id}", "X-Event": "${eventType}", "Content-Type": "text/plain", "X-MMS-Signature": "x"}"#,
            &context,
        )
        .unwrap();
        assert_eq!(
            kept,
            [("x-alert-id".to_owned(), "6a1".to_owned()), ("x-event".to_owned(), "alert.close".to_owned())]
        );
        assert_eq!(left_out, ["content-type", "x-mms-signature"]);
        assert!(headers(r#"["x"]"#, &context).is_err());
        assert!(headers(r#"{"X-N": 5}"#, &context).unwrap_err().contains("not a string"));
        assert!(headers(r#"{"bad name": "v"}"#, &context).unwrap_err().contains("not a header name"));
        assert!(headers(r#"{"X-V": "a\nb"}"#, &context).unwrap_err().contains("not valid in a header"));
    }
}
