//! SLACK: the Web API's `chat.postMessage` with the integration's token as a Bearer
//! credential, to its channel: a line for notifications and a message a person can act on
//! (what, where, when, the alert's link). Slack answers 200 with `"ok": false` when it
//! refuses, so the answer is read by [`Answer::SlackOk`].

use serde_json::json;

use super::message::truncated;
use super::{Answer, Delivery, Message, Settings, Vendor, event, required};

/// The `chat.postMessage` delivery of `message`.
pub fn prepare(message: &Message, settings: &Settings) -> Result<Delivery, String> {
    let token = required(settings, "apiToken", "SLACK")?;
    let channel = required(settings, "channelName", "SLACK")?;
    let alert = message.alert;
    let observation = &alert.observation;
    let line = format!("{} {}", icon(message.event), escape(&message.title()));
    let mut facts = vec![
        field("Status", message.status_word()),
        field("Event", &observation.event_type_name),
        field("Severity", message.severity.as_str()),
        field("Project", &alert.group.to_string()),
        field("When", &message.when()),
    ];
    if let Some(target) = message.target() {
        facts.push(field("Where", target));
    }
    if let Some(ack) = alert.acknowledgement.as_ref().filter(|_| message.event == event::ACKNOWLEDGE) {
        facts.push(field("Acknowledged by", &ack.username));
    }
    let body = json!({
        "channel": channel,
        "text": truncated(&format!("{line}: {}", escape(&message.summary())), 3_000),
        "unfurl_links": false,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": truncated(&format!("*{line}*\n{}", escape(&message.summary())), 3_000)}},
            {"type": "section", "fields": facts},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": format!("<{}|Open the alert> · alert {}", message.link(), alert.id)}]},
        ],
    });
    let auth = ("authorization".to_owned(), format!("Bearer {token}"));
    let mut delivery =
        Delivery::to_vendor(Vendor::Slack, "", "/api/chat.postMessage".into(), vec![auth], body.to_string());
    // Slack warns when a JSON body's content type names no charset.
    delivery.set_header("content-type", "application/json; charset=utf-8");
    delivery.answer = Answer::SlackOk;
    Ok(delivery)
}

fn icon(event_name: &str) -> &'static str {
    match event_name {
        event::CLOSE => ":large_green_circle:",
        event::ACKNOWLEDGE => ":eyes:",
        event::INFORM => ":information_source:",
        _ => ":red_circle:",
    }
}

fn field(name: &str, value: &str) -> serde_json::Value {
    json!({"type": "mrkdwn", "text": truncated(&format!("*{name}*\n{}", escape(value)), 2_000)})
}

/// Text as Slack's markup needs it: `&`, `<` and `>` escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Whether Slack's `error` code is worth trying again (its own trouble, not the request's).
pub fn is_transient_slack_error(code: &str) -> bool {
    matches!(
        code,
        "internal_error" | "fatal_error" | "service_unavailable" | "request_timeout" | "ratelimited"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(escape("a<b> & c"), "a&lt;b&gt; &amp; c");
    }

    #[test]
    fn only_slacks_own_trouble_is_retried() {
        assert!(is_transient_slack_error("internal_error"));
        for permanent in ["invalid_auth", "channel_not_found", "not_in_channel", "token_revoked"] {
            assert!(!is_transient_slack_error(permanent), "{permanent}");
        }
    }
}
