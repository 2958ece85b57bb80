//! Fixed-window counters per key at a constant cost per event whatever their number, in
//! bounded memory. Keys are spread over shards, each behind its own lock; each shard keeps
//! its windows in the order they opened, so the ones that have ended are forgotten a couple
//! at a time as new events arrive (never by sweeping the whole map), and when a shard is
//! full the oldest window gives way.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The outcome of counting one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Let it through; `remaining` more fit in this window.
    Allowed {
        /// Events left in the window.
        remaining: u32,
    },
    /// Refuse it; the window ends in `retry_after` seconds.
    Limited {
        /// Whole seconds until the window ends (at least 1).
        retry_after: u64,
    },
}

const SHARDS: usize = 32;
/// Ended windows forgotten per event: more than the one window an event can open, so the
/// backlog of ended windows only shrinks.
const FORGET_PER_EVENT: usize = 2;

struct Window {
    started: Instant,
    count: u32,
}

struct Shard<K> {
    windows: HashMap<K, Window, RandomState>,
    /// Keys in the order their windows opened (a key whose window was reopened or cleared
    /// leaves a stale entry, recognised by its start).
    opened: VecDeque<(K, Instant)>,
}

/// Counters per key over fixed windows.
pub struct Counter<K> {
    limit: u32,
    window: Duration,
    per_shard: usize,
    shards: Box<[Mutex<Shard<K>>]>,
}

impl<K: Eq + Hash + Clone> Counter<K> {
    /// `limit` events per `window` for each key, remembering at most about `capacity` keys.
    pub fn new(limit: u32, window: Duration, capacity: usize) -> Self {
        let shards = (0..SHARDS)
            .map(|_| Mutex::new(Shard { windows: HashMap::default(), opened: VecDeque::new() }))
            .collect();
        Counter { limit, window, per_shard: capacity.div_ceil(SHARDS).max(1), shards }
    }

    /// The limit per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    fn shard(&self, key: &K) -> MutexGuard<'_, Shard<K>> {
        let mut spread = Spread(0);
        key.hash(&mut spread);
        let index = (spread.finish() >> 32) as usize % SHARDS;
        self.shards[index].lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn retry_after(&self, started: Instant, now: Instant) -> u64 {
        let left = self.window.saturating_sub(now.duration_since(started));
        left.as_secs_f64().ceil().max(1.0) as u64
    }

    /// Counts one event for `key` at `now`.
    pub fn hit(&self, key: K, now: Instant) -> Verdict {
        let mut shard = self.shard(&key);
        shard.forget_ended(now, self.window);
        let live = shard.windows.get(&key).map(|w| now.duration_since(w.started) < self.window);
        if live != Some(true) {
            if live.is_none() && shard.windows.len() >= self.per_shard {
                shard.forget_oldest();
            }
            shard.opened.push_back((key.clone(), now));
            shard.windows.insert(key.clone(), Window { started: now, count: 0 });
        }
        let window = shard.windows.get_mut(&key).expect("the window was just ensured");
        if window.count >= self.limit {
            return Verdict::Limited { retry_after: self.retry_after(window.started, now) };
        }
        window.count += 1;
        Verdict::Allowed { remaining: self.limit - window.count }
    }

    /// Whether `key` has used up its window, without counting.
    pub fn exhausted(&self, key: &K, now: Instant) -> Option<u64> {
        let shard = self.shard(key);
        let window = shard.windows.get(key)?;
        let live = now.duration_since(window.started) < self.window;
        (live && window.count >= self.limit).then(|| self.retry_after(window.started, now))
    }

    /// Forgets `key` (a success clears its failures).
    pub fn clear(&self, key: &K) {
        self.shard(key).windows.remove(key);
    }

    /// Keys remembered now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).windows.len()).sum()
    }
}

/// A cheap hash that only picks the shard: the shard's own map hashes with a keyed hasher,
/// so a client choosing keys can at worst crowd one shard, never slow a lookup.
struct Spread(u64);

