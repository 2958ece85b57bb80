//! The request path's reads on SQLite, answered on the calling thread.
//!
//! Through a driver with a worker thread per connection every statement travels to that
//! thread and back, and on two cores those hand-offs cost more than the lookups themselves
//! (a profile of GET one showed most of the server's time in the scheduler). These reads
//! instead run SQLite directly from a small pool of connections that only read: an indexed
//! lookup in a WAL database takes microseconds, never waits for the writer, and sees every
//! commit made before it began, by this process or any other (an API key revoked from the
//! command line is refused at the next request).

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::Connection;

use super::connection::connect;
use crate::store::error::StoreError;
use crate::store::sql::Sql;

/// Idle connections kept for reuse; a read finding none opens another. No more are in use
/// at once than there are reads in flight.
const MAX_IDLE: usize = 16;

/// How long a read waits on a lock before the request fails with 503. WAL readers do not
/// wait for writers; only recovery after a crash or a checkpoint that resets the log can
/// hold them, briefly.
const BUSY_TIMEOUT: Duration = Duration::from_millis(500);

/// A pool of reading connections to one SQLite file.
pub struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Connections lent out now.
    lent: AtomicUsize,
}

impl ReadPool {
    /// Reads of the database file at `path` (which must exist, in WAL mode).
    pub fn open(path: &Path) -> Result<Arc<Self>, StoreError> {
        let pool = Arc::new(ReadPool {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
            lent: AtomicUsize::new(0),
        });
        let first = pool.connect()?;
        pool.put_back(first);
        Ok(pool)
    }

    fn connect(&self) -> Result<Connection, StoreError> {
        let connection = connect(&self.path, BUSY_TIMEOUT)?;
        // Opened read-write only so that WAL's shared memory works; nothing is written.
        connection.pragma_update(None, "query_only", true)?;
        Ok(connection)
    }

    fn put_back(&self, connection: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
    }

    /// An idle connection, or a new one; it comes back to the pool when dropped.
    pub fn reader(self: &Arc<Self>) -> Result<Reader, StoreError> {
        let idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        let connection = match idle {
            Some(connection) => connection,
            None => self.connect()?,
        };
        self.lent.fetch_add(1, Ordering::Relaxed);
        Ok(Reader { connection: Some(connection), pool: self.clone() })
    }

    /// Connections lent out and idle now (a read never waits: it opens one more).
    pub fn use_now(&self) -> (usize, usize) {
        let idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len();
        (self.lent.load(Ordering::Relaxed), idle)
    }
}

/// A reading connection lent by the pool.
pub struct Reader {
    connection: Option<Connection>,
    pool: Arc<ReadPool>,
}

impl Deref for Reader {
    type Target = dyn Sql;

    fn deref(&self) -> &Self::Target {
        self.connection.as_ref().expect("a reader holds its connection until dropped")
    }
}

impl DerefMut for Reader {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.connection.as_mut().expect("a reader holds its connection until dropped")
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            self.pool.lent.fetch_sub(1, Ordering::Relaxed);
            self.pool.put_back(connection);
        }
    }
}
