//! A project's alerting health as its own Prometheus sees it: open alerts by event type,
//! notifications by type and status, and how long delivered notifications took from falling
//! due to being accepted.

use std::collections::BTreeMap;

/// The upper bounds of the delivery-latency buckets, in milliseconds (the same in the query
/// that counts them).
pub const LATENCY_BOUNDS_MS: [i64; 12] =
    [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000];

/// Delivered notifications' latency, as a cumulative histogram.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Latency {
    /// For each of [`LATENCY_BOUNDS_MS`], how many took at most that long.
    pub at_most: Vec<i64>,
    /// How many were delivered.
    pub count: i64,
    /// Their latencies added up, in milliseconds.
    pub sum_ms: i64,
}

/// One project's alerting health.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertingStats {
    /// Open alerts by event type.
    pub open_alerts: BTreeMap<String, i64>,
    /// Notifications by (type, status).
    pub notifications: BTreeMap<(String, String), i64>,
    /// Delivery latency.
    pub latency: Latency,
}
