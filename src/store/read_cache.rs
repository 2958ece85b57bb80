//! What a server answers the reads of every request from: API keys with their verifiers, the
//! accounts access tokens speak for, projects, and each project's integrations.
//!
//! On PostgreSQL, writers announce every change with `NOTIFY` inside their transaction (so it
//! is delivered on commit) and every replica drops all it holds when one arrives; the replica
//! that wrote drops it at once, before answering. Memory is trusted only while the listening
//! connection is up: when it is lost, reads go to the database until it is back, listening,
//! and memory has been emptied. On SQLite, every read from memory first asks the file whether
//! any connection committed since (see `sqlite::watch`). Either way, a read that began before
//! a change is never kept after the change's announcement (each entry is kept only if no
//! announcement came while it was read).
//!
//! What is kept is kept opened (verifiers, integration settings): it is what each read
//! would open from the database anyway, and it lives only in the serving process's memory,
//! which the sealing at rest does not protect against (a stolen file or dump is what it does).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::domain::api_key::{ApiKey, Ha1};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::Integration;
use crate::domain::project::Project;
use crate::domain::service_account::ServiceAccount;

/// Entries each map holds at most; past it the map starts again empty.
const MOST_ENTRIES: usize = 100_000;

/// The channel every change is announced on.
pub const CHANNEL: &str = "atlas_integrations_changes";
/// Announces a change on [`CHANNEL`] (delivered when the transaction commits).
pub const ANNOUNCE: &str = "SELECT pg_notify('atlas_integrations_changes', '')";

/// A map of one kind of read.
pub struct Kept<K, V>(Mutex<HashMap<K, V>>);

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash, V: Clone> Kept<K, V> {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, V>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The replica's memory of reads.
#[derive(Default)]
pub struct ReadCache {
    trusted: AtomicBool,
    generation: AtomicU64,
    /// API keys by public key (`None`: no such key).
    pub keys: Kept<String, Option<(ApiKey, Ha1)>>,
    /// Live projects by id (`None`: none).
    pub projects: Kept<GroupId, Option<Project>>,
    /// Each project's integrations.
    pub integrations: Kept<GroupId, Vec<Integration>>,
    /// The account each access token speaks for, by (account, secret, token), with the
    /// token's secret (`None`: refused; a token once refused stays refused).
    pub tokens: Kept<(ObjectId, ObjectId, ObjectId), Option<ServiceAccount>>,
}

impl ReadCache {
    /// The generation a read starts in, or `None` when memory is not trusted (read from the
    /// database and keep nothing).
    pub fn generation(&self) -> Option<u64> {
        let generation = self.generation.load(Ordering::Acquire);
        self.trusted.load(Ordering::Acquire).then_some(generation)
    }

    /// What `kept` holds for `key`, while memory is trusted.
    pub fn get<K: Eq + Hash, V: Clone>(&self, kept: &Kept<K, V>, key: &K) -> Option<V> {
        if !self.trusted.load(Ordering::Acquire) {
            return None;
        }
        kept.lock().get(key).cloned()
    }

    /// Keeps `value` for `key`, unless a change was announced since `generation` began.
    pub fn keep<K: Eq + Hash, V: Clone>(&self, kept: &Kept<K, V>, key: K, value: V, generation: Option<u64>) {
        let Some(generation) = generation else { return };
        let mut map = kept.lock();
        // Checked under the map's lock: an announcement bumps the generation before it
        // empties the map, so a value read before it is either refused here or emptied after.
        if self.generation.load(Ordering::Acquire) != generation || !self.trusted.load(Ordering::Acquire) {
            return;
        }
        if map.len() >= MOST_ENTRIES {
            map.clear();
        }
        map.insert(key, value);
    }

    /// A change was announced (or made here): drop everything.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.keys.lock().clear();
        self.projects.lock().clear();
        self.integrations.lock().clear();
        self.tokens.lock().clear();
    }

    /// The listening connection is lost: trust nothing until [`ReadCache::listening`].
    pub fn deaf(&self) {
        self.trusted.store(false, Ordering::Release);
        self.changed();
    }

    /// Listening (again): start from empty memory and trust it.
    pub fn listening(&self) {
        self.changed();
        self.trusted.store(true, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> Project {
        Project { id: GroupId(ObjectId::generate()), org_id: ObjectId::generate(), name: "p".into() }
    }

    #[test]
    fn changes_are_announced_on_the_channel_listened_to() {
        assert!(ANNOUNCE.contains(&format!("'{CHANNEL}'")));
    }

    #[test]
    fn nothing_is_kept_or_served_until_listening() {
        let cache = ReadCache::default();
        let p = project();
        cache.keep(&cache.projects, p.id, Some(p.clone()), cache.generation());
        assert_eq!(cache.get(&cache.projects, &p.id), None);
        cache.listening();
        cache.keep(&cache.projects, p.id, Some(p.clone()), cache.generation());
        assert_eq!(cache.get(&cache.projects, &p.id), Some(Some(p.clone())));
        cache.deaf();
        assert_eq!(cache.get(&cache.projects, &p.id), None, "a lost connection drops everything");
    }

    #[test]
    fn a_read_that_began_before_a_change_is_not_kept() {
        let cache = ReadCache::default();
        cache.listening();
        let p = project();
        let began = cache.generation();
        cache.changed();
        cache.keep(&cache.projects, p.id, Some(p.clone()), began);
        assert_eq!(cache.get(&cache.projects, &p.id), None);
        let after = cache.generation();
        cache.keep(&cache.projects, p.id, Some(p.clone()), after);
        assert!(cache.get(&cache.projects, &p.id).is_some());
        cache.changed();
        assert_eq!(cache.get(&cache.projects, &p.id), None, "a change drops what was kept");
    }
}
