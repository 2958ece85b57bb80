//! Finds the kind of alert configuration ([`Family`]) an event type takes among those the spec
//! names ([`FAMILIES`]), and the matcher fields they allow.

use super::families::FAMILIES;
use super::family::Family;

/// The kind of configuration for `event_type`: the specific one where the spec has one, the
/// catch-all otherwise; `None` for an event type the spec does not name.
pub fn family_of(event_type: &str) -> Option<&'static Family> {
    let mut named = FAMILIES.iter().filter(|family| family.event_types.contains(&event_type));
    let first = named.next()?;
    Some(named.next().filter(|_| first.schema == CATCH_ALL).unwrap_or(first))
}

const CATCH_ALL: &str = "DefaultAlertConfigViewForNdsGroup";

/// Every matcher field name the spec names, in its order, each once (the answer of
/// `GET /alertConfigs/matchers/fieldNames`).
pub fn all_matcher_fields() -> Vec<&'static str> {
    let mut fields: Vec<&'static str> = Vec::new();
    for field in FAMILIES.iter().flat_map(|family| family.matcher_fields) {
        if !fields.contains(field) {
            fields.push(field);
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::alerts::family::Units;

    #[test]
    fn an_event_type_finds_its_specific_kind_before_the_catch_all() {
        assert_eq!(
            family_of("OUTSIDE_METRIC_THRESHOLD").unwrap().schema,
            "HostMetricAlertConfigViewForNdsGroup"
        );
        assert_eq!(family_of("HOST_DOWN").unwrap().schema, "HostAlertConfigViewForNdsGroup");
        assert_eq!(family_of("JOINED_GROUP").unwrap().schema, CATCH_ALL);
        assert!(family_of("NOT_AN_EVENT").is_none());
    }

    #[test]
    fn host_metrics_carry_their_units() {
        let host = family_of("OUTSIDE_METRIC_THRESHOLD").unwrap();
        assert!(host.metric_threshold);
        assert_eq!(host.metrics.iter().find(|(name, _)| *name == "CONNECTIONS").unwrap().1, Units::Raw);
        assert_eq!(
            host.metrics.iter().find(|(name, _)| *name == "AVG_READ_EXECUTION_TIME").unwrap().1,
            Units::Time
        );
    }

    #[test]
    fn the_matcher_field_names_are_listed_once_each() {
        let fields = all_matcher_fields();
        assert!(fields.contains(&"HOSTNAME_AND_PORT") && fields.contains(&"CLUSTER_NAME"));
        let unique: std::collections::HashSet<_> = fields.iter().collect();
        assert_eq!(unique.len(), fields.len());
    }
}
