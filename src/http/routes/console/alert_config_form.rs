//! What the alert configuration form shows: each part of a configuration of one event type
//! (matchers, the threshold its kind takes, each notification with its type's own fields) in
//! words, filled from the form's fields, and the API's checks placed next to the part and
//! field they refuse, so every refusal says where it is.

use serde_json::Value;

use super::alert_config_body::{previous_notification, rows};
use super::alert_words;
use super::form::Fields;
use super::page::sentence;
use crate::domain::alerts::catalog::all_matcher_fields;
use crate::domain::alerts::config::AlertSettings;
use crate::domain::alerts::family::{Family, Units};
use crate::domain::alerts::matcher::Matcher;
use crate::domain::alerts::notification::{Notification, SENT_TYPES};
use crate::domain::alerts::notification_types::{Kind, TYPES, spec_of};
use crate::domain::alerts::threshold::{Comparison, Limit};
use crate::domain::integration::{Integration, IntegrationType};

const SEVERITIES: [&str; 4] = ["INFO", "WARNING", "ERROR", "CRITICAL"];
const OPERATORS: [&str; 7] =
    ["EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS", "STARTS_WITH", "ENDS_WITH", "REGEX"];
const ALL_UNITS: [Units; 5] = [Units::Raw, Units::Time, Units::Data, Units::Number, Units::Serverless];

/// One option of a select (or one checkbox of a set).
#[derive(Clone, Debug)]
pub struct Choice {
    /// What is sent.
    pub value: String,
    /// What is read.
    pub words: String,
    /// Whether it is chosen.
    pub selected: bool,
}

fn choices<'a>(
    values: impl IntoIterator<Item = &'a str>,
    selected: &str,
    words: impl Fn(&str) -> String,
) -> Vec<Choice> {
    values
        .into_iter()
        .map(|value| Choice { value: value.to_owned(), words: words(value), selected: value == selected })
        .collect()
}

/// An unset first option.
fn unset(words: &str, selected: &str) -> Choice {
    Choice { value: String::new(), words: words.to_owned(), selected: selected.is_empty() }
}

/// The whole form.
#[derive(Debug)]
pub struct ConfigForm {
    /// The event type's wire name (sent back hidden).
    pub event_type: String,
    /// The event type in words.
    pub event_words: String,
    /// Whether alerts are raised.
    pub enabled: bool,
    /// The severity choices, the event's own first.
    pub severities: Vec<Choice>,
    /// The matchers.
    pub matchers: Vec<MatcherRow>,
    /// The metric threshold, for kinds that take one.
    pub metric: Option<LimitRow>,
    /// The plain threshold, for kinds that take one.
    pub threshold: Option<LimitRow>,
    /// The notifications.
    pub notifications: Vec<NotificationRow>,
    /// The types a notification can be added of.
    pub new_types: Vec<Choice>,
    /// A refusal of the form as a whole.
    pub error: Option<String>,
}

/// One matcher.
#[derive(Debug)]
pub struct MatcherRow {
    /// Its row key (`m0`).
    pub key: String,
    /// The fields it may compare.
    pub fields: Vec<Choice>,
    /// How.
    pub operators: Vec<Choice>,
    /// With what.
    pub value: String,
    /// What was wrong with it.
    pub error: Option<String>,
    /// The input the refusal names (`field`, `operator`, `value`), if one.
    pub invalid: &'static str,
}

/// A threshold.
#[derive(Debug)]
pub struct LimitRow {
    /// `metric` or `threshold`.
    pub prefix: &'static str,
    /// The metrics it may name (a metric threshold of a kind that lists them).
    pub metrics: Vec<Choice>,
    /// The metric typed (a metric threshold of a kind that takes any metric).
    pub metric_text: Option<String>,
    /// Above or below.
    pub operators: Vec<Choice>,
    /// The number typed.
    pub threshold: String,
    /// The units.
    pub units: Vec<Choice>,
    /// What was wrong with it.
    pub error: Option<String>,
    /// The input the refusal names (`name`, `operator`, `threshold`, `units`), if one.
    pub invalid: &'static str,
}

