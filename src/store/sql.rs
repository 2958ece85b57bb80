//! The small interface the queries are written against, so that each statement and each
//! reading of its rows exists once for both engines: run a statement with parameters, get
//! the number of rows changed or the rows as plain values. SQLite (rusqlite) and PostgreSQL
//! (sqlx) each implement it for their connection; [`Engine`] adds what truly differs between
//! them (where reads and writes run, how a write transaction is locked and committed, the
//! replay memory).
//!
//! Statements are written with `$1`, `$2`… placeholders, which both engines accept. A
//! parameter may appear twice or out of order; SQLite binds it by name.

use std::future::Future;
use std::ops::DerefMut;
use std::pin::Pin;

use async_trait::async_trait;

use super::error::StoreError;
use crate::domain::ids::ObjectId;

/// A value bound to a statement's `$N` placeholder.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    /// Text, or SQL `NULL`.
    Text(Option<&'a str>),
    /// A 64-bit integer, or SQL `NULL`.
    Int(Option<i64>),
    /// An id, bound as its 24 hexadecimal digits.
    Id(ObjectId),
    /// Bytes (`BLOB`, `BYTEA`).
    Bytes(&'a [u8]),
    /// A boolean (stored as 0/1 by SQLite).
    Bool(bool),
    /// The current time, for the `*_at` columns: RFC 3339 text on SQLite, `TIMESTAMPTZ` on
    /// PostgreSQL.
    Now,
}

/// Shorthand for a text parameter.
pub fn text(value: &str) -> Param<'_> {
    Param::Text(Some(value))
}

/// Shorthand for an id parameter.
pub fn id(value: impl Into<ObjectId>) -> Param<'static> {
    Param::Id(value.into())
}

/// A value read from a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// An integer (SQLite also returns booleans this way).
    Int(i64),
    /// A boolean (PostgreSQL).
    Bool(bool),
    /// Text.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
}

/// One row of a result, its columns in the order the statement selects them.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Value>);

impl Row {
    fn value(&mut self, column: usize) -> Result<Value, StoreError> {
        match self.0.get_mut(column) {
            Some(value) => Ok(std::mem::replace(value, Value::Null)),
            None => Err(StoreError::Corrupt(format!("a row has no column {column}"))),
        }
    }

    fn mismatch(column: usize, wanted: &str, found: &Value) -> StoreError {
        StoreError::Corrupt(format!("column {column} holds {found:?} where {wanted} was expected"))
    }

    /// Takes the text in `column`.
    pub fn text(&mut self, column: usize) -> Result<String, StoreError> {
        match self.value(column)? {
            Value::Text(text) => Ok(text),
            other => Err(Self::mismatch(column, "text", &other)),
        }
    }

    /// Takes the text in `column`, `None` for `NULL`.
    pub fn optional_text(&mut self, column: usize) -> Result<Option<String>, StoreError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Text(text) => Ok(Some(text)),
            other => Err(Self::mismatch(column, "text", &other)),
        }
    }

    /// The integer in `column`.
    pub fn int(&mut self, column: usize) -> Result<i64, StoreError> {
        match self.value(column)? {
            Value::Int(n) => Ok(n),
            other => Err(Self::mismatch(column, "an integer", &other)),
        }
    }

    /// The integer in `column`, `None` for `NULL`.
    pub fn optional_int(&mut self, column: usize) -> Result<Option<i64>, StoreError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Int(n) => Ok(Some(n)),
            other => Err(Self::mismatch(column, "an integer", &other)),
        }
    }

    /// The boolean in `column` (an integer on SQLite).
    pub fn bool(&mut self, column: usize) -> Result<bool, StoreError> {
        match self.value(column)? {
            Value::Bool(b) => Ok(b),
            Value::Int(n) => Ok(n != 0),
            other => Err(Self::mismatch(column, "a boolean", &other)),
        }
    }

    /// Takes the bytes in `column`.
    pub fn bytes(&mut self, column: usize) -> Result<Vec<u8>, StoreError> {
        match self.value(column)? {
            Value::Bytes(bytes) => Ok(bytes),
            other => Err(Self::mismatch(column, "bytes", &other)),
        }
    }
}

