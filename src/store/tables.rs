//! What `copy` needs of a store: every table it carries as plain rows, and a destination that
//! takes them all in one transaction, or nothing (see [`super::queries::tables`]).

use async_trait::async_trait;

use super::error::StoreError;
pub use super::queries::tables::{COPIED, LEFT_BEHIND, TableRows};

/// Tables as rows, for moving a database.
#[async_trait]
pub trait TableStore: Send + Sync {
    /// Every table `copy` carries, parents first, with all its rows; refused when the
    /// database holds a table this build does not know.
    async fn export_tables(&self) -> Result<Vec<TableRows>, StoreError>;
    /// Writes `tables` in one transaction; refused (`Conflict`) when any table `copy`
    /// carries already holds a row here.
    async fn import_tables(&self, tables: Vec<TableRows>) -> Result<(), StoreError>;
    /// The rows in each table `copy` carries.
    async fn table_counts(&self) -> Result<Vec<(String, u64)>, StoreError>;
    /// The database's tables.
    async fn table_names(&self) -> Result<Vec<String>, StoreError>;
}
