//! The SQLite schema, applied through rusqlite with the bookkeeping of sqlx's migrator: the
//! same `_sqlx_migrations` table, versions and checksums, so that a database made by an
//! earlier version (migrated by sqlx) carries on, and each runner sees the other's work.
//! Each migration is applied in its own `BEGIN IMMEDIATE` transaction that first looks again
//! whether it is applied, so two processes starting together never apply one twice.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sqlx::migrate::{MigrateError, Migration, Migrator};

use crate::store::error::StoreError;

/// The migrations of `migrations/sqlite`, embedded in the binary.
pub static MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");

const BOOKKEEPING: &str = "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
)";

/// Brings the database at `path` up to the newest schema; returns how many migrations it
/// applied.
pub fn migrate(path: &Path) -> Result<usize, StoreError> {
    let mut connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(10))?;
    // A migration may rebuild a table others refer to (SQLite cannot alter a constraint), which
    // takes foreign keys off while it runs (they cannot be switched inside a transaction);
    // each migration is checked for dangling references before it commits instead.
    connection.pragma_update(None, "foreign_keys", false)?;
    connection.execute_batch(BOOKKEEPING)?;
    if let Some(version) = connection
        .query_row(
            "SELECT version FROM _sqlx_migrations WHERE success = FALSE ORDER BY version LIMIT 1",
            [],
            |row| row.get::<_, i64>(0),
        )
        .optional()?
    {
        return Err(MigrateError::Dirty(version).into());
    }
    let known: Vec<&Migration> =
        MIGRATIONS.iter().filter(|m| !m.migration_type.is_down_migration()).collect();
    let newest_known = known.iter().map(|m| m.version).max().unwrap_or(0);
    let newest_applied: Option<i64> =
        connection.query_row("SELECT MAX(version) FROM _sqlx_migrations", [], |row| row.get(0))?;
    if let Some(version) = newest_applied.filter(|&v| v > newest_known) {
        // A newer binary migrated this database: this one does not know its schema.
        return Err(MigrateError::VersionMissing(version).into());
    }
    let mut applied = 0;
    for migration in known {
        applied += usize::from(apply(&mut connection, migration)?);
    }
    Ok(applied)
}

