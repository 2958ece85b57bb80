//! Counts of answers by status, gathered from an example's workers.

use std::collections::BTreeMap;

use tokio::task::JoinHandle;

/// Answers by status (`"200"`, `"401"`, `"transport-error"`, …).
pub type Statuses = BTreeMap<String, u64>;

/// Every worker's counts added up, and how many answers that makes.
pub async fn gather(workers: Vec<JoinHandle<Statuses>>) -> (Statuses, u64) {
    let mut statuses = Statuses::new();
    for worker in workers {
        for (status, count) in worker.await.expect("a worker ends") {
            *statuses.entry(status).or_default() += count;
        }
    }
    let total = statuses.values().sum();
    (statuses, total)
}
