//! An alert configuration as the console's form holds it, and back: the form's fields for
//! stored settings (secrets left out), the API body a posted form means (so saving goes
//! through the API's own [`AlertSettings::parse`]), and the steps that change the form
//! without saving it (add or remove a matcher or a notification).
//!
//! Names: `enabled`, `severity`; matchers `m{i}.field`, `m{i}.operator`, `m{i}.value`; the
//! thresholds `metric.name|operator|threshold|units` and `threshold.operator|threshold|units`;
//! notifications `n{i}.type`, `n{i}.id` (its `notifierId`), `n{i}.delay`, `n{i}.interval`,
//! `n{i}.integration` and `n{i}.{field}` for each of the type's own fields.

use serde_json::{Map, Value, json};

use super::form::Fields;
use crate::domain::alerts::config::{AlertSettings, MAX_MATCHERS, MAX_NOTIFICATIONS};
use crate::domain::alerts::family::Family;
use crate::domain::alerts::notification::Notification;
use crate::domain::alerts::notification_types::{Kind, spec_of};
use crate::domain::alerts::threshold::{Limit, number};

/// The rows of kind `row` (`m` or `n`) the form holds, by index, in order.
pub fn rows(fields: &Fields, row: char) -> Vec<usize> {
    let mut found = Vec::new();
    for (key, _) in &fields.0 {
        let index = key
            .strip_prefix(row)
            .and_then(|rest| rest.split_once('.'))
            .and_then(|(index, _)| index.parse::<usize>().ok());
        if let Some(index) = index.filter(|index| !found.contains(index)) {
            found.push(index);
        }
    }
    found
}

/// The form's fields for `settings` (secrets left out: the form shows their masks).
pub fn fields_of(settings: &AlertSettings) -> Fields {
    let mut fields = Fields::default();
    if settings.enabled {
        fields.push("enabled".into(), "true");
    }
    if let Some(severity) = &settings.severity_override {
        fields.push("severity".into(), severity.clone());
    }
    for (i, matcher) in settings.matchers.iter().enumerate() {
        fields.push(format!("m{i}.field"), matcher.field_name.clone());
        fields.push(format!("m{i}.operator"), matcher.operator.as_str());
        fields.push(format!("m{i}.value"), matcher.value.clone());
    }
    for (prefix, limit) in [("metric", &settings.metric_threshold), ("threshold", &settings.threshold)] {
        let Some(limit) = limit else { continue };
        if let Some(name) = &limit.metric_name {
            fields.push(format!("{prefix}.name"), name.clone());
        }
        fields.push(format!("{prefix}.operator"), limit.operator.as_str());
        fields.push(format!("{prefix}.threshold"), number(limit.threshold).to_string());
        if let Some(units) = &limit.units {
            fields.push(format!("{prefix}.units"), units.clone());
        }
    }
    for (i, notification) in settings.notifications.iter().enumerate() {
        push_notification(&mut fields, i, notification);
    }
    fields
}

fn push_notification(fields: &mut Fields, i: usize, notification: &Notification) {
    let key = format!("n{i}");
    fields.push(format!("{key}.type"), notification.type_name);
    fields.push(format!("{key}.id"), notification.notifier_id.to_string());
    fields.push(format!("{key}.delay"), notification.delay_min.to_string());
    if let Some(interval) = notification.interval_min {
        fields.push(format!("{key}.interval"), interval.to_string());
    }
    if let Some(id) = notification.integration_id {
        fields.push(format!("{key}.integration"), id.to_string());
    }
    let kinds = spec_of(notification.type_name).map_or(&[][..], |spec| spec.fields);
    for (name, kind) in kinds {
        let Some(value) = notification.fields.get(*name) else { continue };
        match (kind, value) {
            (Kind::Text | Kind::Choice(_), Value::String(text)) => {
                fields.push(format!("{key}.{name}"), text.clone())
            }
            (Kind::Flag, Value::Bool(true)) => fields.push(format!("{key}.{name}"), "true"),
            (Kind::Roles(_), Value::Array(roles)) => {
                for role in roles.iter().filter_map(Value::as_str) {
                    fields.push(format!("{key}.{name}"), role);
                }
            }
            _ => {}
        }
    }
}

/// A new form's fields: enabled, notifying through `notify`.
pub fn new_fields(notify: Option<&str>) -> Fields {
    let mut fields = Fields::default();
    fields.push("enabled".into(), "true");
    if let Some(type_name) = notify.and_then(spec_of) {
        fields.push("n0.type".into(), type_name.name);
    }
    fields
}

/// What a step of the form (a button other than Save) did, if it was one.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Save the configuration.
    Save,
    /// The form changed; show it again.
    Changed,
}

