//! The wire shape of an event, as Atlas's `EventViewForNdsGroup`, keys in alphabetical order.

use serde_json::{Value, json};

use crate::domain::dates::iso_date;
use crate::domain::event::Event;
use crate::http::extract::SelfLink;
use crate::http::mount::Mount;

/// One event as the API shows it.
pub fn event_json(mount: Mount, at: &SelfLink, event: &Event) -> Value {
    let href = format!("{}{}/groups/{}/events/{}", at.origin, mount.prefix(), event.group, event.id);
    json!({
        "apiKeyId": event.api_key_id.to_string(),
        "created": iso_date(event.created_ms),
        "eventTypeName": event.event_type.as_str(),
        "groupId": event.group.to_string(),
        "id": event.id.to_string(),
        "integrationType": event.integration_type.as_str(),
        "isGlobalAdmin": false,
        "links": [{"href": href, "rel": "self"}],
        "orgId": event.org_id.to_string(),
        "publicKey": event.public_key,
        "remoteAddress": event.remote_address,
    })
}