/// One notification.
#[derive(Debug)]
pub struct NotificationRow {
    /// Its row key (`n0`).
    pub key: String,
    /// Its type's wire name (sent back hidden).
    pub type_name: String,
    /// The type in words.
    pub words: String,
    /// Its `notifierId`, once saved (sent back hidden).
    pub notifier_id: String,
    /// Whether this server sends it (others are kept but not sent).
    pub sent: bool,
    /// Minutes before the first notice.
    pub delay: String,
    /// Minutes between repeats, for types this server repeats.
    pub interval: Option<String>,
    /// The project's integration of its type, if it has one.
    pub integration: Option<IntegrationChoice>,
    /// The type's own fields.
    pub fields: Vec<NoteField>,
    /// What was wrong with it as a whole.
    pub error: Option<String>,
}

/// The project integration a notification may name.
#[derive(Debug)]
pub struct IntegrationChoice {
    /// Its id.
    pub id: String,
    /// Whether the notification names it.
    pub named: bool,
}

/// One field of a notification.
#[derive(Debug)]
pub struct NoteField {
    /// The element id (`n0-webhookUrl`).
    pub id: String,
    /// The input's name (`n0.webhookUrl`).
    pub name: String,
    /// The field's wire name (`webhookUrl`).
    pub wire: &'static str,
    /// Its label.
    pub label: &'static str,
    /// Where its value is found.
    pub hint: Option<&'static str>,
    /// `text`, `password`, `url`, `textarea`, `select`, `checkbox`, `roles`.
    pub input: &'static str,
    /// What the input holds (never a secret).
    pub value: String,
    /// For secrets: the stored value's mask.
    pub stored: Option<String>,
    /// Selects' options and roles' boxes.
    pub options: Vec<Choice>,
    /// What was wrong with it.
    pub error: Option<String>,
}

impl ConfigForm {
    /// The form for `event_type` of `family` filled from `fields`; `previous` are the
    /// settings edited (for the masks of stored secrets), `integrations` the project's.
    pub fn new(
        event_type: &str,
        family: &Family,
        fields: &Fields,
        previous: Option<&AlertSettings>,
        integrations: &[Integration],
    ) -> ConfigForm {
        let severity = fields.text("severity");
        let mut severities = vec![unset("The event's own", severity)];
        severities.extend(choices(SEVERITIES, severity, alert_words::constant));
        let matcher_fields = if family.matcher_fields.is_empty() {
            all_matcher_fields()
        } else {
            family.matcher_fields.to_vec()
        };
        let matchers = rows(fields, 'm')
            .into_iter()
            .map(|i| {
                let text = |name: &str| fields.text(&format!("m{i}.{name}"));
                let mut field_choices = vec![unset("Choose a field", text("field"))];
                field_choices.extend(choices(
                    matcher_fields.iter().copied(),
                    text("field"),
                    alert_words::constant,
                ));
                MatcherRow {
                    key: format!("m{i}"),
                    fields: field_choices,
                    operators: choices(OPERATORS, text("operator"), alert_words::operator),
                    value: text("value").to_owned(),
                    error: None,
                    invalid: "",
                }
            })
            .collect();
        let metric = family.metric_threshold.then(|| metric_row(family, fields));
        let threshold = family.threshold.then(|| plain_row(fields));
        let notifications = rows(fields, 'n')
            .into_iter()
            .map(|i| notification_row(fields, i, previous, integrations))
            .collect();
        let new_types = TYPES.iter().map(|spec| spec.name).collect::<Vec<_>>();
        ConfigForm {
            event_type: event_type.to_owned(),
            event_words: alert_words::constant(event_type),
            enabled: fields.text("enabled") == "true",
            severities,
            matchers,
            metric,
            threshold,
            notifications,
            new_types: choices(new_types, "WEBHOOK", notification_type_words),
            error: None,
        }
    }

    /// The thresholds the kind takes.
    pub fn limits(&self) -> Vec<&LimitRow> {
        self.metric.iter().chain(self.threshold.iter()).collect()
    }