/// Applies the step `fields` ask for (`step=add-matcher`, `add-notification` with
/// `new-type`, `remove-m{i}`, `remove-n{i}`) to the fields.
pub fn apply_step(fields: &mut Fields) -> Step {
    let step = fields.text("step").to_owned();
    match step.as_str() {
        "add-matcher" if rows(fields, 'm').len() < MAX_MATCHERS => {
            let next = rows(fields, 'm').into_iter().max().map_or(0, |last| last + 1);
            fields.push(format!("m{next}.field"), "");
            Step::Changed
        }
        "add-notification" if rows(fields, 'n').len() < MAX_NOTIFICATIONS => {
            let next = rows(fields, 'n').into_iter().max().map_or(0, |last| last + 1);
            let type_name = fields.text("new-type").to_owned();
            fields.push(format!("n{next}.type"), type_name);
            Step::Changed
        }
        "add-matcher" | "add-notification" => Step::Changed,
        remove if remove.starts_with("remove-") => {
            let row = format!("{}.", &remove["remove-".len()..]);
            fields.0.retain(|(key, _)| !key.starts_with(&row));
            Step::Changed
        }
        _ => Step::Save,
    }
}

/// The API body the form means for `event_type` of `family`. `previous` are the settings
/// being edited: a secret left empty sends back its mask, so the stored one stays.
pub fn body(event_type: &str, family: &Family, fields: &Fields, previous: Option<&AlertSettings>) -> Value {
    let mut body = Map::new();
    body.insert("eventTypeName".into(), json!(event_type));
    body.insert("enabled".into(), json!(fields.text("enabled") == "true"));
    let severity = fields.text("severity");
    if !severity.is_empty() {
        body.insert("severityOverride".into(), json!(severity));
    }
    let matchers = rows(fields, 'm')
        .into_iter()
        .map(|i| {
            let part = |name: &str| json!(fields.text(&format!("m{i}.{name}")));
            json!({"fieldName": part("field"), "operator": part("operator"), "value": part("value")})
        })
        .collect();
    body.insert("matchers".into(), Value::Array(matchers));
    if family.metric_threshold
        && let Some(limit) = limit(fields, "metric")
    {
        body.insert("metricThreshold".into(), limit);
    }
    if family.threshold
        && let Some(limit) = limit(fields, "threshold")
    {
        body.insert("threshold".into(), limit);
    }
    let notifications = rows(fields, 'n').into_iter().map(|i| notification(fields, i, previous)).collect();
    body.insert("notifications".into(), Value::Array(notifications));
    Value::Object(body)
}

/// A threshold's object; `None` when nothing of it was filled in.
fn limit(fields: &Fields, prefix: &str) -> Option<Value> {
    let text = |name: &str| fields.text(&format!("{prefix}.{name}")).to_owned();
    let (name, threshold) = (text("name"), text("threshold"));
    if name.is_empty() && threshold.is_empty() {
        return None;
    }
    let mut object = Map::new();
    if prefix == "metric" {
        object.insert("metricName".into(), json!(name));
        object.insert("mode".into(), json!("AVERAGE"));
    }
    let operator = text("operator");
    if !operator.is_empty() {
        object.insert("operator".into(), json!(operator));
    }
    if !threshold.is_empty() {
        object.insert("threshold".into(), number_or_text(&threshold));
    }
    let units = text("units");
    if !units.is_empty() {
        object.insert("units".into(), json!(units));
    }
    Some(Value::Object(object))
}

/// A typed number as a JSON number, or as the text it is (which the API's checks refuse).
fn number_or_text(text: &str) -> Value {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => number(value),
        _ => json!(text),
    }
}

fn whole_or_text(text: &str) -> Value {
    text.parse::<i64>().map_or_else(|_| json!(text), |minutes| json!(minutes))
}

/// The notification previously stored with the form row's `notifierId`.
pub fn previous_notification<'a>(
    fields: &Fields,
    i: usize,
    previous: Option<&'a AlertSettings>,
) -> Option<&'a Notification> {
    let id = fields.text(&format!("n{i}.id"));
    previous?.notifications.iter().find(|old| !id.is_empty() && old.notifier_id.to_string() == id)
}

