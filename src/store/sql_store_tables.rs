//! [`TableStore`] for either engine: reads on a reader, the import in one write transaction.

use async_trait::async_trait;

use super::error::StoreError;
use super::queries::tables::{self, COPIED, TableRows};
use super::sql::{Engine, work};
use super::sql_store::SqlStore;
use super::tables::TableStore;

#[async_trait]
impl<E: Engine> TableStore for SqlStore<E> {
    async fn export_tables(&self) -> Result<Vec<TableRows>, StoreError> {
        let mut db = self.engine.reader().await?;
        let unknown = tables::unknown_tables(&mut *db, E::DIALECT).await?;
        if !unknown.is_empty() {
            return Err(StoreError::Unsupported(format!(
                "the source holds tables this version cannot copy ({}): copy with the version whose \
                 migrations made them",
                unknown.join(", ")
            )));
        }
        let present = tables::table_names(&mut *db, E::DIALECT).await?;
        let mut exported = Vec::new();
        for table in COPIED.iter().filter(|table| present.iter().any(|name| name == *table)) {
            exported.push(tables::export(&mut *db, E::DIALECT, table).await?);
        }
        Ok(exported)
    }

    async fn import_tables(&self, tables: Vec<TableRows>) -> Result<(), StoreError> {
        let import = work(move |db| {
            Box::pin(async move {
                let mut held = Vec::new();
                for table in COPIED {
                    let rows = tables::count(db, table).await?;
                    if rows > 0 {
                        held.push(format!("{table}: {rows}"));
                    }
                }
                if !held.is_empty() {
                    return Err(StoreError::Conflict(format!(
                        "the destination is not empty ({}): copy into a new, empty database",
                        held.join(", ")
                    )));
                }
                for table in &tables {
                    tables::import(db, E::DIALECT, table).await?;
                }
                Ok(())
            })
        });
        self.write_announced(None, import).await
    }

    async fn table_counts(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut db = self.engine.reader().await?;
        let mut counts = Vec::new();
        for table in COPIED {
            counts.push((table.to_string(), tables::count(&mut *db, table).await?));
        }
        Ok(counts)
    }

    async fn table_names(&self) -> Result<Vec<String>, StoreError> {
        tables::table_names(&mut *self.engine.reader().await?, E::DIALECT).await
    }
}
