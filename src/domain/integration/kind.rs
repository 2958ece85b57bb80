//! The integration types, in Atlas's enum order (which is also the order of every list).

use std::fmt;

use super::spec::TypeSpec;
use super::{
    datadog, flowdock, microsoft_teams, new_relic, ops_genie, pager_duty, prometheus, slack, victor_ops,
    webhook,
};

/// One third-party service type; a project has at most one integration of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntegrationType {
    /// PagerDuty.
    PagerDuty,
    /// Slack (legacy token integrations).
    Slack,
    /// Datadog.
    Datadog,
    /// New Relic (end of life at New Relic, still accepted).
    NewRelic,
    /// OpsGenie.
    OpsGenie,
    /// VictorOps / Splunk On-Call.
    VictorOps,
    /// Flowdock (legacy v1.0).
    Flowdock,
    /// Generic webhook.
    Webhook,
    /// HipChat: in the enum, but no settings can be stored.
    HipChat,
    /// Prometheus.
    Prometheus,
    /// Microsoft Teams.
    MicrosoftTeams,
}

impl IntegrationType {
    /// Every type, in list order.
    pub const ALL: [IntegrationType; 11] = [
        IntegrationType::PagerDuty,
        IntegrationType::Slack,
        IntegrationType::Datadog,
        IntegrationType::NewRelic,
        IntegrationType::OpsGenie,
        IntegrationType::VictorOps,
        IntegrationType::Flowdock,
        IntegrationType::Webhook,
        IntegrationType::HipChat,
        IntegrationType::Prometheus,
        IntegrationType::MicrosoftTeams,
    ];

    /// The wire name (`PAGER_DUTY`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            IntegrationType::PagerDuty => "PAGER_DUTY",
            IntegrationType::Slack => "SLACK",
            IntegrationType::Datadog => "DATADOG",
            IntegrationType::NewRelic => "NEW_RELIC",
            IntegrationType::OpsGenie => "OPS_GENIE",
            IntegrationType::VictorOps => "VICTOR_OPS",
            IntegrationType::Flowdock => "FLOWDOCK",
            IntegrationType::Webhook => "WEBHOOK",
            IntegrationType::HipChat => "HIP_CHAT",
            IntegrationType::Prometheus => "PROMETHEUS",
            IntegrationType::MicrosoftTeams => "MICROSOFT_TEAMS",
        }
    }

    /// Parses a wire name exactly (upper case, as every Atlas client sends it).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The fields of this type, or `None` for HIP_CHAT, which has none.
    pub fn spec(self) -> Option<&'static TypeSpec> {
        Some(match self {
            IntegrationType::PagerDuty => &pager_duty::SPEC,
            IntegrationType::Slack => &slack::SPEC,
            IntegrationType::Datadog => &datadog::SPEC,
            IntegrationType::NewRelic => &new_relic::SPEC,
            IntegrationType::OpsGenie => &ops_genie::SPEC,
            IntegrationType::VictorOps => &victor_ops::SPEC,
            IntegrationType::Flowdock => &flowdock::SPEC,
            IntegrationType::Webhook => &webhook::SPEC,
            IntegrationType::HipChat => return None,
            IntegrationType::Prometheus => &prometheus::SPEC,
            IntegrationType::MicrosoftTeams => &microsoft_teams::SPEC,
        })
    }
}

impl fmt::Display for IntegrationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_lower_case_is_refused() {
        for kind in IntegrationType::ALL {
            assert_eq!(IntegrationType::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(IntegrationType::parse("datadog"), None);
        assert_eq!(IntegrationType::parse("FOO"), None);
    }

    #[test]
    fn the_enum_order_is_atlas_list_order() {
        let mut sorted = IntegrationType::ALL;
        sorted.sort();
        assert_eq!(sorted, IntegrationType::ALL);
        assert_eq!(IntegrationType::ALL[0], IntegrationType::PagerDuty);
        assert_eq!(IntegrationType::ALL[10], IntegrationType::MicrosoftTeams);
    }

    #[test]
    fn every_type_but_hip_chat_has_fields() {
        for kind in IntegrationType::ALL {
            assert_eq!(kind.spec().is_some(), kind != IntegrationType::HipChat, "{kind}");
            if let Some(spec) = kind.spec() {
                assert_eq!(spec.kind, kind);
            }
        }
    }
}
