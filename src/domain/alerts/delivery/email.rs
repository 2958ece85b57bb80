//! EMAIL: a message to the notification's `emailAddress`, with a subject naming the status,
//! the event type and the target, and two parts people read: plain text and HTML (the same
//! facts: what happened, the metric against its threshold, the project, when, a link).
//! Sent by the SMTP transport of `crate::delivery::mail`, not over HTTP.

use serde::{Deserialize, Serialize};

use super::message::{measured, truncated};
use super::{Answer, Delivery, Message, Settings, required};

/// The destination every email shares: the one SMTP server.
pub const SMTP_DESTINATION: &str = "smtp";

/// Longest subject line, in characters (RFC 5322 asks for lines under 998 octets).
const MAX_SUBJECT: usize = 200;

/// One email, ready to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

/// The email delivery of `message` to the notification's `emailAddress`.
pub fn prepare(message: &Message, settings: &Settings) -> Result<Delivery, String> {
    let to = required(settings, "emailAddress", "EMAIL")?;
    let facts = facts(message);
    let summary = message.summary();
    let link = message.link();
    let mut text = format!("{}\n\n{summary}\n\n", message.title());
    let width = facts.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    for (name, value) in &facts {
        text.push_str(&format!("{name:width$}  {value}\n"));
    }
    text.push_str(&format!("\nOpen the alert: {link}\n"));
    let rows: String = facts
        .iter()
        .map(|(name, value)| {
            format!(
                "<tr><th align=\"left\" style=\"padding:2px 12px 2px 0\">{}</th><td>{}</td></tr>\n",
                escape(name),
                escape(value)
            )
        })
        .collect();
    let html = format!(
        "<!DOCTYPE html>\n<html><body style=\"font-family:sans-serif\">\n<h2>{}</h2>\n<p>{}</p>\n\
         <table>\n{rows}</table>\n<p><a href=\"{}\">Open the alert</a></p>\n</body></html>\n",
        escape(&message.title()),
        escape(&summary),
        escape(&link),
    );
    Ok(Delivery {
        url: format!("mailto:{to}"),
        vendor: None,
        headers: Vec::new(),
        body: String::new(),
        answer: Answer::Status,
        secret: None,
        event: String::new(),
        note: None,
        email: Some(Email {
            to: to.to_owned(),
            subject: truncated(&message.title(), MAX_SUBJECT),
            text,
            html,
        }),
    })
}

/// What the email tells, in order: (name, value).
fn facts(message: &Message) -> Vec<(&'static str, String)> {
    let alert = message.alert;
    let observation = &alert.observation;
    let mut facts = vec![
        ("Status", message.status_word().to_owned()),
        ("Event", observation.event_type_name.clone()),
        ("Severity", message.severity.as_str().to_owned()),
    ];
    let targets = [
        ("Host", &observation.hostname_and_port),
        ("Replica set", &observation.replica_set_name),
        ("Cluster", &observation.cluster_name),
    ];
    for (name, value) in targets {
        if let Some(value) = value {
            facts.push((name, value.clone()));
        }
    }
    if let Some(metric) = measured(observation, message.limit) {
        facts.push(("Metric", metric));
    }
    facts.push(("Project", alert.group.to_string()));
    facts.push(("When", message.when()));
    if let Some(ack) = &alert.acknowledgement {
        facts.push(("Acknowledged by", ack.username.clone()));
    }
    facts.push(("Alert", alert.id.to_string()));
    facts
}

/// `text` safe inside HTML elements and quoted attributes.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_special_characters_are_escaped() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
