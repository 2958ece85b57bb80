//! The audit trail: who changed which integration of which project, when and from where.
//! Events never hold a setting, so never a secret.

use std::fmt;
use std::net::IpAddr;

use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::IntegrationType;

/// The kinds of event this service records, with Atlas's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    /// An integration was added or changed.
    IntegrationConfigured,
    /// An integration was removed.
    IntegrationRemoved,
}

impl EventType {
    /// Every kind.
    pub const ALL: [EventType; 2] = [EventType::IntegrationConfigured, EventType::IntegrationRemoved];

    /// Atlas's `eventTypeName`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::IntegrationConfigured => "INTEGRATION_CONFIGURED",
            EventType::IntegrationRemoved => "INTEGRATION_REMOVED",
        }
    }

    /// Parses an `eventTypeName`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who made a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The API key's id.
    pub api_key_id: ObjectId,
    /// The API key's public key.
    pub public_key: String,
    /// The client's address, as far as it can be trusted.
    pub remote_address: Option<IpAddr>,
}

/// One recorded change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The event's id.
    pub id: ObjectId,
    /// Milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// What happened.
    pub event_type: EventType,
    /// The project it happened in.
    pub group: GroupId,
    /// The project's organization.
    pub org_id: ObjectId,
    /// The integration type changed.
    pub integration_type: IntegrationType,
    /// Who did it (API key id).
    pub api_key_id: ObjectId,
    /// Who did it (public key).
    pub public_key: String,
    /// From where.
    pub remote_address: Option<String>,
}

/// Which events a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only these kinds (all when empty).
    pub types: Vec<EventType>,
    /// Only events at or after this time (ms since the epoch).
    pub min_ms: Option<i64>,
    /// Only events at or before this time (ms since the epoch).
    pub max_ms: Option<i64>,
}

impl EventFilter {
    /// Whether `event` passes the filter.
    pub fn admits(&self, event: &Event) -> bool {
        (self.types.is_empty() || self.types.contains(&event.event_type))
            && self.min_ms.is_none_or(|min| event.created_ms >= min)
            && self.max_ms.is_none_or(|max| event.created_ms <= max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventType, created_ms: i64) -> Event {
        Event {
            id: ObjectId::generate(),
            created_ms,
            event_type: kind,
            group: GroupId(ObjectId::generate()),
            org_id: ObjectId::generate(),
            integration_type: IntegrationType::Slack,
            api_key_id: ObjectId::generate(),
            public_key: "abcdefgh".into(),
            remote_address: None,
        }
    }

    #[test]
    fn filters_combine_type_and_time_bounds() {
        let filter =
            EventFilter { types: vec![EventType::IntegrationRemoved], min_ms: Some(10), max_ms: Some(20) };
        assert!(filter.admits(&event(EventType::IntegrationRemoved, 15)));
        assert!(!filter.admits(&event(EventType::IntegrationConfigured, 15)));
        assert!(!filter.admits(&event(EventType::IntegrationRemoved, 21)));
        assert!(EventFilter::default().admits(&event(EventType::IntegrationConfigured, 0)));
        assert_eq!(EventType::parse("INTEGRATION_REMOVED"), Some(EventType::IntegrationRemoved));
    }
}
