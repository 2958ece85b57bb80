//! Integration changes on SQLite, applied by the writer's own thread (see [`super::group_commit`])
//! straight through SQLite: a change is a few statements, and running them in place rather
//! than through a driver's worker thread keeps the one writer from waiting on hand-offs.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, named_params};

use super::rows::INSERT_EVENT;
use super::sealing::seal_integration;
use super::sqlite_reads::{integration_in, integrations_in};
use super::{Durability, StoreError, event_type_of, now_ms};
use crate::crypto::Sealer;
use crate::domain::event::Actor;
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::{Integration, Operation};

/// Writes an integration's row, replacing the project's one of that type (binds: project,
/// type, id, sealed settings, time).
pub const UPSERT_INTEGRATION: &str = "INSERT INTO integrations (project_id, type, id, settings, updated_at) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (project_id, type) DO UPDATE SET id = excluded.id, \
     settings = excluded.settings, updated_at = excluded.updated_at";

/// How long the writer waits for another process (an admin command) to finish its write.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The writer's connection to the database file at `path`, flushing each commit to disk
/// (`synchronous=FULL`) unless durability is relaxed (`NORMAL`: the log is flushed at
/// checkpoints, so a commit survives a crash of the process, not of the machine).
pub fn open_writer(path: &Path, durability: Durability) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.pragma_update(None, "foreign_keys", true)?;
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::Relaxed => "NORMAL",
    };
    connection.pragma_update(None, "synchronous", synchronous)?;
    Ok(connection)
}

/// Applies one change inside the caller's transaction, records its event, and returns the
/// project's integrations after it.
pub fn apply_change(
    connection: &Connection,
    sealer: &Sealer,
    group: GroupId,
    operation: Operation<'_>,
    actor: &Actor,
) -> Result<Vec<Integration>, StoreError> {
    let kind = operation.kind();
    let current = integration_in(connection, sealer, group, kind)?;
    match operation.apply(current.as_ref())? {
        Some(next) => write_integration(connection, sealer, group, &next)?,
        None => {
            connection
                .prepare_cached("DELETE FROM integrations WHERE project_id = $1 AND type = $2")?
                .execute([group.to_string(), kind.as_str().to_owned()])?;
        }
    }
    // By name: the statement's parameters do not appear in number order.
    connection.prepare_cached(INSERT_EVENT)?.execute(named_params! {
        "$1": ObjectId::generate().to_string(),
        "$2": group.to_string(),
        "$3": now_ms(),
        "$4": event_type_of(&operation).as_str(),
        "$5": kind.as_str(),
        "$6": actor.api_key_id.to_string(),
        "$7": &actor.public_key,
        "$8": actor.remote_address.map(|ip| ip.to_string()),
    })?;
    integrations_in(connection, sealer, group)
}

fn write_integration(
    connection: &Connection,
    sealer: &Sealer,
    group: GroupId,
    integration: &Integration,
) -> Result<(), StoreError> {
    connection.prepare_cached(UPSERT_INTEGRATION)?.execute(rusqlite::params![
        group.to_string(),
        integration.kind.as_str(),
        integration.id.to_string(),
        seal_integration(sealer, group, integration),
        super::sqlite::now(),
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synchronous_of(durability: Durability) -> i64 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        Connection::open(&path).unwrap().pragma_update(None, "journal_mode", "WAL").unwrap();
        let writer = open_writer(&path, durability).unwrap();
        writer.query_row("PRAGMA synchronous", [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn the_writer_flushes_every_commit_unless_durability_is_relaxed() {
        assert_eq!(synchronous_of(Durability::Full), 2, "FULL");
        assert_eq!(synchronous_of(Durability::Relaxed), 1, "NORMAL");
    }
}
