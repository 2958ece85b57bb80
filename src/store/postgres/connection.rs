//! PostgreSQL's side of [`Sql`], through sqlx: parameters bound with their PostgreSQL types,
//! rows read into plain values by their column types. Statements are prepared once per
//! connection and kept (sqlx's statement cache).

use std::ops::{Deref, DerefMut};

use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::{Column, PgConnection, Postgres, Row as _, TypeInfo};
use time::OffsetDateTime;

use crate::store::error::StoreError;
use crate::store::sql::{Param, Row, Sql, Value};

fn bound<'q>(sql: impl sqlx::SqlSafeStr, params: &[Param<'q>]) -> Query<'q, Postgres, PgArguments> {
    params.iter().fold(sqlx::query(sql), |query, param| match *param {
        Param::Text(text) => query.bind(text),
        Param::Int(n) => query.bind(n),
        Param::Id(id) => query.bind(id.to_string()),
        Param::Bytes(bytes) => query.bind(bytes),
        Param::Bool(b) => query.bind(b),
        Param::Now => query.bind(OffsetDateTime::now_utc()),
    })
}

fn value(row: &PgRow, index: usize) -> Result<Value, StoreError> {
    let kind = row.column(index).type_info().name();
    let value = match kind {
        "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => row.try_get::<Option<String>, _>(index)?.map(Value::Text),
        "INT8" => row.try_get::<Option<i64>, _>(index)?.map(Value::Int),
        "INT4" => row.try_get::<Option<i32>, _>(index)?.map(|n| Value::Int(n.into())),
        "INT2" => row.try_get::<Option<i16>, _>(index)?.map(|n| Value::Int(n.into())),
        "BOOL" => row.try_get::<Option<bool>, _>(index)?.map(Value::Bool),
        "BYTEA" => row.try_get::<Option<Vec<u8>>, _>(index)?.map(Value::Bytes),
        other => {
            return Err(StoreError::Database(format!(
                "a query selected a column of type {other}, which the store does not read"
            )));
        }
    };
    Ok(value.unwrap_or(Value::Null))
}

#[async_trait]
impl Sql for PgConnection {
    async fn execute(&mut self, sql: &'static str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        Ok(bound(sql, params).execute(self).await?.rows_affected())
    }

    async fn fetch(&mut self, sql: &'static str, params: &[Param<'_>]) -> Result<Vec<Row>, StoreError> {
        let rows = bound(sql, params).fetch_all(self).await?;
        rows.iter().map(read_row).collect()
    }

    async fn fetch_optional(
        &mut self,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, StoreError> {
        bound(sql, params).fetch_optional(self).await?.as_ref().map(read_row).transpose()
    }

    async fn execute_built(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        Ok(bound(sqlx::AssertSqlSafe(sql.to_owned()), params).execute(self).await?.rows_affected())
    }

    async fn fetch_built(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, StoreError> {
        let rows = bound(sqlx::AssertSqlSafe(sql.to_owned()), params).fetch_all(self).await?;
        rows.iter().map(read_row).collect()
    }
}

fn read_row(row: &PgRow) -> Result<Row, StoreError> {
    Ok(Row((0..row.len()).map(|i| value(row, i)).collect::<Result<_, _>>()?))
}

/// A pooled connection lent for reads.
pub struct PgReader(pub PoolConnection<Postgres>);

impl Deref for PgReader {
    type Target = dyn Sql;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

impl DerefMut for PgReader {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut *self.0
    }
}
