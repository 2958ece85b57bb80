//! SQLite's side of [`Sql`], straight through rusqlite on the calling thread: an indexed
//! statement takes microseconds, less than a hand-off to another thread would. Statements are
//! prepared once per connection and kept (`prepare_cached`).

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, Statement};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::store::error::StoreError;
use crate::store::sql::{Param, Row, Sql, Value};

/// Opens the existing database file at `path` for reading and writing (the readers also need
/// write access to WAL's shared memory), without rusqlite's own mutex: a connection is only
/// ever used by one thread at a time.
pub fn connect(path: &Path, busy_timeout: Duration) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(busy_timeout)?;
    Ok(connection)
}

/// The current time as SQLite's `*_at` columns keep it.
fn now() -> String {
    OffsetDateTime::now_utc().format(&Rfc3339).expect("the current time formats as RFC 3339")
}

/// Binds each `$N` of the statement to `params[N - 1]`, by name, so a parameter may appear
/// twice or out of order.
fn bind(statement: &mut Statement<'_>, params: &[Param<'_>]) -> Result<(), StoreError> {
    for index in 1..=statement.parameter_count() {
        let name = statement.parameter_name(index).unwrap_or("?");
        let param = parameter_number(name)
            .and_then(|number| params.get(number.checked_sub(1)?))
            .ok_or_else(|| StoreError::Database(format!("the statement's parameter {name} has no value")))?;
        match *param {
            Param::Text(text) => statement.raw_bind_parameter(index, text)?,
            Param::Int(n) => statement.raw_bind_parameter(index, n)?,
            Param::Id(id) => statement.raw_bind_parameter(index, id.to_hex().as_str())?,
            Param::Bytes(bytes) => statement.raw_bind_parameter(index, bytes)?,
            Param::Bool(b) => statement.raw_bind_parameter(index, b)?,
            Param::Now => statement.raw_bind_parameter(index, now())?,
        }
    }
    Ok(())
}

/// `N` of a parameter named `$N`.
fn parameter_number(name: &str) -> Option<usize> {
    let digits = name.strip_prefix('$')?;
    match digits.is_empty() || digits.len() > 4 {
        true => None,
        false => {
            digits.bytes().try_fold(0usize, |n, digit| Some(n * 10 + (digit as char).to_digit(10)? as usize))
        }
    }
}

fn value(column: ValueRef<'_>) -> Result<Value, StoreError> {
    Ok(match column {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Int(n),
        ValueRef::Real(x) => Value::Int(x as i64),
        ValueRef::Text(bytes) => Value::Text(
            String::from_utf8(bytes.to_vec())
                .map_err(|e| StoreError::Corrupt(format!("text that is not UTF-8: {e}")))?,
        ),
        ValueRef::Blob(bytes) => Value::Bytes(bytes.to_vec()),
    })
}

#[async_trait]
impl Sql for Connection {
    async fn execute(&mut self, sql: &'static str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        let mut statement = self.prepare_cached(sql)?;
        bind(&mut statement, params)?;
        Ok(statement.raw_execute()? as u64)
    }

    async fn fetch(&mut self, sql: &'static str, params: &[Param<'_>]) -> Result<Vec<Row>, StoreError> {
        let mut statement = self.prepare_cached(sql)?;
        all_rows(&mut statement, params)
    }

    async fn fetch_optional(
        &mut self,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, StoreError> {
        let mut statement = self.prepare_cached(sql)?;
        bind(&mut statement, params)?;
        let width = statement.column_count();
        let mut rows = statement.raw_query();
        rows.next()?.map(|row| read_row(row, width)).transpose()
    }

    async fn execute_built(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        let mut statement = self.prepare(sql)?;
        bind(&mut statement, params)?;
        Ok(statement.raw_execute()? as u64)
    }

    async fn fetch_built(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, StoreError> {
        all_rows(&mut self.prepare(sql)?, params)
    }
}

/// Every row of `statement` run with `params`.
fn all_rows(statement: &mut Statement<'_>, params: &[Param<'_>]) -> Result<Vec<Row>, StoreError> {
    bind(statement, params)?;
    let width = statement.column_count();
    let mut rows = statement.raw_query();
    let mut all = Vec::new();
    while let Some(row) = rows.next()? {
        all.push(read_row(row, width)?);
    }
    Ok(all)
}

fn read_row(row: &rusqlite::Row<'_>, width: usize) -> Result<Row, StoreError> {
    Ok(Row((0..width).map(|i| value(row.get_ref(i)?)).collect::<Result<_, StoreError>>()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_now<T>(future: impl std::future::Future<Output = T>) -> T {
        super::super::writer::run_now(future).expect("SQLite completes at once")
    }

    fn execute(
        connection: &mut Connection,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<u64, StoreError> {
        run_now(Sql::execute(connection, sql, params))
    }

    fn fetch(
        connection: &mut Connection,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, StoreError> {
        run_now(Sql::fetch(connection, sql, params))
    }

    #[test]
    fn parameters_bind_by_number_wherever_and_however_often_they_appear() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection.execute_batch("CREATE TABLE t (a TEXT, b INTEGER, c BLOB, d TEXT)").unwrap();
        let sql = "INSERT INTO t (a, b, c, d) SELECT $2, $1, $3, $2";
        let params = [Param::Int(Some(7)), Param::Text(Some("x")), Param::Bytes(&[1, 2])];
        assert_eq!(execute(&mut connection, sql, &params).unwrap(), 1);
        let rows =
            run_now(connection.fetch("SELECT a, b, c, d, NULL FROM t WHERE b = $1", &params[..1])).unwrap();
        let expected = [
            Value::Text("x".into()),
            Value::Int(7),
            Value::Bytes(vec![1, 2]),
            Value::Text("x".into()),
            Value::Null,
        ];
        assert_eq!(rows, vec![Row(expected.to_vec())]);
    }

    #[test]
    fn a_statement_naming_a_parameter_not_given_is_an_error_not_a_null() {
        let mut connection = Connection::open_in_memory().unwrap();
        let outcome = fetch(&mut connection, "SELECT $1, $2", &[Param::Int(Some(1))]);
        assert!(matches!(outcome, Err(StoreError::Database(message)) if message.contains("$2")));
    }
}
