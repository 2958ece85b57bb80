//! Why a storage operation failed, with each driver's errors sorted into the few cases the
//! rest of the service acts on: refused, conflict, not found, unreadable, unavailable (retry
//! later, 503) or failed.

use crate::domain::integration::ChangeError;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The change was refused by the domain (conflict, not configured, invalid settings).
    #[error(transparent)]
    Rejected(#[from] ChangeError),
    /// Something with that name or key already exists.
    #[error("{0}")]
    Conflict(String),
    /// The change would take the project past a limit on what it may hold.
    #[error("{0}")]
    LimitReached(String),
    /// The thing named does not exist.
    #[error("{0}")]
    NotFound(String),
    /// Stored data could not be read back (wrong key file, corruption).
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
    /// The database URL names an engine this build cannot use.
    #[error("{0}")]
    Unsupported(String),
    /// The database cannot be reached now (down, restarting, busy, pool exhausted); retry
    /// later.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(String),
    /// A failure shared by several changes (a batch that did not commit).
    #[error("database error: {0}")]
    Failed(String),
    /// Applying the schema failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Whether the database itself failed (rather than refusing the change for a reason of
    /// the domain, or finding stored data unreadable).
    pub fn is_database_failure(&self) -> bool {
        matches!(
            self,
            StoreError::Unavailable(_)
                | StoreError::Database(_)
                | StoreError::Failed(_)
                | StoreError::Migration(_)
        )
    }

    /// This error, with a unique-constraint violation told in `message`'s words.
    pub fn conflict_as(self, message: impl FnOnce() -> String) -> StoreError {
        match self {
            StoreError::Conflict(_) => StoreError::Conflict(message()),
            other => other,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        let unavailable = match &error {
            // A broken connection shows as an I/O, TLS or protocol error (the peer hung up
            // in the middle of a message or a handshake).
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            // SQLSTATE class 08 (connection exception), 57P0x (server shutting down or
            // restarting), 53300 (too many connections).
            sqlx::Error::Database(db) => db
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P0") || code == "53300"),
            _ => false,
        };
        match &error {
            _ if unavailable => StoreError::Unavailable(error.to_string()),
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(error.to_string()),
            _ => StoreError::Database(error.to_string()),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ffi::{SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE};
        match &error {
            rusqlite::Error::SqliteFailure(failure, _)
                if matches!(
                    failure.extended_code,
                    SQLITE_CONSTRAINT_UNIQUE | SQLITE_CONSTRAINT_PRIMARYKEY
                ) =>
            {
                StoreError::Conflict(error.to_string())
            }
            _ => match error.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    StoreError::Unavailable(error.to_string())
                }
                _ => StoreError::Database(error.to_string()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_failures_are_unavailable_not_internal() {
        assert!(matches!(StoreError::from(sqlx::Error::PoolTimedOut), StoreError::Unavailable(_)));
        assert!(matches!(StoreError::from(sqlx::Error::RowNotFound), StoreError::Database(_)));
    }

    #[test]
    fn sqlite_reports_a_taken_name_as_a_conflict_and_a_held_lock_as_unavailable() {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        connection.execute_batch("CREATE TABLE t (name TEXT UNIQUE); INSERT INTO t VALUES ('a')").unwrap();
        let taken = connection.execute("INSERT INTO t VALUES ('a')", []).unwrap_err();
        assert!(matches!(StoreError::from(taken), StoreError::Conflict(_)));
        let busy =
            rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None);
        assert!(matches!(StoreError::from(busy), StoreError::Unavailable(_)));
    }
}
