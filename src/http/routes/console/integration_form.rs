//! The form of one integration type, made from the type's own field list: what each input
//! shows (secrets never: only their mask, and left unchanged unless typed over), and the
//! body a posted form becomes, so that saving goes through the same [`Patch`] and checks as
//! the API's PUT. Refusals are put next to the field they name.

use serde_json::{Map, Value};

use super::form::Fields;
use super::page::sentence;
use super::words;
use crate::domain::integration::spec::FieldKind;
use crate::domain::integration::{Integration, IntegrationType, SettingsError};

/// One input of a type's form.
#[derive(Clone, Debug)]
pub struct FieldView {
    /// The element id (`SLACK-channelName`).
    pub id: String,
    /// The field's wire name, also the input's name.
    pub name: &'static str,
    /// What it is called, in words.
    pub label: String,
    /// Where its value is found, if that helps.
    pub hint: Option<&'static str>,
    /// `text`, `password`, `url`, `select`, `checkbox` (flags), `textarea` (templates).
    pub input: &'static str,
    /// What the input holds (never a secret).
    pub value: String,
    /// For secrets: the stored value as reads mask it.
    pub stored: Option<String>,
    /// For selects: the choices and which one is selected.
    pub options: Vec<(String, bool)>,
    /// Whether a configured integration must have it.
    pub required: bool,
    /// What was wrong with it, in words.
    pub error: Option<String>,
}

/// The inputs of `kind`'s form for `current` (or an empty form), with `posted` values kept
/// where a refused form is shown again.
pub fn fields(
    kind: IntegrationType,
    current: Option<&Integration>,
    posted: Option<&Fields>,
) -> Vec<FieldView> {
    let Some(spec) = kind.spec() else { return Vec::new() };
    let shown = current.map(Integration::to_wire).unwrap_or_default();
    spec.fields
        .iter()
        .map(|field| {
            let stored = shown.get(field.name).map(|value| match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            });
            let is_secret = field.kind.is_hidden();
            let held = current.is_some_and(|integration| integration.fields.contains_key(field.name));
            let is_template = matches!(field.kind, FieldKind::Redacted(_));
            let value = match (posted.and_then(|posted| posted.get(field.name)), is_secret) {
                // A template typed is shown again (a preview, a refusal); a stored one never.
                (Some(posted), true) if is_template => posted.to_owned(),
                (_, true) => String::new(),
                (Some(posted), false) => posted.to_owned(),
                (None, false) => {
                    if held {
                        stored.clone().unwrap_or_default()
                    } else {
                        String::new()
                    }
                }
            };
            let input = match field.kind {
                FieldKind::Redacted(_) => "textarea",
                FieldKind::Secret(_) | FieldKind::SecretUrl | FieldKind::WriteOnly(_) => "password",
                FieldKind::Flag => "checkbox",
                FieldKind::Choice(_) => "select",
                FieldKind::Text(rule) if rule.shape == crate::domain::integration::spec::Shape::HttpUrl => {
                    "url"
                }
                FieldKind::Text(_) => "text",
            };
            let options = match field.kind {
                FieldKind::Choice(names) => choices(names, &value),
                _ => Vec::new(),
            };
            let stored = match (is_secret, held) {
                (true, true) => Some(stored.unwrap_or_else(|| "(set, never shown)".into())),
                _ => None,
            };
            let (label, hint) = words::field(kind, field.name);
            FieldView {
                id: format!("{kind}-{}", field.name),
                name: field.name,
                label,
                hint,
                input,
                value,
                stored,
                options,
                required: field.required,
                error: None,
            }
        })
        .collect()
}

fn choices(names: &[&str], selected: &str) -> Vec<(String, bool)> {
    std::iter::once(("".to_owned(), selected.is_empty()))
        .chain(names.iter().map(|name| ((*name).to_owned(), *name == selected)))
        .collect()
}

