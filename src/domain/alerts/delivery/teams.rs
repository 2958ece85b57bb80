//! MICROSOFT_TEAMS: an Adaptive Card message POSTed to the channel's incoming-webhook URL (a
//! user-given URL, so under the same address guard as webhooks): a title, the summary, the
//! alert's facts, and a button to the alert.

use serde_json::json;

use super::message::truncated;
use super::{Delivery, Message, Settings, required};

/// The incoming-webhook delivery of `message`.
pub fn prepare(message: &Message, settings: &Settings) -> Result<Delivery, String> {
    let url = required(settings, "microsoftTeamsWebhookUrl", "MICROSOFT_TEAMS")?;
    let alert = message.alert;
    let mut facts = vec![
        fact("Status", message.status_word()),
        fact("Event", &alert.observation.event_type_name),
        fact("Severity", message.severity.as_str()),
        fact("Project", &alert.group.to_string()),
        fact("When", &message.when()),
    ];
    if let Some(target) = message.target() {
        facts.push(fact("Where", target));
    }
    if let Some(ack) = &alert.acknowledgement {
        facts.push(fact("Acknowledged by", &ack.username));
    }
    facts.push(fact("Alert", &alert.id.to_string()));
    let color = match message.status_word() {
        "CLOSED" => "Good",
        "OPEN" | "STILL OPEN" => "Attention",
        _ => "Accent",
    };
    let card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": truncated(&message.title(), 200), "weight": "Bolder", "size": "Medium", "color": color, "wrap": true},
            {"type": "TextBlock", "text": truncated(&message.summary(), 2_000), "wrap": true},
            {"type": "FactSet", "facts": facts},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open the alert", "url": message.link()}],
    });
    let body = json!({
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": card}],
    });
    Ok(Delivery::to_url(url.to_owned(), body.to_string()))
}

fn fact(title: &str, value: &str) -> serde_json::Value {
    json!({"title": title, "value": truncated(value, 500)})
}