impl Hasher for Spread {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl<K: Eq + Hash> Shard<K> {
    fn forget_ended(&mut self, now: Instant, window: Duration) {
        for _ in 0..FORGET_PER_EVENT {
            match self.opened.front() {
                Some((_, started)) if now.duration_since(*started) >= window => {
                    let (key, started) = self.opened.pop_front().expect("a front entry was just seen");
                    self.forget_if_unchanged(key, started);
                }
                _ => break,
            }
        }
    }

    fn forget_if_unchanged(&mut self, key: K, started: Instant) -> bool {
        let unchanged = self.windows.get(&key).is_some_and(|w| w.started == started);
        if unchanged {
            self.windows.remove(&key);
        }
        unchanged
    }

    /// Drops the oldest entry of the order, and its window unless the key has reopened one.
    fn forget_oldest(&mut self) {
        while let Some((key, started)) = self.opened.pop_front() {
            if self.forget_if_unchanged(key, started) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_then_limits_until_the_window_ends() {
        let counter = Counter::new(3, Duration::from_secs(60), 1000);
        let start = Instant::now();
        assert_eq!(counter.hit("p", start), Verdict::Allowed { remaining: 2 });
        assert_eq!(counter.hit("p", start), Verdict::Allowed { remaining: 1 });
        assert_eq!(counter.hit("p", start), Verdict::Allowed { remaining: 0 });
        assert_eq!(counter.hit("p", start + Duration::from_secs(20)), Verdict::Limited { retry_after: 40 });
        assert_eq!(counter.hit("q", start), Verdict::Allowed { remaining: 2 }, "keys are separate");
        assert_eq!(counter.hit("p", start + Duration::from_secs(60)), Verdict::Allowed { remaining: 2 });
    }

    #[test]
    fn exhaustion_is_seen_without_counting_and_cleared_on_demand() {
        let counter = Counter::new(1, Duration::from_secs(10), 1000);
        let start = Instant::now();
        assert_eq!(counter.exhausted(&"k", start), None);
        counter.hit("k", start);
        assert_eq!(counter.exhausted(&"k", start + Duration::from_millis(500)), Some(10));
        counter.clear(&"k");
        assert_eq!(counter.exhausted(&"k", start), None);
        assert_eq!(counter.hit("k", start), Verdict::Allowed { remaining: 0 }, "a cleared key starts afresh");
    }

    #[test]
    fn ended_windows_are_forgotten_as_events_arrive() {
        let counter = Counter::new(5, Duration::from_secs(1), 1_000_000);
        let start = Instant::now();
        for key in 0..1000u32 {
            counter.hit(key, start);
        }
        let later = start + Duration::from_secs(2);
        for key in 1000..3000u32 {
            counter.hit(key, later);
        }
        assert_eq!(counter.len(), 2000, "the ended windows went as new events came");
    }

    #[test]
    fn memory_stays_bounded_when_every_event_names_a_new_key() {
        let counter = Counter::new(5, Duration::from_secs(3600), 3200);
        let start = Instant::now();
        for key in 0..100_000u32 {
            counter.hit(key, start);
        }
        assert!(counter.len() <= 3200, "{}", counter.len());
        assert_eq!(counter.hit(99_999, start), Verdict::Allowed { remaining: 3 }, "the newest are kept");
    }

    #[test]
    fn a_reopened_window_is_not_forgotten_with_its_predecessor() {
        let counter = Counter::new(2, Duration::from_secs(10), 1000);
        let start = Instant::now();
        counter.hit("k", start);
        let reopened = start + Duration::from_secs(11);
        counter.hit("k", reopened);
        counter.hit("k", reopened);
        counter.hit("other", reopened + Duration::from_secs(1));
        assert_eq!(counter.hit("k", reopened + Duration::from_secs(2)), Verdict::Limited { retry_after: 8 });
    }
}