    /// Runs the API's checks on `body`: the settings if nothing is refused; otherwise each
    /// part is checked on its own, to place every refusal by its part and field.
    pub fn check(
        &mut self,
        family: &Family,
        body: &Value,
        fields: &Fields,
        previous: Option<&AlertSettings>,
    ) -> Option<AlertSettings> {
        let reason = match AlertSettings::parse(body, previous) {
            Ok(settings) => return Some(settings),
            Err(reason) => reason,
        };
        self.error = Some(if self.notifications.is_empty() {
            "Add at least one notification: whom should its alerts reach?".to_owned()
        } else if self.place_refusals(family, body, fields, previous) {
            "Some settings were refused; each says why below. Nothing was saved.".to_owned()
        } else {
            sentence(&reason)
        });
        None
    }

    /// Checks each matcher, threshold and notification on its own, putting each refusal
    /// beside its part; whether any was refused.
    fn place_refusals(
        &mut self,
        family: &Family,
        body: &Value,
        fields: &Fields,
        previous: Option<&AlertSettings>,
    ) -> bool {
        let mut refused = false;
        let empty = Vec::new();
        let matchers = body["matchers"].as_array().unwrap_or(&empty);
        for (row, matcher) in self.matchers.iter_mut().zip(matchers) {
            if let Err(reason) = Matcher::parse(matcher, family.matcher_fields) {
                row.invalid = named_input(&reason, &MATCHER_WORDS, "matchers");
                row.error = Some(reword(&reason, &MATCHER_WORDS, "matchers"));
                refused = true;
            }
        }
        if let Some(row) = self.metric.as_mut() {
            let result = match body.get("metricThreshold") {
                Some(limit) => Limit::parse_metric(limit, family).map(|_| ()),
                None if !family.metrics.is_empty() => Err("Choose a metric and type a threshold.".into()),
                None => Ok(()),
            };
            if let Err(reason) = result {
                row.invalid = named_input(&reason, &LIMIT_WORDS, "metricThreshold");
                row.error = Some(reword(&reason, &LIMIT_WORDS, "metricThreshold"));
                refused = true;
            }
        }
        if let (Some(row), Some(limit)) = (self.threshold.as_mut(), body.get("threshold"))
            && let Err(reason) = Limit::parse_plain(limit)
        {
            row.invalid = named_input(&reason, &LIMIT_WORDS, "threshold");
            row.error = Some(reword(&reason, &LIMIT_WORDS, "threshold"));
            refused = true;
        }
        let notifications = body["notifications"].as_array().unwrap_or(&empty);
        let indices = rows(fields, 'n');
        for ((row, notification), i) in self.notifications.iter_mut().zip(notifications).zip(indices) {
            let replaced = previous_notification(fields, i, previous);
            if let Err(reason) = Notification::parse(notification, replaced) {
                row.place(&reason);
                refused = true;
            }
        }
        refused
    }
}

fn notification_type_words(name: &str) -> String {
    let words = alert_words::notification_type(name);
    if SENT_TYPES.contains(&name) { words } else { format!("{words} (kept, not sent by this server)") }
}

fn metric_row(family: &Family, fields: &Fields) -> LimitRow {
    let text = |name: &str| fields.text(&format!("metric.{name}"));
    let (metrics, metric_text) = if family.metrics.is_empty() {
        (Vec::new(), Some(text("name").to_owned()))
    } else {
        let mut metrics = vec![unset("Choose a metric", text("name"))];
        let names = family.metrics.iter().map(|(name, _)| *name);
        metrics.extend(choices(names, text("name"), alert_words::constant));
        (metrics, None)
    };
    let mut kinds: Vec<Units> = Vec::new();
    for (_, units) in family.metrics {
        if !kinds.contains(units) {
            kinds.push(*units);
        }
    }
    if kinds.is_empty() {
        kinds = ALL_UNITS.to_vec();
    }
    LimitRow {
        prefix: "metric",
        metrics,
        metric_text,
        operators: comparisons(text("operator")),
        threshold: text("threshold").to_owned(),
        units: units_choices(&kinds, text("units"), "The metric's own"),
        error: None,
        invalid: "",
    }
}

