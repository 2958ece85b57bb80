//! Durable storage behind one small trait, so the HTTP layer does not know which database
//! it runs on. Implementations seal every secret before it reaches the database.

mod sealing;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;

use crate::crypto::Sealer;
use crate::domain::api_key::{ApiKey, Ha1};
use crate::domain::ids::GroupId;
use crate::domain::integration::{ChangeError, Integration, IntegrationType, Operation};
use crate::domain::project::Project;

pub use sqlite::SqliteStore;

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
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the schema failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

/// Everything the service keeps.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Creates a project in the default organization (made on first use).
    async fn create_project(&self, name: &str) -> Result<Project, StoreError>;
    /// Every project, oldest first.
    async fn list_projects(&self) -> Result<Vec<Project>, StoreError>;
    /// The project with this id, if any.
    async fn find_project(&self, id: GroupId) -> Result<Option<Project>, StoreError>;

    /// Stores a new API key with its Digest verifiers.
    async fn create_api_key(&self, key: &ApiKey, ha1: &Ha1) -> Result<(), StoreError>;
    /// The key with this public key and its verifiers, revoked or not.
    async fn find_api_key(&self, public_key: &str) -> Result<Option<(ApiKey, Ha1)>, StoreError>;
    /// Every key, oldest first.
    async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError>;
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
    /// Applies `operation` atomically (read, change, write in one transaction, committed
    /// before returning) and returns the project's integrations after it.
    async fn change_integration(
        &self,
        group: GroupId,
        operation: Operation<'_>,
    ) -> Result<Vec<Integration>, StoreError>;
}

/// Opens the database named by `url` (`sqlite://PATH`), applying migrations.
pub async fn open(url: &str, sealer: Sealer) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        return Ok(Arc::new(SqliteStore::open(url, sealer).await?));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(StoreError::Unsupported(
            "PostgreSQL is not supported by this version yet; use a sqlite:// URL".into(),
        ));
    }
    Err(StoreError::Unsupported(format!("unknown database URL {url:?}: expected sqlite://PATH")))
}
