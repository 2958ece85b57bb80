//! Durable storage behind one trait, [`Store`], so the HTTP layer does not know which
//! database it runs on: SQLite (embedded, the default; rusqlite) or PostgreSQL (for
//! replicas; sqlx). Secrets are sealed before they reach either.
//!
//! How the parts fit:
//! - [`queries`] holds every statement and the code around it, written once against the
//!   small [`sql::Sql`] interface (run a statement, get rows of plain values); [`rows`] turns
//!   rows into domain values.
//! - [`sql_store::SqlStore`] implements [`Store`] once, over an [`sql::Engine`]: a reader
//!   for reads, a write transaction for changes.
//! - [`sqlite`] and [`postgres`] are the engines: connections, where statements run (SQLite:
//!   reads on the calling thread, every write through one group-commit writer thread), how a
//!   write is locked (PostgreSQL's advisory locks) and the Digest replay memory.
//!
//! **Adding a table and its queries**: write one migration per engine
//! (`migrations/sqlite/NNNN_name.sql`, `migrations/postgres/NNNN_name.sql`, the same number;
//! they differ only in types such as `BLOB`/`BYTEA` and `TEXT`/`TIMESTAMPTZ`), then one
//! module in [`queries`] with the statements as constants (`$1`, `$2`… placeholders;
//! `ON CONFLICT … DO NOTHING / DO UPDATE` for upserts; [`sql::Param::Now`] for `*_at`
//! columns) and `async fn`s taking `db: &mut dyn Sql`; read rows with [`sql::Row`]'s typed
//! getters in a function of [`rows`]. Expose them through [`Store`] (one method in
//! [`interface`], one in [`sql_store`]: `reader()` for reads, `write(lock, work(...))` for
//! changes) and cover the method in the storage contract test (`tests/api/contract/`),
//! which runs on both engines. Nothing in the engine modules changes.

mod accounts;
mod alerting;
mod clock;
mod config_memory;
mod directory;
mod error;
mod health;
mod interface;
mod postgres;
mod queries;
mod read_cache;
mod rows;
mod sealing;
mod sessions;
mod settings;
mod sql;
mod sql_store;
mod sql_store_accounts;
mod sql_store_alerting;
mod sql_store_directory;
mod sql_store_sessions;
mod sql_store_tables;
mod sqlite;
mod tables;

use std::sync::Arc;

use crate::crypto::Sealer;

pub use accounts::{AccountChange, AccountStore, NewSecret, SecretVerifier, StoredSecret};
pub use alerting::{AlertStore, Backlog};
pub use clock::now_ms;
pub use directory::{DirectoryStore, NewProject, ProjectChange};
pub use error::StoreError;
pub use interface::{Counts, Resealed, Store};
pub use queries::organizations::DEFAULT_ORGANIZATION;
pub use sessions::SessionStore;
pub use settings::{Durability, PoolSettings};
pub use tables::{COPIED, LEFT_BEHIND, TableRows, TableStore};

use postgres::PostgresEngine;
use sql_store::SqlStore;
use sqlite::SqliteEngine;

/// Opens the database named by `url` (`sqlite://PATH`, `postgres://…`), applying migrations.
pub async fn open(url: &str, sealer: Sealer, pool: PoolSettings) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        return Ok(Arc::new(SqlStore::new(SqliteEngine::open(url, pool.durability).await?, sealer)));
    }
    if is_postgres_url(url) {
        return Ok(Arc::new(SqlStore::new(PostgresEngine::open(url, pool).await?, sealer)));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact_url("postgres://app:hunter2@db:5432/x"), "postgres://app:****@db:5432/x");
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
