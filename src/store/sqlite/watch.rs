//! Whether the database file changed since memory was last caught up with it. The server
//! keeps reads in memory on SQLite too, yet it is not the file's only writer: the admin CLI
//! revokes keys and deletes service accounts in the same file from another process. SQLite
//! counts, per connection, the commits made by every other connection (`PRAGMA
//! data_version`); one connection kept only for that question sees each commit of this
//! server's writer and of any other process, and asking it costs microseconds, so it is
//! asked before every read from memory.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::Connection;

use super::connection::connect;
use crate::store::error::StoreError;
use crate::store::read_cache::ReadCache;

/// How long the question waits on a lock (only recovery after a crash holds one).
const BUSY_TIMEOUT: Duration = Duration::from_millis(500);

const DATA_VERSION: &str = "PRAGMA data_version";

/// A connection that watches the file's commits, with the count it last saw.
pub struct ChangeWatch {
    watching: Mutex<(Connection, i64)>,
}

impl ChangeWatch {
    /// Watches the database file at `path` (which must exist).
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let connection = connect(path, BUSY_TIMEOUT)?;
        connection.pragma_update(None, "query_only", true)?;
        let seen = data_version(&connection)?;
        Ok(ChangeWatch { watching: Mutex::new((connection, seen)) })
    }

    /// Drops all `cache` holds if anything was committed since the last call (or if the
    /// question cannot be answered: memory is then never trusted over the file).
    pub fn catch_up(&self, cache: &ReadCache) {
        let mut watching = self.watching.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (connection, seen) = &mut *watching;
        // Emptied under the lock: a read that asks after this one must not find the old
        // memory between the count being taken and the memory being dropped.
        match data_version(connection) {
            Ok(version) if version == *seen => {}
            Ok(version) => {
                *seen = version;
                cache.changed();
            }
            Err(error) => {
                tracing::warn!(%error, "could not ask SQLite whether the database changed; reading it instead");
                cache.changed();
            }
        }
    }
}

fn data_version(connection: &Connection) -> Result<i64, StoreError> {
    Ok(connection.prepare_cached(DATA_VERSION)?.query_row([], |row| row.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{GroupId, ObjectId};
    use crate::domain::project::Project;

    fn database() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("watched.db");
        let connection = Connection::open(&path).unwrap();
        connection.pragma_update(None, "journal_mode", "WAL").unwrap();
        connection.execute_batch("CREATE TABLE t (n INTEGER)").unwrap();
        (dir, path)
    }

    fn remembered(cache: &ReadCache) -> GroupId {
        let project =
            Project { id: GroupId(ObjectId::generate()), org_id: ObjectId::generate(), name: "p".into() };
        cache.keep(&cache.projects, project.id, Some(project.clone()), cache.generation());
        project.id
    }

    #[test]
    fn a_commit_by_another_connection_empties_memory_at_the_next_question() {
        let (_dir, path) = database();
        let watch = ChangeWatch::open(&path).unwrap();
        let cache = ReadCache::default();
        cache.listening();
        let id = remembered(&cache);
        watch.catch_up(&cache);
        assert!(cache.get(&cache.projects, &id).is_some(), "nothing changed: memory stands");

        let other = Connection::open(&path).unwrap();
        other.execute("INSERT INTO t VALUES (1)", []).unwrap();
        watch.catch_up(&cache);
        assert_eq!(cache.get(&cache.projects, &id), None, "another connection committed");

        let id = remembered(&cache);
        watch.catch_up(&cache);
        assert!(cache.get(&cache.projects, &id).is_some(), "a commit is noticed once");
    }

    #[test]
    fn a_read_by_another_connection_changes_nothing() {
        let (_dir, path) = database();
        let watch = ChangeWatch::open(&path).unwrap();
        let cache = ReadCache::default();
        cache.listening();
        let id = remembered(&cache);
        let other = Connection::open(&path).unwrap();
        let _: i64 = other.query_row("SELECT count(*) FROM t", [], |row| row.get(0)).unwrap();
        watch.catch_up(&cache);
        assert!(cache.get(&cache.projects, &id).is_some());
    }
}
