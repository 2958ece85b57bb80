//! The services notifications are sent to by API, and each one's origin by region, as the
//! services publish them. The operator may send a service elsewhere (`--endpoint`).

use serde::{Deserialize, Serialize};

/// A service with an API of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Vendor {
    /// PagerDuty Events API v2.
    PagerDuty,
    /// Slack Web API.
    Slack,
    /// Datadog Events API.
    Datadog,
    /// Opsgenie Alert API v2.
    OpsGenie,
    /// Splunk On-Call (VictorOps) REST endpoint.
    VictorOps,
}

impl Vendor {
    /// Every service.
    pub const ALL: [Vendor; 5] =
        [Vendor::PagerDuty, Vendor::Slack, Vendor::Datadog, Vendor::OpsGenie, Vendor::VictorOps];

    /// The name `--endpoint` knows it by.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::PagerDuty => "pagerduty",
            Vendor::Slack => "slack",
            Vendor::Datadog => "datadog",
            Vendor::OpsGenie => "opsgenie",
            Vendor::VictorOps => "victorops",
        }
    }

    /// The service called `name`.
    pub fn parse(name: &str) -> Option<Vendor> {
        Vendor::ALL.into_iter().find(|vendor| vendor.name().eq_ignore_ascii_case(name))
    }

    /// The service's origin for an integration in `region` (`US` where unset or unknown).
    pub fn origin(self, region: &str) -> &'static str {
        match (self, region) {
            (Vendor::PagerDuty, "EU") => "https://events.eu.pagerduty.com",
            (Vendor::PagerDuty, _) => "https://events.pagerduty.com",
            (Vendor::Slack, _) => "https://slack.com",
            (Vendor::Datadog, "EU") => "https://api.datadoghq.eu",
            (Vendor::Datadog, "US3") => "https://api.us3.datadoghq.com",
            (Vendor::Datadog, "US5") => "https://api.us5.datadoghq.com",
            (Vendor::Datadog, "AP1") => "https://api.ap1.datadoghq.com",
            (Vendor::Datadog, "US1_FED") => "https://api.ddog-gov.com",
            (Vendor::Datadog, _) => "https://api.datadoghq.com",
            (Vendor::OpsGenie, "EU") => "https://api.eu.opsgenie.com",
            (Vendor::OpsGenie, _) => "https://api.opsgenie.com",
            (Vendor::VictorOps, _) => "https://alert.victorops.com",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_of_every_service_has_its_published_host() {
        let table = [
            (Vendor::PagerDuty, "US", "https://events.pagerduty.com"),
            (Vendor::PagerDuty, "EU", "https://events.eu.pagerduty.com"),
            (Vendor::Slack, "", "https://slack.com"),
            (Vendor::Datadog, "US", "https://api.datadoghq.com"),
            (Vendor::Datadog, "EU", "https://api.datadoghq.eu"),
            (Vendor::Datadog, "US3", "https://api.us3.datadoghq.com"),
            (Vendor::Datadog, "US5", "https://api.us5.datadoghq.com"),
            (Vendor::Datadog, "AP1", "https://api.ap1.datadoghq.com"),
            (Vendor::Datadog, "US1_FED", "https://api.ddog-gov.com"),
            (Vendor::OpsGenie, "US", "https://api.opsgenie.com"),
            (Vendor::OpsGenie, "EU", "https://api.eu.opsgenie.com"),
            (Vendor::VictorOps, "", "https://alert.victorops.com"),
        ];
        for (vendor, region, host) in table {
            assert_eq!(vendor.origin(region), host, "{vendor:?} {region}");
        }
        assert_eq!(Vendor::PagerDuty.origin(""), Vendor::PagerDuty.origin("US"), "unset is US");
    }

    #[test]
    fn services_are_named_as_the_endpoint_option_names_them() {
        for vendor in Vendor::ALL {
            assert_eq!(Vendor::parse(vendor.name()), Some(vendor));
        }
        assert_eq!(Vendor::parse("PagerDuty"), Some(Vendor::PagerDuty));
        assert_eq!(Vendor::parse("teams"), None);
    }
}
