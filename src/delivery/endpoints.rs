//! Where each service's API is reached: its published host for the integration's region,
//! unless the operator sends it elsewhere (`--endpoint pagerduty=URL`, for a proxy, a
//! regional gateway or a test receiver). The address guard applies either way.

use std::collections::BTreeMap;

use crate::domain::alerts::delivery::{Vendor, VendorOrigin};

/// The services' origins as the operator overrides them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoints {
    overrides: BTreeMap<Vendor, String>,
}

impl Endpoints {
    /// From `--endpoint` values (`name=URL`), each checked.
    pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<Endpoints, String> {
        let mut overrides = BTreeMap::new();
        for value in values {
            let value = value.as_ref().trim();
            let (name, origin) = value.split_once('=').ok_or_else(|| {
                format!("--endpoint {value}: expected NAME=URL, as in pagerduty=https://proxy.example.net")
            })?;
            let vendor = Vendor::parse(name.trim()).ok_or_else(|| {
                let names: Vec<_> = Vendor::ALL.iter().map(|vendor| vendor.name()).collect();
                format!("--endpoint {value}: {name} is not one of {}", names.join(", "))
            })?;
            let parsed = url::Url::parse(origin.trim())
                .ok()
                .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
                .filter(|url| url.query().is_none() && url.fragment().is_none())
                .ok_or_else(|| {
                    format!(
                        "--endpoint {value}: {origin} is not an absolute http or https URL without a query"
                    )
                })?;
            overrides.insert(vendor, parsed.as_str().trim_end_matches('/').to_owned());
        }
        Ok(Endpoints { overrides })
    }

    /// The origin for `vendor` in `region`.
    pub fn origin(&self, vendor: Vendor, region: &str) -> &str {
        self.overrides.get(&vendor).map_or_else(|| vendor.origin(region), String::as_str)
    }

    /// The full URL of `path` at `target`'s origin.
    pub fn url(&self, target: &VendorOrigin, path: &str) -> String {
        format!("{}{path}", self.origin(target.vendor, &target.region))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_replaces_every_region_of_its_service_only() {
        let endpoints =
            Endpoints::parse(&["pagerduty=http://127.0.0.1:9000/pd/", "SLACK=https://proxy.example.net"])
                .unwrap();
        assert_eq!(endpoints.origin(Vendor::PagerDuty, "EU"), "http://127.0.0.1:9000/pd");
        assert_eq!(endpoints.origin(Vendor::Slack, ""), "https://proxy.example.net");
        assert_eq!(endpoints.origin(Vendor::Datadog, "EU"), "https://api.datadoghq.eu");
        let target = VendorOrigin { vendor: Vendor::PagerDuty, region: "US".into() };
        assert_eq!(endpoints.url(&target, "/v2/enqueue"), "http://127.0.0.1:9000/pd/v2/enqueue");
    }

    #[test]
    fn a_bad_override_says_what_is_wrong() {
        for (bad, says) in [
            ("pagerduty", "NAME=URL"),
            ("teams=https://x.example", "not one of pagerduty, slack, datadog, opsgenie, victorops"),
            ("slack=ftp://x.example", "not an absolute http or https URL"),
            ("slack=https://x.example/?a=1", "without a query"),
        ] {
            let error = Endpoints::parse(&[bad]).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }
}