/// The PUT body a posted form means: typed values are set; an emptied field is cleared
/// (`null`) if it held a value; an empty secret is left out, so the stored one stays.
pub fn body(kind: IntegrationType, current: Option<&Integration>, posted: &Fields) -> Value {
    let mut body = Map::new();
    body.insert("type".into(), Value::String(kind.as_str().into()));
    for field in kind.spec().map_or(&[][..], |spec| spec.fields) {
        if matches!(field.kind, FieldKind::Flag) {
            // A checkbox left unchecked is not sent at all: unchecked is false.
            body.insert(field.name.into(), Value::Bool(posted.get(field.name) == Some("true")));
            continue;
        }
        let typed = posted.get(field.name).map(str::trim).unwrap_or("");
        let held = current.is_some_and(|integration| integration.fields.contains_key(field.name));
        if typed.is_empty() {
            let is_secret = field.kind.is_hidden();
            if held && !is_secret {
                body.insert(field.name.into(), Value::Null);
            }
            continue;
        }
        body.insert(field.name.into(), Value::String(typed.to_owned()));
    }
    Value::Object(body)
}

/// Puts a refusal next to its field (or returns it, for the form as a whole).
pub fn place_error(fields: &mut [FieldView], error: &SettingsError) -> Option<String> {
    let (name, message) = match error {
        SettingsError::MissingAttribute(name) => (name.as_str(), format!("{name} is required.")),
        SettingsError::InvalidAttribute(name) | SettingsError::FieldOfAnotherType(name) => {
            (name.as_str(), format!("{name} is not a field of this type."))
        }
        SettingsError::Invalid { reason, .. } => {
            (reason.split_whitespace().next().unwrap_or(""), sentence(reason))
        }
        SettingsError::NotAnObject => ("", sentence(&error.to_string())),
    };
    match fields.iter_mut().find(|field| field.name == name) {
        Some(field) => {
            field.error = Some(message);
            None
        }
        None => Some(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::integration::Patch;
    use serde_json::json;

    fn slack() -> Integration {
        let body = json!({"type": "SLACK", "apiToken": "xoxb-0123456789abcdef", "channelName": "ops", "teamName": "t"});
        Integration::create(&Patch::parse(IntegrationType::Slack, body).unwrap()).unwrap()
    }

    fn posted(pairs: &[(&str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn a_secret_is_shown_only_as_its_mask_and_an_empty_one_is_left_unchanged() {
        let current = slack();
        let views = fields(IntegrationType::Slack, Some(&current), None);
        let token = views.iter().find(|f| f.name == "apiToken").unwrap();
        assert_eq!((token.input, token.value.as_str()), ("password", ""));
        assert!(
            token.stored.as_ref().unwrap().ends_with("cdef")
                && token.stored.as_ref().unwrap().starts_with('*')
        );
        let body = body(
            IntegrationType::Slack,
            Some(&current),
            &posted(&[("apiToken", ""), ("channelName", "alerts")]),
        );
        assert_eq!(body, json!({"type": "SLACK", "channelName": "alerts", "teamName": null}));
    }

    #[test]
    fn a_refusal_lands_next_to_the_field_it_names() {
        let mut views = fields(IntegrationType::Slack, None, None);
        let error = SettingsError::Invalid {
            kind: IntegrationType::Slack,
            reason: "channelName must have at most 80 characters".into(),
        };
        assert_eq!(place_error(&mut views, &error), None);
        let channel = views.iter().find(|f| f.name == "channelName").unwrap();
        assert_eq!(channel.error.as_deref(), Some("ChannelName must have at most 80 characters."));
        let missing = SettingsError::MissingAttribute("apiToken".into());
        assert_eq!(place_error(&mut views, &missing), None);
        assert!(views[0].error.as_ref().unwrap().contains("apiToken is required"));
    }

    #[test]
    fn flags_are_checkboxes_unchecked_meaning_false_and_choices_selects_with_an_unset_choice() {
        let views = fields(IntegrationType::Prometheus, None, None);
        let enabled = views.iter().find(|f| f.name == "enabled").unwrap();
        assert_eq!((enabled.input, enabled.label.as_str()), ("checkbox", "Enabled"));
        let discovery = views.iter().find(|f| f.name == "serviceDiscovery").unwrap();
        assert_eq!((discovery.input, discovery.options.len()), ("select", 3));
        let body = body(IntegrationType::Prometheus, None, &posted(&[("enabled", "true"), ("username", "")]));
        assert_eq!(body["enabled"], json!(true));
        assert!(body.get("username").is_none());
        let unchecked = super::body(IntegrationType::Prometheus, None, &posted(&[("username", "u")]));
        assert_eq!(unchecked["enabled"], json!(false), "an unchecked box is not sent");
    }
}
