//! What an alert configuration of a given event type may hold: the kind of configuration the
//! spec has for it (its matcher fields, whether it takes a metric threshold or a plain
//! threshold, and which metrics with which units). The kinds themselves are in
//! [`super::families`]; [`super::catalog`] finds one.

/// One kind of alert configuration (a member of the spec's `GroupAlertsConfig`).
#[derive(Debug)]
pub struct Family {
    /// The spec's schema name.
    pub schema: &'static str,
    /// Its event types.
    pub event_types: &'static [&'static str],
    /// The matcher field names it allows; empty: any.
    pub matcher_fields: &'static [&'static str],
    /// Whether it takes `metricThreshold`.
    pub metric_threshold: bool,
    /// The metrics its `metricThreshold.metricName` may name, with their units; empty: any.
    pub metrics: &'static [(&'static str, Units)],
    /// Whether it takes `threshold`.
    pub threshold: bool,
}

/// The units a metric is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    /// A plain number (`RAW`).
    Raw,
    /// A duration.
    Time,
    /// An amount of data.
    Data,
    /// A count.
    Number,
    /// Serverless read and write units.
    Serverless,
}

impl Units {
    /// The unit names a threshold in these units may give.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Units::Raw => &["RAW"],
            Units::Time => {
                &["NANOSECONDS", "MILLISECONDS", "MILLION_MINUTES", "SECONDS", "MINUTES", "HOURS", "DAYS"]
            }
            Units::Data => &[
                "BITS",
                "KILOBITS",
                "MEGABITS",
                "GIGABITS",
                "BYTES",
                "KILOBYTES",
                "MEGABYTES",
                "GIGABYTES",
                "TERABYTES",
                "PETABYTES",
            ],
            Units::Number => &["COUNT", "THOUSAND", "MILLION", "BILLION"],
            Units::Serverless => {
                &["RPU", "THOUSAND_RPU", "MILLION_RPU", "WPU", "THOUSAND_WPU", "MILLION_WPU"]
            }
        }
    }
}
