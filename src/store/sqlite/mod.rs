//! The embedded SQLite engine, through rusqlite alone: one file in WAL mode; reads on the
//! calling thread from a pool of reading connections ([`reads`]); every write through one
//! writer thread in group commits ([`writer`]), flushed to disk before it is acknowledged
//! (`synchronous=FULL`; `NORMAL` with relaxed durability). One writer serialises every
//! write, so it needs no lock of its own. Digest replays are remembered in memory
//! ([`replays`]): one server process per database file. Reads kept in memory are dropped
//! whenever the file changed, by this process or any other ([`watch`]).

mod connection;
mod migrations;
mod reads;
mod replays;
mod watch;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};

use self::reads::{ReadPool, Reader};
use self::replays::ReplayMemory;
use self::watch::ChangeWatch;
use self::writer::Writer;
use super::error::StoreError;
use super::read_cache::ReadCache;
use super::settings::Durability;
use super::sql::{Engine, Work};

/// The SQLite engine on one database file.
pub struct SqliteEngine {
    reads: Arc<ReadPool>,
    writer: Writer,
    replays: ReplayMemory,
    watch: ChangeWatch,
}

impl SqliteEngine {
    /// Opens (creating if needed) the database at `url` (`sqlite://PATH` or `sqlite:PATH`) and
    /// brings its schema up to date.
    pub async fn open(url: &str, durability: Durability) -> Result<Self, StoreError> {
        let path = database_path(url)?;
        let prepared = path.clone();
        tokio::task::spawn_blocking(move || prepare(&prepared))
            .await
            .map_err(|e| StoreError::Failed(format!("opening the database stopped: {e}")))??;
        Ok(SqliteEngine {
            reads: ReadPool::open(&path)?,
            writer: Writer::start(&path, durability)?,
            replays: ReplayMemory::default(),
            watch: ChangeWatch::open(&path)?,
        })
    }
}

/// The file a `sqlite:` URL names (any `?…` options after it are ignored).
fn database_path(url: &str) -> Result<PathBuf, StoreError> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    let path = rest.split('?').next().unwrap_or_default();
    match path {
        "" | ":memory:" => Err(StoreError::Unsupported(
            "an SQLite database must be a file (sqlite://PATH), not in memory".into(),
        )),
        path => Ok(PathBuf::from(path)),
    }
}

/// Creates the file if it is missing, switches it to WAL (a setting kept in the file) and
/// applies the migrations.
fn prepare(path: &Path) -> Result<(), StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    let mode: String = connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Unsupported(format!(
            "the SQLite database {} cannot use a write-ahead log (journal mode {mode})",
            path.display()
        )));
    }
    drop(connection);
    migrations::migrate(path)?;
    Ok(())
}

impl Engine for SqliteEngine {
    const SHARED_BY_REPLICAS: bool = false;
    const DIALECT: crate::store::sql::Dialect = crate::store::sql::Dialect::Sqlite;

    type Reader = Reader;

    async fn reader(&self) -> Result<Reader, StoreError> {
        self.reads.reader()
    }

    async fn write<T: Send + 'static>(&self, _lock: Option<String>, work: Work<T>) -> Result<T, StoreError> {
        self.writer.write(work).await
    }

    fn report_pool(&self) {
        let (in_use, idle) = self.reads.use_now();
        crate::telemetry::metrics::pool_connections("sqlite", in_use, idle);
    }

    fn listen_for_changes(&self, cache: std::sync::Weak<ReadCache>) -> bool {
        // Nothing to listen to: every read from memory asks the file first (`catch_up`).
        if let Some(cache) = cache.upgrade() {
            cache.listening();
        }
        true
    }

    fn catch_up(&self, cache: &ReadCache) {
        self.watch.catch_up(cache);
    }

    async fn claim_digest_use(&self, nonce: &str, nc: &str, expires_ms: i64) -> Result<bool, StoreError> {
        Ok(self.replays.claim(nonce, nc, expires_ms, super::clock::now_ms()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_names_its_file_with_or_without_slashes_and_never_memory() {
        assert_eq!(database_path("sqlite://data/x.db").unwrap(), PathBuf::from("data/x.db"));
        assert_eq!(database_path("sqlite:///tmp/x.db?mode=rwc").unwrap(), PathBuf::from("/tmp/x.db"));
        assert_eq!(database_path("sqlite:x.db").unwrap(), PathBuf::from("x.db"));
        assert!(matches!(database_path("sqlite::memory:"), Err(StoreError::Unsupported(_))));
        assert!(matches!(database_path("sqlite://"), Err(StoreError::Unsupported(_))));
    }
}
