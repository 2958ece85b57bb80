//! Observations reported by a monitoring system in batches: each says a condition holds
//! (an observation raised as `POST …/alerts` raises it) or has ended (the open alerts it
//! raised close). Where a batch comes from is not the domain's business; what each report
//! changed is what the caller answers with.

use super::alert::Alert;
use super::observation::Observation;

/// One observation and whether its condition still holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// What was seen.
    pub observation: Observation,
    /// Whether the condition has ended (resolved) rather than holds (firing).
    pub ended: bool,
}

/// What a report did to one alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// A configuration caught it and opened an alert.
    Opened,
    /// The open alert of that configuration and target was observed again.
    Updated,
    /// The open alert of that configuration and target closed.
    Closed,
}

impl Change {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Opened => "OPENED",
            Change::Updated => "UPDATED",
            Change::Closed => "CLOSED",
        }
    }
}

/// The alerts one report changed, and how (empty: nothing matched).
pub type Changes = Vec<(Alert, Change)>;