/// A connection (or a transaction on one) that runs statements.
#[async_trait]
pub trait Sql: Send {
    /// Runs a statement; how many rows it changed.
    async fn execute(&mut self, sql: &'static str, params: &[Param<'_>]) -> Result<u64, StoreError>;
    /// Runs a query; all its rows.
    async fn fetch(&mut self, sql: &'static str, params: &[Param<'_>]) -> Result<Vec<Row>, StoreError>;
    /// Runs a query; its first row, if any (the rest are not read).
    async fn fetch_optional(
        &mut self,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, StoreError>;
    /// Runs a statement built at run time (the copy between databases names tables and
    /// columns it read from the catalog; every other statement is a constant); how many rows
    /// it changed.
    async fn execute_built(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError>;
    /// Runs a query built at run time; all its rows.
    async fn fetch_built(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, StoreError>;
}

impl dyn Sql + '_ {
    /// The first row of a query that always returns one.
    pub async fn fetch_one(&mut self, sql: &'static str, params: &[Param<'_>]) -> Result<Row, StoreError> {
        self.fetch_optional(sql, params)
            .await?
            .ok_or_else(|| StoreError::Corrupt("a query that always returns a row returned none".into()))
    }
}

/// A future that borrows the connection it runs on.
pub type BoxFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'c>>;

/// The body of a write transaction: statements run on the connection it is given. It owns
/// its inputs, because on SQLite it runs on the writer's thread.
pub type Work<T> = Box<dyn for<'c> FnOnce(&'c mut dyn Sql) -> BoxFuture<'c, T> + Send>;

/// Which SQL an engine speaks, where a statement cannot be written once for both (its
/// catalog, its types): only the copy between engines needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// What differs between the engines beyond the dialect: where statements run, how a write
/// transaction is serialised and made durable, and how Digest replays are remembered.
pub trait Engine: Send + Sync + 'static {
    /// Whether replicas share this database, so a worker claiming rows must skip those
    /// another holds (`FOR UPDATE SKIP LOCKED`); SQLite has one worker.
    const SHARED_BY_REPLICAS: bool;
    /// The engine's SQL, where it differs.
    const DIALECT: Dialect;

    /// A connection to read with, outside any transaction: each statement sees every
    /// commit made before it began.
    type Reader: DerefMut<Target = dyn Sql + 'static> + Send;

    /// A connection for reads.
    fn reader(&self) -> impl Future<Output = Result<Self::Reader, StoreError>> + Send;

    /// Runs `work` in one transaction, committed (and flushed, as durability says) before
    /// this returns; an error from `work` rolls back all it did. With `lock`, the
    /// transaction first waits for every other holding the same lock (SQLite's single
    /// writer holds them all).
    fn write<T: Send + 'static>(
        &self,
        lock: Option<String>,
        work: Work<T>,
    ) -> impl Future<Output = Result<T, StoreError>> + Send;

    /// Records the pool's connections in use and idle in the metrics.
    fn report_pool(&self);

    /// Keeps `cache` told of every change announced by any process on this database, for as
    /// long as the cache lives (PostgreSQL: `LISTEN`); `false` when this engine keeps no
    /// memory of reads.
    fn listen_for_changes(&self, cache: std::sync::Weak<super::read_cache::ReadCache>) -> bool {
        let _ = cache;
        false
    }

    /// Before a read from memory: empties `cache` if the database changed in a way no
    /// announcement told of (SQLite: a commit by any other connection, such as the admin CLI's).
    fn catch_up(&self, cache: &super::read_cache::ReadCache) {
        let _ = cache;
    }

    /// Records the use of a Digest response (see [`super::Store::claim_digest_use`]).
    fn claim_digest_use(
        &self,
        nonce: &str,
        nc: &str,
        expires_ms: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Makes a [`Work`] from a closure, which must return its future boxed
/// (`|db| Box::pin(async move { … })`).
pub fn work<T, F>(body: F) -> Work<T>
where
    F: for<'c> FnOnce(&'c mut dyn Sql) -> BoxFuture<'c, T> + Send + 'static,
{
    Box::new(body)
}
