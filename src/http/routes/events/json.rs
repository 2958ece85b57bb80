//! The wire shape of an event, as Atlas's `EventViewForNdsGroup`, keys in alphabetical order.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::domain::event::Event;
use crate::http::extract::SelfLink;
use crate::http::mount::Mount;

/// `2026-08-10T03:07:01Z`, as Atlas writes dates.
pub fn iso_date(ms: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    at.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
        .expect("dates within range always format")
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_8601_in_utc_to_the_second() {
        assert_eq!(iso_date(1_786_417_621_123), "2026-08-11T03:07:01Z");
    }
}
