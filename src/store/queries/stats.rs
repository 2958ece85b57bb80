//! A project's alerting health, counted where the rows are (the latency buckets match
//! [`LATENCY_BOUNDS_MS`]).

use std::collections::BTreeMap;

use crate::domain::alerts::stats::{AlertingStats, LATENCY_BOUNDS_MS, Latency};
use crate::domain::ids::GroupId;
use crate::store::error::StoreError;
use crate::store::sql::{Sql, text};

const OPEN: &str = "SELECT observation FROM alerts WHERE project_id = $1 AND status = 'OPEN'";
const BY_TYPE_AND_STATUS: &str =
    "SELECT type_name, status, COUNT(*) FROM notifications WHERE project_id = $1 GROUP BY type_name, status";
const LATENCY: &str = "SELECT COUNT(*), CAST(COALESCE(SUM(delivered_ms - due_ms), 0) AS BIGINT), \
     SUM(CASE WHEN delivered_ms - due_ms <= 100 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN delivered_ms - due_ms <= 250 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN delivered_ms - due_ms <= 500 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN delivered_ms - due_ms <= 1000 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN delivered_ms - due_ms <= 2500 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN delivered_ms - due_ms <= 5000 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN delivered_ms - due_ms <= 10000 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN delivered_ms - due_ms <= 30000 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN delivered_ms - due_ms <= 60000 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN delivered_ms - due_ms <= 300000 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN delivered_ms - due_ms <= 900000 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN delivered_ms - due_ms <= 3600000 THEN 1 ELSE 0 END) \
     FROM notifications WHERE project_id = $1 AND status = 'DELIVERED'";

const LAST_OUTCOMES: &str = "SELECT type_name, status, MAX(last_attempt_ms) FROM notifications \
     WHERE project_id = $1 AND status IN ('DELIVERED', 'FAILED') AND last_attempt_ms IS NOT NULL \
     GROUP BY type_name, status";

/// The last finished notification of each type in `group`: its status (`DELIVERED` or
/// `FAILED`) and when it was last attempted.
pub async fn last_outcomes(
    db: &mut dyn Sql,
    group: GroupId,
) -> Result<BTreeMap<String, (String, i64)>, StoreError> {
    let mut last: BTreeMap<String, (String, i64)> = BTreeMap::new();
    for mut row in db.fetch(LAST_OUTCOMES, &[text(&group.to_string())]).await? {
        let (type_name, status, at) = (row.text(0)?, row.text(1)?, row.int(2)?);
        if last.get(&type_name).is_none_or(|(_, seen)| *seen < at) {
            last.insert(type_name, (status, at));
        }
    }
    Ok(last)
}

/// The alerting health of `group`.
pub async fn alerting_stats(db: &mut dyn Sql, group: GroupId) -> Result<AlertingStats, StoreError> {
    let group = group.to_string();
    let mut stats = AlertingStats::default();
    for mut row in db.fetch(OPEN, &[text(&group)]).await? {
        let observation: serde_json::Value = serde_json::from_str(&row.text(0)?)
            .map_err(|e| StoreError::Corrupt(format!("an alert's observation: {e}")))?;
        let event_type = observation["eventTypeName"].as_str().unwrap_or("UNKNOWN").to_owned();
        *stats.open_alerts.entry(event_type).or_default() += 1;
    }
    for mut row in db.fetch(BY_TYPE_AND_STATUS, &[text(&group)]).await? {
        stats.notifications.insert((row.text(0)?, row.text(1)?), row.int(2)?);
    }
    let mut row = db.fetch_one(LATENCY, &[text(&group)]).await?;
    let mut at_most = Vec::with_capacity(LATENCY_BOUNDS_MS.len());
    for column in 0..LATENCY_BOUNDS_MS.len() {
        at_most.push(row.optional_int(column + 2)?.unwrap_or(0));
    }
    stats.latency = Latency { count: row.int(0)?, sum_ms: row.int(1)?, at_most };
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_counts_every_bucket_bound() {
        for bound in LATENCY_BOUNDS_MS {
            assert!(LATENCY.contains(&format!("<= {bound} THEN")), "{bound}");
        }
        assert_eq!(LATENCY.matches("CASE WHEN").count(), LATENCY_BOUNDS_MS.len());
    }
}
