//! A project's request limit held for the whole deployment when replicas share a PostgreSQL
//! database. Windows are aligned to the clock, so every replica agrees on them; each replica
//! takes budget for a scope from the database in slices of a percent of the limit and spends
//! it from memory, fetching the next slice in the background when it runs low. A request
//! waits on the database only when its replica holds nothing of the scope's budget: the first
//! request of a window, or one that outran the slice on its way.
//!
//! Bounds, per window and scope: the deployment never lets more than the limit through (every
//! request spends budget the database granted), and once the limit is reached at most two
//! slices per replica may have been granted and left unspent (what the replica held or had on
//! its way). While the database cannot be reached, a replica counts on its own against what it
//! last knew was left of the limit, and says so in its log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::counters::Verdict;
use crate::store::Store;

/// Scopes remembered before those of ended windows are forgotten.
const FORGET_AFTER: usize = 100_000;

/// What one replica holds of one scope's window.
#[derive(Debug, Default)]
struct Budget {
    /// The window's start, in seconds since the epoch.
    window: i64,
    /// Requests this replica may still let through; negative while on credit.
    local: i64,
    /// What the deployment had taken after this replica's last slice.
    taken: u32,
    /// The database has nothing more to give in this window.
    exhausted: bool,
    /// A slice is on its way.
    fetching: bool,
    /// The database failed: counting alone against the whole limit.
    alone: bool,
}

/// The deployment-wide request limit.
pub struct SharedRequestLimit {
    limit: u32,
    window_secs: i64,
    slice: u32,
    store: Arc<dyn Store>,
    budgets: Mutex<HashMap<String, Budget>>,
}

fn unix_now() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}

impl SharedRequestLimit {
    /// `limit` requests per `window` for each scope, counted in `store`.
    pub fn new(limit: u32, window: Duration, store: Arc<dyn Store>) -> Arc<Self> {
        Arc::new(SharedRequestLimit {
            limit,
            window_secs: window.as_secs().max(1) as i64,
            slice: (limit / 100).max(1),
            store,
            budgets: Mutex::default(),
        })
    }

    /// The limit per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Counts one request of `scope` now.
    pub async fn hit(self: &Arc<Self>, scope: &str) -> Verdict {
        let now = unix_now().as_secs() as i64;
        let window = now - now.rem_euclid(self.window_secs);
        if let Some(verdict) = self.spend(scope, window, now) {
            return verdict;
        }
        // Nothing held: take a slice now, then spend from it.
        self.clone().fetch(scope.to_owned(), window, true).await;
        self.spend(scope, window, now)
            .unwrap_or(Verdict::Limited { retry_after: self.retry_after(window, now) })
    }

    fn retry_after(&self, window: i64, now: i64) -> u64 {
        (window + self.window_secs - now).max(1) as u64
    }

    /// Spends one request of what this replica holds, starting the next slice's fetch when it
    /// runs low; `None` when it holds nothing and the database may have more.
    fn spend(self: &Arc<Self>, scope: &str, window: i64, now: i64) -> Option<Verdict> {
        let mut budgets = self.budgets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if budgets.len() > FORGET_AFTER {
            budgets.retain(|_, budget| budget.window == window);
        }
        let budget = budgets.entry(scope.to_owned()).or_default();
        if budget.window != window {
            *budget = Budget { window, ..Budget::default() };
        }
        if budget.local <= 0 {
            return budget.exhausted.then(|| Verdict::Limited { retry_after: self.retry_after(window, now) });
        }
        budget.local -= 1;
        let remaining = i64::from(self.limit) - i64::from(budget.taken) + budget.local;
        if budget.local <= i64::from(self.slice) / 2 && !budget.exhausted && !budget.fetching && !budget.alone
        {
            budget.fetching = true;
            let (me, scope) = (self.clone(), scope.to_owned());
            tokio::spawn(async move { me.fetch(scope, window, false).await });
        }
        Some(Verdict::Allowed { remaining: remaining.clamp(0, i64::from(self.limit)) as u32 })
    }

    /// Takes the next slice of `scope`'s window from the database (`now`: for a request
    /// waiting on it, rather than in the background).
    async fn fetch(self: Arc<Self>, scope: String, window: i64, now: bool) {
        let taken = self.store.take_rate_budget(&scope, window, self.slice, self.limit).await;
        let mut budgets = self.budgets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(budget) = budgets.get_mut(&scope).filter(|budget| budget.window == window) else {
            return;
        };
        if !now {
            budget.fetching = false;
        }
        match taken {
            Ok((granted, taken)) => {
                budget.local += i64::from(granted);
                budget.taken = budget.taken.max(taken);
                budget.exhausted = taken >= self.limit;
            }
            Err(error) => {
                if !budget.alone {
                    tracing::warn!(
                        %error, scope,
                        "the shared request count could not be read; this replica counts the window on its own"
                    );
                    budget.alone = true;
                    budget.local += i64::from(self.limit.saturating_sub(budget.taken));
                }
                budget.exhausted = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DatabaseConfig;

    async fn store(dir: &std::path::Path) -> Arc<dyn Store> {
        let config = DatabaseConfig {
            data_dir: dir.to_path_buf(),
            database_url: None,
            secret_key_file: None,
            previous_key_files: vec![],
            pool: Default::default(),
        };
        crate::database::open(&config).await.unwrap().store
    }

    fn allowed(verdicts: &[Verdict]) -> usize {
        verdicts.iter().filter(|verdict| matches!(verdict, Verdict::Allowed { .. })).count()
    }

    #[tokio::test]
    async fn two_replicas_on_one_count_let_the_limit_through_once_between_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path()).await;
        let window = Duration::from_secs(3600);
        let replicas = [
            SharedRequestLimit::new(200, window, store.clone()),
            SharedRequestLimit::new(200, window, store),
        ];
        let hour = || unix_now().as_secs() / 3600;
        // The windows are the clock's hours: a run that crosses one counts two windows, and is
        // measured again on a scope of its own.
        for scope in ["project-a", "project-b"] {
            let started = hour();
            let mut verdicts = Vec::new();
            for i in 0..400 {
                verdicts.push(replicas[i % 2].hit(scope).await);
                tokio::task::yield_now().await;
            }
            if hour() != started {
                continue;
            }
            let let_through = allowed(&verdicts);
            assert!(
                (192..=200).contains(&let_through),
                "at most the limit, less two slices a replica: {let_through}"
            );
            let Verdict::Limited { retry_after } = verdicts[399] else {
                panic!("the last request is refused")
            };
            assert!((1..=3600).contains(&retry_after), "{retry_after}");
            return;
        }
        panic!("two runs in a row crossed the hour");
    }

    #[tokio::test]
    async fn scopes_are_counted_apart_and_remaining_counts_down() {
        let dir = tempfile::tempdir().unwrap();
        let limit = SharedRequestLimit::new(100, Duration::from_secs(3600), store(dir.path()).await);
        let Verdict::Allowed { remaining: first } = limit.hit("a").await else { panic!("allowed") };
        let Verdict::Allowed { remaining: second } = limit.hit("a").await else { panic!("allowed") };
        assert_eq!(first - second, 1, "{first} then {second}");
        let Verdict::Allowed { remaining: other } = limit.hit("b").await else { panic!("allowed") };
        assert_eq!(other, 99, "another scope's count is its own");
    }
}