/// Applies `migration` unless it is applied; `true` if it was applied now.
fn apply(connection: &mut Connection, migration: &Migration) -> Result<bool, StoreError> {
    let started = Instant::now();
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let recorded: Option<Vec<u8>> = transaction
        .query_row("SELECT checksum FROM _sqlx_migrations WHERE version = ?1", [migration.version], |row| {
            row.get(0)
        })
        .optional()?;
    match recorded {
        Some(checksum) if checksum == *migration.checksum => return Ok(false),
        Some(_) => return Err(MigrateError::VersionMismatch(migration.version).into()),
        None => {}
    }
    transaction.execute_batch(migration.sql.as_str())?;
    let dangling: i64 =
        transaction.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |row| row.get(0))?;
    if dangling > 0 {
        return Err(StoreError::Corrupt(format!(
            "migration {} would leave {dangling} row(s) referring to rows that do not exist; nothing was changed",
            migration.version
        )));
    }
    transaction.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (?1, ?2, TRUE, ?3, ?4)",
        params![
            migration.version,
            &*migration.description,
            &*migration.checksum,
            started.elapsed().as_nanos() as i64
        ],
    )?;
    transaction.commit()?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(path: &Path) -> Vec<i64> {
        let connection = Connection::open(path).unwrap();
        let mut statement =
            connection.prepare("SELECT version FROM _sqlx_migrations ORDER BY version").unwrap();
        statement.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn a_new_database_gets_every_migration_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let count = MIGRATIONS.iter().count();
        assert_eq!(migrate(&path).unwrap(), count);
        assert_eq!(migrate(&path).unwrap(), 0, "a second run applies nothing");
        assert_eq!(versions(&path), MIGRATIONS.iter().map(|m| m.version).collect::<Vec<_>>());
    }

    #[test]
    fn a_database_that_sqlx_migrated_carries_on() {
        // As an earlier release left it: versions 1 to 5 applied by sqlx's migrator, with
        // the bookkeeping rows it wrote.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("earlier.db");
        let earlier = Connection::open(&path).unwrap();
        for migration in MIGRATIONS.iter().filter(|m| m.version <= 5) {
            earlier.execute_batch(migration.sql.as_str()).unwrap();
        }
        earlier.execute_batch(include_str!("sqlx_migrated_to_5.sql")).unwrap();
        assert_eq!(migrate(&path).unwrap(), MIGRATIONS.iter().filter(|m| m.version > 5).count());
        assert_eq!(versions(&path), MIGRATIONS.iter().map(|m| m.version).collect::<Vec<_>>());
    }

    #[test]
    fn rebuilding_projects_and_organizations_keeps_their_rows_and_every_reference() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("before-16.db");
        let mut connection = Connection::open(&path).unwrap();
        connection.pragma_update(None, "foreign_keys", false).unwrap();
        connection.execute_batch(BOOKKEEPING).unwrap();
        for migration in MIGRATIONS.iter().filter(|m| m.version < 16) {
            apply(&mut connection, migration).unwrap();
        }
        connection
            .execute_batch(
                "INSERT INTO organizations VALUES ('aaaaaaaaaaaaaaaaaaaaaaaa', 'Org', '2026-01-01T00:00:00Z');
                 INSERT INTO projects (id, org_id, name, created_at, alert_configs_revision)
                     VALUES ('bbbbbbbbbbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaaaaaaaaaa', 'P', '2026-01-01T00:00:00Z', 7);
                 INSERT INTO api_keys VALUES ('cccccccccccccccccccccccc', 'abcdefgh', 'aaaaaaaaaaaaaaaaaaaaaaaa',
                     'k', x'00', '2026-01-01T00:00:00Z', NULL);
                 INSERT INTO api_key_project_roles VALUES
                     ('cccccccccccccccccccccccc', 'bbbbbbbbbbbbbbbbbbbbbbbb', 'GROUP_OWNER');
                 INSERT INTO api_key_access_list (api_key_id, entry) VALUES ('cccccccccccccccccccccccc', '10.0.0.0/8');",
            )
            .unwrap();
        drop(connection);
        assert_eq!(migrate(&path).unwrap(), MIGRATIONS.iter().filter(|m| m.version >= 16).count());

        let connection = Connection::open(&path).unwrap();
        connection.pragma_update(None, "foreign_keys", true).unwrap();
        let dangling: i64 = connection
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |row| row.get(0))
            .unwrap();
        assert_eq!(dangling, 0, "every reference still resolves");
        let (name, revision, tags, deleted): (String, i64, String, Option<i64>) = connection
            .query_row(
                "SELECT name, alert_configs_revision, tags, deleted_ms FROM projects WHERE id = 'bbbbbbbbbbbbbbbbbbbbbbbb'",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .unwrap();
        assert_eq!((name.as_str(), revision, tags.as_str(), deleted), ("P", 7, "[]", None));
        let twin = "INSERT INTO projects (id, org_id, name, created_at) \
                    VALUES ('dddddddddddddddddddddddd', 'aaaaaaaaaaaaaaaaaaaaaaaa', 'P', '2026-01-02T00:00:00Z')";
        assert!(connection.execute(twin, []).is_err(), "names stay unique among live projects");
        connection
            .execute("UPDATE projects SET deleted_ms = 1 WHERE id = 'bbbbbbbbbbbbbbbbbbbbbbbb'", [])
            .unwrap();
        connection.execute(twin, []).unwrap();
    }

    #[test]
    fn a_changed_migration_or_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("changed.db");
        migrate(&path).unwrap();
        let connection = Connection::open(&path).unwrap();
        connection.execute("UPDATE _sqlx_migrations SET checksum = x'00' WHERE version = 1", []).unwrap();
        assert!(matches!(migrate(&path), Err(StoreError::Migration(MigrateError::VersionMismatch(1)))));
        connection.execute("DELETE FROM _sqlx_migrations WHERE version = 1", []).unwrap();
        connection
            .execute(
                "INSERT INTO _sqlx_migrations VALUES (9999, 'future', CURRENT_TIMESTAMP, TRUE, x'00', 0)",
                [],
            )
            .unwrap();
        assert!(matches!(migrate(&path), Err(StoreError::Migration(MigrateError::VersionMissing(9999)))));
    }
}
