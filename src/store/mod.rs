//! Durable storage behind one small trait, so the HTTP layer does not know which database
//! it runs on: SQLite (embedded, the default) or PostgreSQL (for replicas). Implementations
//! seal every secret before it reaches the database.

mod group_commit;
mod health;
mod postgres;
mod replays;
mod rows;
mod sealing;
mod sqlite;
mod sqlite_migrations;
mod sqlite_reads;
mod sqlite_writes;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::crypto::Sealer;
use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::{ApiKey, Ha1, ProjectRole};
use crate::domain::event::{Actor, Event, EventFilter, EventType};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::{ChangeError, Integration, IntegrationType, Operation};
use crate::domain::project::{Organization, Project};

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// The organization that projects made without naming one belong to.
pub const DEFAULT_ORGANIZATION: &str = "Default Organization";

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The change was refused by the domain (conflict, not configured, invalid settings).
    #[error(transparent)]
    Rejected(#[from] ChangeError),
    /// Something with that name or key already exists.
    #[error("{0}")]
    Conflict(String),
    /// The thing named does not exist.
    #[error("{0}")]
    NotFound(String),
    /// Stored data could not be read back (wrong key file, corruption).
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
    /// The database URL names an engine this build cannot use.
    #[error("{0}")]
    Unsupported(String),
    /// The database cannot be reached now (down, restarting, pool exhausted); retry later.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// A failure shared by several changes (a batch that did not commit).
    #[error("database error: {0}")]
    Failed(String),
    /// SQLite failed on a read answered in place.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
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
                | StoreError::Sqlite(_)
                | StoreError::Migration(_)
        )
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
        match unavailable {
            true => StoreError::Unavailable(error.to_string()),
            false => StoreError::Database(error),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Unavailable(error.to_string())
            }
            _ => StoreError::Sqlite(error),
        }
    }
}

/// How many rows of each kind a store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Organizations.
    pub organizations: u64,
    /// Projects.
    pub projects: u64,
    /// API keys.
    pub api_keys: u64,
    /// Integrations.
    pub integrations: u64,
}

/// What a rotation re-sealed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resealed {
    /// Integration settings re-sealed.
    pub integrations: u64,
    /// API key verifiers re-sealed.
    pub api_keys: u64,
}

/// When an acknowledged write is safe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// Flushed to disk before the answer: survives power loss.
    #[default]
    Full,
    /// Handed to the operating system before the answer: survives a crash of the process,
    /// not of the machine (SQLite `synchronous=NORMAL`, PostgreSQL `synchronous_commit=off`).
    Relaxed,
}

/// Connection settings of a database (PostgreSQL uses all; SQLite the pool size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Most connections a process opens.
    pub max_connections: u32,
    /// How long a request waits for a connection (or to connect) before it fails with 503.
    pub acquire_timeout: Duration,
    /// Longest a statement may run (PostgreSQL's `statement_timeout`).
    pub statement_timeout: Duration,
    /// When writes are acknowledged.
    pub durability: Durability,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(2),
            statement_timeout: Duration::from_secs(10),
            durability: Durability::Full,
        }
    }
}

