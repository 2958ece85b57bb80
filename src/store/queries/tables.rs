//! Every table as plain rows, for `copy` between databases: read from one engine, written to
//! the other exactly as they were (sealed blobs are bound to their rows, not to a database, so
//! they move as bytes). The list of tables is here, in the order their references need, with
//! the few that are deliberately left behind; a table this build does not know stops the copy.

use crate::store::error::StoreError;
use crate::store::sql::{Dialect, Param, Row, Sql, Value};

/// The tables `copy` carries, parents before the rows that refer to them.
pub const COPIED: &[&str] = &[
    "organizations",
    "projects",
    "api_keys",
    "api_key_org_roles",
    "api_key_project_roles",
    "api_key_access_list",
    "integrations",
    "events",
    "alert_configs",
    "alerts",
    "notifications",
    "service_accounts",
    "service_account_org_roles",
    "service_account_project_roles",
    "service_account_access_list",
    "service_account_secrets",
    "revoked_tokens",
    "console_sessions",
];

/// The tables `copy` leaves behind, and why.
pub const LEFT_BEHIND: &[(&str, &str)] = &[
    ("_sqlx_migrations", "each database records its own migrations"),
    ("digest_replays", "the Digest counts of nonces that live minutes"),
    ("write_probe", "the readiness probe's own row"),
    ("rate_windows", "request counts of windows that last a minute"),
    ("server_links", "each server records the URL it links under when it starts"),
];

/// What a column holds, as far as moving it between engines matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    Text,
    /// An integer.
    Int,
    /// A boolean (an integer on SQLite).
    Bool,
    /// Bytes.
    Bytes,
    /// A point in time (RFC 3339 text on SQLite, `TIMESTAMPTZ` on PostgreSQL).
    Time,
}

impl Kind {
    fn of(declared: &str) -> Kind {
        let declared = declared.to_ascii_lowercase();
        if declared.contains("timestamp") {
            Kind::Time
        } else if declared.contains("bool") {
            Kind::Bool
        } else if declared.contains("int") {
            Kind::Int
        } else if declared.contains("blob") || declared.contains("bytea") {
            Kind::Bytes
        } else {
            Kind::Text
        }
    }
}

/// A table's columns and every row, its values in the columns' order.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRows {
    /// The table.
    pub name: String,
    /// Its columns.
    pub columns: Vec<String>,
    /// Its rows; a time is RFC 3339 text whichever engine it came from.
    pub rows: Vec<Row>,
}

/// The tables of the database.
pub async fn table_names(db: &mut dyn Sql, dialect: Dialect) -> Result<Vec<String>, StoreError> {
    let sql = match dialect {
        Dialect::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        Dialect::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
    };
    db.fetch(sql, &[]).await?.into_iter().map(|mut row| row.text(0)).collect()
}

/// The tables of the database that this build does not know how to copy.
pub async fn unknown_tables(db: &mut dyn Sql, dialect: Dialect) -> Result<Vec<String>, StoreError> {
    let known = |name: &str| COPIED.contains(&name) || LEFT_BEHIND.iter().any(|(left, _)| *left == name);
    Ok(table_names(db, dialect).await?.into_iter().filter(|name| !known(name)).collect())
}

/// A column: its name, its type as declared, and what it holds.
struct Column {
    name: String,
    declared: String,
    kind: Kind,
}

async fn columns(db: &mut dyn Sql, dialect: Dialect, table: &str) -> Result<Vec<Column>, StoreError> {
    let sql = match dialect {
        Dialect::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
        Dialect::Postgres => {
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    let rows = db.fetch(sql, &[Param::Text(Some(table))]).await?;
    rows.into_iter()
        .map(|mut row| {
            let (name, declared) = (row.text(0)?, row.text(1)?);
            Ok(Column { name, kind: Kind::of(&declared), declared })
        })
        .collect()
}

/// Every row of `table`, times as RFC 3339 text.
pub async fn export(db: &mut dyn Sql, dialect: Dialect, table: &str) -> Result<TableRows, StoreError> {
    let columns = columns(db, dialect, table).await?;
    let selected: Vec<String> = columns
        .iter()
        .map(|column| match (dialect, column.kind) {
            (Dialect::Postgres, Kind::Time) => {
                format!("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')", column.name)
            }
            _ => column.name.clone(),
        })
        .collect();
    let sql = format!("SELECT {} FROM {table}", selected.join(", "));
    let rows = db.fetch_built(&sql, &[]).await?;
    Ok(TableRows {
        name: table.to_owned(),
        columns: columns.into_iter().map(|column| column.name).collect(),
        rows,
    })
}

/// How many rows `table` holds.
pub async fn count(db: &mut dyn Sql, table: &str) -> Result<u64, StoreError> {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    let mut rows = db.fetch_built(&sql, &[]).await?;
    rows.first_mut().map_or(Ok(0), |row| Ok(row.int(0)? as u64))
}

/// Writes `table`'s rows, each value as its column here takes it.
pub async fn import(db: &mut dyn Sql, dialect: Dialect, table: &TableRows) -> Result<(), StoreError> {
    let here = columns(db, dialect, &table.name).await?;
    let mut targets = Vec::with_capacity(table.columns.len());
    for name in &table.columns {
        let column = here.iter().find(|column| &column.name == name).ok_or_else(|| {
            StoreError::Database(format!("the table {} has no column {name} in the destination", table.name))
        })?;
        targets.push(column);
    }
    // PostgreSQL casts each value to its column's type (a time arrives as text, a NULL untyped).
    let placeholders: Vec<String> = targets
        .iter()
        .enumerate()
        .map(|(index, column)| match dialect {
            Dialect::Postgres => format!("CAST(${} AS {})", index + 1, column.declared),
            Dialect::Sqlite => format!("${}", index + 1),
        })
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        table.name,
        table.columns.join(", "),
        placeholders.join(", ")
    );
    for row in &table.rows {
        let params: Vec<Param<'_>> =
            row.0.iter().zip(&targets).map(|(value, column)| param(value, column.kind)).collect();
        db.execute_built(&sql, &params).await?;
    }
    Ok(())
}

/// `value` bound as a column of `kind` takes it.
fn param(value: &Value, kind: Kind) -> Param<'_> {
    match (value, kind) {
        (Value::Null, Kind::Int) => Param::Int(None),
        (Value::Null, _) => Param::Text(None),
        (Value::Int(n), Kind::Bool) => Param::Bool(*n != 0),
        (Value::Bool(b), _) => Param::Bool(*b),
        (Value::Int(n), _) => Param::Int(Some(*n)),
        (Value::Text(text), _) => Param::Text(Some(text)),
        (Value::Bytes(bytes), _) => Param::Bytes(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_of_both_engines_are_read_as_the_same_kinds() {
        let kinds = [
            ("TEXT", Kind::Text),
            ("character varying", Kind::Text),
            ("BIGINT", Kind::Int),
            ("integer", Kind::Int),
            ("BOOLEAN", Kind::Bool),
            ("BLOB", Kind::Bytes),
            ("bytea", Kind::Bytes),
            ("timestamp with time zone", Kind::Time),
        ];
        for (declared, kind) in kinds {
            assert_eq!(Kind::of(declared), kind, "{declared}");
        }
    }
}