fn notification(fields: &Fields, i: usize, previous: Option<&AlertSettings>) -> Value {
    let key = format!("n{i}");
    let text = |name: &str| fields.text(&format!("{key}.{name}"));
    let type_name = text("type");
    let mut object = Map::new();
    object.insert("typeName".into(), json!(type_name));
    for (name, wire) in [("id", "notifierId"), ("integration", "integrationId")] {
        if !text(name).is_empty() {
            object.insert(wire.into(), json!(text(name)));
        }
    }
    for (name, wire) in [("delay", "delayMin"), ("interval", "intervalMin")] {
        if !text(name).is_empty() {
            object.insert(wire.into(), whole_or_text(text(name)));
        }
    }
    let Some(spec) = spec_of(type_name) else { return Value::Object(object) };
    let stored = previous_notification(fields, i, previous).map(Notification::to_wire);
    for (name, kind) in spec.fields {
        let typed = text(name);
        let value = match kind {
            // An unchecked box is not sent: false, where the stored notification had it.
            Kind::Flag if typed == "true" => Some(json!(true)),
            Kind::Flag => stored.as_ref().and_then(|stored| stored.get(*name)).map(|_| json!(false)),
            Kind::Roles(_) => {
                let roles = fields.all(&format!("{key}.{name}"));
                (!roles.is_empty()).then(|| json!(roles))
            }
            Kind::Key | Kind::Url | Kind::Hidden if typed.is_empty() => {
                // Left empty: the stored secret's mask, which keeps it.
                stored.as_ref().and_then(|stored| stored.get(*name)).cloned()
            }
            _ if typed.is_empty() => None,
            _ => Some(json!(typed)),
        };
        if let Some(value) = value {
            object.insert((*name).into(), value);
        }
    }
    Value::Object(object)
}

/// A limit as the list shows it: `Connections above 100 RAW`.
pub fn limit_words(limit: &Limit) -> String {
    let metric = limit.metric_name.as_deref().map(super::alert_words::constant);
    let comparison = limit.operator.words();
    let units = limit.units.as_deref().map(|units| format!(" {}", units.to_lowercase())).unwrap_or_default();
    let threshold = number(limit.threshold);
    match metric {
        Some(metric) => format!("{metric} {comparison} {threshold}{units}"),
        None => format!("{comparison} {threshold}{units}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::alerts::catalog::family_of;

    fn posted(pairs: &[(&str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    fn stored() -> AlertSettings {
        let body = json!({"eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "enabled": true,
            "matchers": [{"fieldName": "HOSTNAME_AND_PORT", "operator": "STARTS_WITH", "value": "db-"}],
            "metricThreshold": {"metricName": "CONNECTIONS", "operator": "GREATER_THAN", "threshold": 100, "units": "RAW", "mode": "AVERAGE"},
            "notifications": [{"typeName": "SLACK", "apiToken": "xoxb-0123456789abcdef", "channelName": "ops", "intervalMin": 10},
                              {"typeName": "GROUP", "roles": ["GROUP_OWNER", "GROUP_READ_ONLY"], "emailEnabled": true}]});
        AlertSettings::parse(&body, None).unwrap()
    }

    #[test]
    fn stored_settings_make_a_form_that_saves_back_to_the_same_settings_keeping_secrets() {
        let settings = stored();
        let fields = fields_of(&settings);
        assert!(fields.0.iter().all(|(_, value)| !value.contains("xoxb")), "secrets never enter the form");
        let family = family_of("OUTSIDE_METRIC_THRESHOLD").unwrap();
        let body = body("OUTSIDE_METRIC_THRESHOLD", family, &fields, Some(&settings));
        assert_eq!(AlertSettings::parse(&body, Some(&settings)).unwrap(), settings);
    }

    #[test]
    fn typed_numbers_become_numbers_and_anything_else_stays_text_for_the_checks_to_refuse() {
        let family = family_of("OUTSIDE_METRIC_THRESHOLD").unwrap();
        let form = posted(&[
            ("metric.name", "CONNECTIONS"),
            ("metric.operator", "LESS_THAN"),
            ("metric.threshold", "2.5"),
            ("n0.type", "EMAIL"),
            ("n0.emailAddress", "ops@example.com"),
            ("n0.delay", "soon"),
        ]);
        let body = body("OUTSIDE_METRIC_THRESHOLD", family, &form, None);
        assert_eq!(body["metricThreshold"]["threshold"], json!(2.5));
        assert_eq!(body["notifications"][0]["delayMin"], json!("soon"));
        assert_eq!(body["enabled"], json!(false), "an unchecked box is not sent");
        assert!(AlertSettings::parse(&body, None).unwrap_err().contains("delayMin"));
    }

    #[test]
    fn steps_add_and_remove_rows_without_saving() {
        let mut form = posted(&[("n0.type", "SLACK"), ("step", "add-notification"), ("new-type", "WEBHOOK")]);
        assert_eq!(apply_step(&mut form), Step::Changed);
        assert_eq!(rows(&form, 'n'), vec![0, 1]);
        assert_eq!(form.text("n1.type"), "WEBHOOK");
        let mut form = posted(&[("m0.field", "A"), ("m2.field", "B"), ("step", "remove-m0")]);
        assert_eq!(apply_step(&mut form), Step::Changed);
        assert_eq!(rows(&form, 'm'), vec![2]);
        let mut form = posted(&[("step", "save")]);
        assert_eq!(apply_step(&mut form), Step::Save);
    }
}