/// Everything the service keeps.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Whether the last integration change that reached the database failed there.
    fn writes_failing(&self) -> bool;
    /// Makes a small durable write of its own (to `write_probe`), recording whether writes
    /// work again.
    async fn probe_write(&self) -> Result<(), StoreError>;
    /// Records the use of a Digest response until its nonce expires at `expires_ms`;
    /// `false` if its (nonce, nc) was used before: the request is a replay (RFC 7616: a
    /// count is used once per nonce, whatever the cnonce).
    async fn claim_digest_use(&self, nonce: &str, nc: &str, expires_ms: i64) -> Result<bool, StoreError>;
    /// How many rows of each kind there are.
    async fn counts(&self) -> Result<Counts, StoreError>;

    /// Creates an organization; `Conflict` if the name is taken.
    async fn create_organization(&self, name: &str) -> Result<Organization, StoreError>;
    /// Creates a project in `org`, or in the default organization (made on first use);
    /// `NotFound` if `org` does not exist, `Conflict` if the organization has a project of
    /// that name.
    async fn create_project(&self, name: &str, org: Option<ObjectId>) -> Result<Project, StoreError>;
    /// Every project, oldest first.
    async fn list_projects(&self) -> Result<Vec<Project>, StoreError>;
    /// The project with this id, if any.
    async fn find_project(&self, id: GroupId) -> Result<Option<Project>, StoreError>;
    /// Every organization.
    async fn list_organizations(&self) -> Result<Vec<Organization>, StoreError>;
    /// The organization with this id, if any.
    async fn find_organization(&self, id: ObjectId) -> Result<Option<Organization>, StoreError>;

    /// Stores a new API key with its Digest verifiers.
    async fn create_api_key(&self, key: &ApiKey, ha1: &Ha1) -> Result<(), StoreError>;
    /// The key with this public key and its verifiers, revoked or not.
    async fn find_api_key(&self, public_key: &str) -> Result<Option<(ApiKey, Ha1)>, StoreError>;
    /// Every key, oldest first.
    async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError>;
    /// Gives a key a role in a project of its organization.
    async fn grant_project_role(
        &self,
        public_key: &str,
        project: GroupId,
        role: ProjectRole,
    ) -> Result<(), StoreError>;
    /// Adds an entry to a key's access list (nothing if it is there).
    async fn add_access_entry(&self, public_key: &str, entry: AccessEntry) -> Result<(), StoreError>;
    /// Removes an entry from a key's access list; `NotFound` if it is not there.
    async fn remove_access_entry(&self, public_key: &str, entry: AccessEntry) -> Result<(), StoreError>;
    /// Revokes a key; `NotFound` if there is no such key.
    async fn revoke_api_key(&self, public_key: &str) -> Result<(), StoreError>;

    /// The project's integrations in type order.
    async fn list_integrations(&self, group: GroupId) -> Result<Vec<Integration>, StoreError>;
    /// One integration of the project.
    async fn get_integration(
        &self,
        group: GroupId,
        kind: IntegrationType,
    ) -> Result<Option<Integration>, StoreError>;
    /// Applies `operation` atomically (read, change, write and the event recording it by
    /// `actor` in one transaction, committed before returning, serialised with every other
    /// change of the same type of the same project) and returns the project's integrations
    /// after it.
    async fn change_integration(
        &self,
        group: GroupId,
        operation: Operation<'_>,
        actor: &Actor,
    ) -> Result<Vec<Integration>, StoreError>;

    /// One page (`offset`, `limit`) of a project's events, newest first, and how many pass
    /// the filter in all.
    async fn list_events(
        &self,
        group: GroupId,
        filter: &EventFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Event>, u64), StoreError>;
    /// One event of a project.
    async fn get_event(&self, group: GroupId, id: ObjectId) -> Result<Option<Event>, StoreError>;

    /// Seals again, under the active key, every blob sealed under a previous one: one row per
    /// transaction, and a row changed meanwhile (already under the active key) is left alone.
    async fn reseal_all(&self) -> Result<Resealed, StoreError>;

    /// Copies in an organization as it is elsewhere; does nothing if it exists.
    async fn import_organization(&self, organization: &Organization) -> Result<(), StoreError>;
    /// Copies in a project as it is elsewhere; does nothing if it exists.
    async fn import_project(&self, project: &Project) -> Result<(), StoreError>;
    /// Copies in an API key with its roles and verifiers; brings an existing one up to date.
    async fn import_api_key(&self, key: &ApiKey, ha1: &Ha1) -> Result<(), StoreError>;
    /// Copies in an integration; replaces the project's integration of that type.
    async fn import_integration(&self, group: GroupId, integration: &Integration) -> Result<(), StoreError>;
}

/// Opens the database named by `url` (`sqlite://PATH`, `postgres://…`), applying migrations.
pub async fn open(url: &str, sealer: Sealer, pool: PoolSettings) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        return Ok(Arc::new(SqliteStore::open(url, sealer, pool).await?));
    }
    if is_postgres_url(url) {
        return Ok(Arc::new(PostgresStore::open(url, sealer, pool).await?));
    }
    Err(StoreError::Unsupported(format!(
        "unknown database URL {}: expected sqlite://PATH or postgres://USER@HOST/DATABASE",
        redact_url(url)
    )))
}

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// `url` with any password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("****"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// The event a change records.
pub fn event_type_of(operation: &Operation<'_>) -> EventType {
    match operation {
        Operation::Create(_) | Operation::Upsert(_) => EventType::IntegrationConfigured,
        Operation::Delete(_) => EventType::IntegrationRemoved,
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact_url("postgres://app:hunter2@db:5432/x"), "postgres://app:****@db:5432/x");
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn connection_failures_are_unavailable_not_internal() {
        assert!(matches!(StoreError::from(sqlx::Error::PoolTimedOut), StoreError::Unavailable(_)));
        assert!(matches!(StoreError::from(sqlx::Error::RowNotFound), StoreError::Database(_)));
    }
}