fn plain_row(fields: &Fields) -> LimitRow {
    let text = |name: &str| fields.text(&format!("threshold.{name}"));
    LimitRow {
        prefix: "threshold",
        metrics: Vec::new(),
        metric_text: None,
        operators: comparisons(text("operator")),
        threshold: text("threshold").to_owned(),
        units: units_choices(&ALL_UNITS, text("units"), "None (a plain number)"),
        error: None,
        invalid: "",
    }
}

/// Above or below, as the form offers them.
fn comparisons(selected: &str) -> Vec<Choice> {
    [Comparison::GreaterThan, Comparison::LessThan]
        .into_iter()
        .map(|side| Choice {
            value: side.as_str().to_owned(),
            words: side.words().to_owned(),
            selected: side.as_str() == selected,
        })
        .collect()
}

fn units_choices(kinds: &[Units], selected: &str, default: &str) -> Vec<Choice> {
    let mut units = vec![unset(default, selected)];
    for kind in kinds {
        units.extend(choices(kind.names().iter().copied(), selected, alert_words::constant));
    }
    units
}

fn notification_row(
    fields: &Fields,
    i: usize,
    previous: Option<&AlertSettings>,
    integrations: &[Integration],
) -> NotificationRow {
    let key = format!("n{i}");
    let text = |name: &str| fields.text(&format!("{key}.{name}"));
    let type_name = text("type").to_owned();
    let spec = spec_of(&type_name);
    let stored = previous_notification(fields, i, previous).map(Notification::to_wire);
    let integration = IntegrationType::parse(&type_name)
        .and_then(|kind| integrations.iter().find(|integration| integration.kind == kind))
        .map(|integration| IntegrationChoice {
            id: integration.id.to_string(),
            named: text("integration") == integration.id.to_string(),
        });
    let note_fields = spec.map_or(&[][..], |spec| spec.fields).iter().map(|(name, kind)| {
        let (label, hint) = alert_words::notification_field(name);
        let typed = text(name);
        let is_secret = matches!(kind, Kind::Key | Kind::Url | Kind::Hidden);
        let stored = stored
            .as_ref()
            .and_then(|stored| stored.get(*name))
            .filter(|_| is_secret)
            .map(|value| value.as_str().unwrap_or_default().to_owned());
        let input = match kind {
            Kind::Hidden if name.ends_with("Template") => "textarea",
            Kind::Key | Kind::Url | Kind::Hidden => "password",
            Kind::Text => "text",
            Kind::Flag => "checkbox",
            Kind::Choice(_) => "select",
            Kind::Roles(_) => "roles",
        };
        let options = match kind {
            Kind::Choice(names) => {
                let mut options = vec![unset("(not set)", typed)];
                options.extend(choices(names.iter().copied(), typed, str::to_owned));
                options
            }
            Kind::Roles(roles) => {
                let checked = fields.all(&format!("{key}.{name}"));
                roles
                    .iter()
                    .map(|role| Choice {
                        value: (*role).to_owned(),
                        words: alert_words::constant(role),
                        selected: checked.contains(role),
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        NoteField {
            id: format!("{key}-{name}"),
            name: format!("{key}.{name}"),
            wire: name,
            label,
            hint,
            input,
            // Secrets typed are not shown again; templates are (they are what was written).
            value: if is_secret && input != "textarea" { String::new() } else { typed.to_owned() },
            stored,
            options,
            error: None,
        }
    });
    let repeats = spec.is_none_or(|spec| spec.repeats);
    NotificationRow {
        key: key.clone(),
        words: alert_words::notification_type(&type_name),
        sent: SENT_TYPES.contains(&type_name.as_str()),
        notifier_id: text("id").to_owned(),
        delay: text("delay").to_owned(),
        interval: repeats.then(|| text("interval").to_owned()),
        integration,
        fields: note_fields.collect(),
        error: spec.is_none().then(|| format!("{type_name:?} is not a notification type.")),
        type_name,
    }
}

impl NotificationRow {
    /// Puts the API's refusal next to the field it names, or on the notification.
    fn place(&mut self, reason: &str) {
        let named =
            self.fields.iter_mut().find(|field| reason.contains(&format!("notifications.{}", field.wire)));
        match named {
            Some(field) => {
                let wire = format!("notifications.{}", field.wire);
                field.error = Some(sentence(&reason.replace(&wire, field.label)));
            }
            None => self.error = Some(reword(reason, &NOTIFICATION_WORDS, "notifications")),
        }
    }
}

/// A part's wire names, their words and the form input each is (`""`: none).
type PartWords = [(&'static str, &'static str, &'static str)];

const MATCHER_WORDS: [(&str, &str, &str); 3] =
    [("fieldName", "Field", "field"), ("operator", "Comparison", "operator"), ("value", "Value", "value")];
const LIMIT_WORDS: [(&str, &str, &str); 5] = [
    ("metricName", "Metric", "name"),
    ("operator", "Comparison", "operator"),
    ("threshold", "Threshold", "threshold"),
    ("units", "Units", "units"),
    ("mode", "Mode", ""),
];
const NOTIFICATION_WORDS: [(&str, &str, &str); 3] = [
    ("delayMin", "Delay", "delay"),
    ("intervalMin", "Interval", "interval"),
    ("integrationId", "The integration", "integration"),
];

/// The API's reason with `{part}.{name}` in words, as a sentence.
fn reword(reason: &str, words: &PartWords, part: &str) -> String {
    let mut text = reason.to_owned();
    for (name, word, _) in words {
        text = text.replace(&format!("{part}.{name}"), word);
    }
    sentence(&text)
}

/// The form input the API's reason names, `""` if none.
fn named_input(reason: &str, words: &PartWords, part: &str) -> &'static str {
    let named = words.iter().find(|(name, _, _)| reason.contains(&format!("{part}.{name}")));
    named.map_or("", |(_, _, input)| *input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::alerts::catalog::family_of;
    use crate::http::routes::console::alert_config_body::body;

    fn posted(pairs: &[(&str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn each_refusal_is_placed_on_its_part_and_field_in_words() {
        let family = family_of("OUTSIDE_METRIC_THRESHOLD").unwrap();
        let fields = posted(&[
            ("m0.field", "HOSTNAME_AND_PORT"),
            ("m0.operator", "REGEX"),
            ("m0.value", "("),
            ("metric.name", "CONNECTIONS"),
            ("metric.threshold", "many"),
            ("n0.type", "WEBHOOK"),
            ("n0.webhookUrl", "ftp://example.com/x"),
            ("n1.type", "EMAIL"),
            ("n1.emailAddress", "ops@example.com"),
            ("n1.interval", "1"),
        ]);
        let mut form = ConfigForm::new("OUTSIDE_METRIC_THRESHOLD", family, &fields, None, &[]);
        let body = body("OUTSIDE_METRIC_THRESHOLD", family, &fields, None);
        assert!(form.check(family, &body, &fields, None).is_none());
        assert!(form.matchers[0].error.as_ref().unwrap().contains("regular expression"));
        assert_eq!(form.metric.as_ref().unwrap().error.as_deref(), Some("Threshold must be a number."));
        assert_eq!(form.metric.as_ref().unwrap().invalid, "threshold");
        assert_eq!(form.matchers[0].invalid, "value");
        let url = form.notifications[0].fields.iter().find(|f| f.name == "n0.webhookUrl").unwrap();
        assert_eq!(url.error.as_deref(), Some("Webhook URL must be an absolute http or https URL."));
        assert!(form.notifications[1].error.as_ref().unwrap().starts_with("Interval must be"));
        assert!(form.error.is_some());
    }

    #[test]
    fn a_metric_kind_offers_its_metrics_and_their_units_and_a_plain_kind_none() {
        let family = family_of("OUTSIDE_METRIC_THRESHOLD").unwrap();
        let form = ConfigForm::new("OUTSIDE_METRIC_THRESHOLD", family, &Fields::default(), None, &[]);
        let metric = form.metric.unwrap();
        assert!(metric.metrics.iter().any(|m| m.value == "CONNECTIONS" && m.words == "Connections"));
        assert!(metric.units.iter().any(|u| u.value == "MILLISECONDS"));
        let host_down =
            ConfigForm::new("HOST_DOWN", family_of("HOST_DOWN").unwrap(), &Fields::default(), None, &[]);
        assert!(host_down.metric.is_none() && host_down.threshold.is_none());
        assert_eq!(host_down.event_words, "Host down");
    }
}
