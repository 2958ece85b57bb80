//! What every destination's format is made from: the alert as it is, the event told, its
//! severity, and a link to it; with the words people read (a summary, what and where).

use serde_json::Value;

use super::event;
use crate::domain::alerts::alert::Alert;
use crate::domain::alerts::observation::Observation;
use crate::domain::alerts::threshold::{Limit, number};
use crate::domain::dates::iso_date;

/// An alert's severity: its configuration's `severityOverride`, else `WARNING`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// `INFO`.
    Info,
    /// `WARNING`.
    Warning,
    /// `ERROR`.
    Error,
    /// `CRITICAL`.
    Critical,
}

impl Severity {
    /// From a configuration's `severityOverride` (`WARNING` when it has none).
    pub fn from_override(name: Option<&str>) -> Severity {
        match name {
            Some("INFO") => Severity::Info,
            Some("ERROR") => Severity::Error,
            Some("CRITICAL") => Severity::Critical,
            _ => Severity::Warning,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
            Severity::Critical => "CRITICAL",
        }
    }
}

/// One event of one alert, to be told.
pub struct Message<'a> {
    /// The alert, as it is now.
    pub alert: &'a Alert,
    /// The event (`alert.open`, …).
    pub event: &'a str,
    /// Its severity.
    pub severity: Severity,
    /// Where the API's alert links point (the mount's prefix).
    pub base: &'a str,
    /// The configuration's threshold, if it has one (what a metric's value is told against).
    pub limit: Option<&'a Limit>,
}

impl Message<'_> {
    /// Where people go from a notification: the alert's page in the console, under the origin
    /// of the API links (`base` less its mount's prefix).
    pub fn link(&self) -> String {
        format!("{}/projects/{}/alerts/{}", origin_of(self.base), self.alert.group, self.alert.id)
    }

    /// The webhook body: the alert as the Alerts resource shows it, with `humanReadable`.
    pub fn alert_json(&self) -> Value {
        super::webhook::webhook_json(self.alert, self.base)
    }

    /// The sentence for people: the observation's own, or one made of the event and target.
    pub fn summary(&self) -> String {
        let observation = &self.alert.observation;
        observation.human_readable.clone().unwrap_or_else(|| match self.target() {
            Some(target) => format!("{} on {target}", observation.event_type_name),
            None => format!("{} in project {}", observation.event_type_name, self.alert.group),
        })
    }

    /// The host, replica set or cluster concerned, if the observation names one.
    pub fn target(&self) -> Option<&str> {
        let observation = &self.alert.observation;
        observation
            .hostname_and_port
            .as_deref()
            .or(observation.replica_set_name.as_deref())
            .or(observation.cluster_name.as_deref())
    }

    /// What happened, in a word: `OPEN`, `STILL OPEN`, `ACKNOWLEDGED`, `CLOSED`, `TEST`.
    pub fn status_word(&self) -> &'static str {
        match self.event {
            event::UPDATE => "STILL OPEN",
            event::ACKNOWLEDGE => "ACKNOWLEDGED",
            event::CLOSE => "CLOSED",
            event::INFORM => "TEST",
            _ => "OPEN",
        }
    }

    /// The moment this event tells of (ms since the epoch).
    fn moment_ms(&self) -> i64 {
        let alert = self.alert;
        match self.event {
            event::CLOSE => alert.resolved_ms.unwrap_or(alert.updated_ms),
            event::OPEN => alert.created_ms,
            _ => alert.updated_ms,
        }
    }

    /// The moment this event tells of, ISO 8601.
    pub fn when(&self) -> String {
        iso_date(self.moment_ms())
    }

    /// The same moment in seconds since the epoch.
    pub fn when_secs(&self) -> i64 {
        self.moment_ms() / 1_000
    }

    /// The title line: `[OPEN] HOST_DOWN: db-0.example.net:27017`.
    pub fn title(&self) -> String {
        let what = &self.alert.observation.event_type_name;
        match self.target() {
            Some(target) => format!("[{}] {what}: {target}", self.status_word()),
            None => format!("[{}] {what}", self.status_word()),
        }
    }

    /// Tags naming the project, organization, event type, cluster and host (`key:value`).
    pub fn tags(&self) -> Vec<String> {
        let alert = self.alert;
        let observation = &alert.observation;
        let mut tags = vec![
            format!("project:{}", alert.group),
            format!("org:{}", alert.org_id),
            format!("event_type:{}", observation.event_type_name),
            format!("severity:{}", self.severity.as_str().to_lowercase()),
        ];
        if let Some(cluster) = &observation.cluster_name {
            tags.push(format!("cluster:{cluster}"));
        }
        if let Some(host) = &observation.hostname_and_port {
            tags.push(format!("host:{host}"));
        }
        tags
    }
}

/// A metric's value against the configuration's threshold, as people read it:
/// `CONNECTIONS 250 RAW (threshold: above 100 RAW)`; the value alone where there is no
/// threshold; `None` where nothing was measured.
pub fn measured(observation: &Observation, limit: Option<&Limit>) -> Option<String> {
    let value = observation.current_value.as_ref()?;
    let mut text = String::new();
    if let Some(metric) = &observation.metric_name {
        text.push_str(metric);
        text.push(' ');
    }
    text.push_str(&with_units(value.number, value.units.as_deref()));
    if let Some(limit) = limit {
        let side = limit.operator.words();
        text.push_str(&format!(
            " (threshold: {side} {})",
            with_units(limit.threshold, limit.units.as_deref())
        ));
    }
    Some(text)
}

/// `80 RAW`, `0.5`: a number as JSON writes it, with its units.
fn with_units(value: f64, units: Option<&str>) -> String {
    let number = number(value);
    match units {
        Some(units) => format!("{number} {units}"),
        None => number.to_string(),
    }
}

/// The prefixes the API is mounted under, longest first (`crate::http::mount::Mount` checks
/// that it names each of its own here).
pub const API_PREFIXES: [&str; 3] = ["/api/public/v1.0", "/api/atlas/v1.0", "/api/atlas/v2"];

/// `base` (an origin and a mount's prefix) without the prefix.
pub fn origin_of(base: &str) -> &str {
    API_PREFIXES.iter().find_map(|prefix| base.strip_suffix(prefix)).unwrap_or(base)
}

/// `text` cut to at most `max` characters, ending in `…` when cut.
pub fn truncated(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some(_) => {
            let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
            cut.push('…');
            cut
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_the_limit_with_an_ellipsis() {
        assert_eq!(truncated("abcdef", 6), "abcdef");
        assert_eq!(truncated("abcdefg", 6), "abcde…");
        assert_eq!(truncated("ééééééé", 3).chars().count(), 3);
    }

    #[test]
    fn values_read_as_numbers_with_their_units() {
        assert_eq!(with_units(80.0, Some("RAW")), "80 RAW");
        assert_eq!(with_units(0.5, None), "0.5");
    }

    #[test]
    fn the_origin_is_the_base_without_its_mounts_prefix() {
        assert_eq!(origin_of("https://atlas.example.com/api/atlas/v2"), "https://atlas.example.com");
        assert_eq!(origin_of("http://10.0.0.5:8080/api/public/v1.0"), "http://10.0.0.5:8080");
        assert_eq!(origin_of("https://example.com/proxy/api/atlas/v1.0"), "https://example.com/proxy");
    }

    #[test]
    fn severity_is_the_override_or_warning() {
        assert_eq!(Severity::from_override(Some("CRITICAL")), Severity::Critical);
        assert_eq!(Severity::from_override(None), Severity::Warning);
    }
}
