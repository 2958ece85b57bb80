//! The request path's reads on SQLite, answered on the calling thread.
//!
//! Through sqlx every statement travels to a connection's worker thread and back, and on two
//! cores those thread hand-offs cost more than the lookups themselves (a profile of GET one
//! showed most of the server's time in the scheduler). These reads instead run SQLite
//! directly from a small pool of read-only connections: an indexed lookup in a WAL database
//! takes microseconds, never waits for the writer, and sees every commit made before it
//! began, by this process or any other (an API key revoked from the command line is refused
//! at the next request).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::StoreError;
use super::rows::{ApiKeyRow, IntegrationRow, KEY_WITH_ROLES_AND_ACCESS_LIST, KeyWithRolesRow, ProjectRow};
use super::sealing::{open_ha1, open_integration};
use crate::crypto::Sealer;
use crate::domain::api_key::{ApiKey, Ha1};
use crate::domain::ids::GroupId;
use crate::domain::integration::{Integration, IntegrationType};
use crate::domain::project::Project;

/// Idle connections kept for reuse; a read finding none opens another. Reads never wait
/// across an `.await`, so no more are in use at once than there are threads reading.
const MAX_IDLE: usize = 16;

/// How long a read waits on a lock before the request fails with 503. WAL readers do not
/// wait for writers; only recovery after a crash or a checkpoint that resets the log can
/// hold them, briefly.
const BUSY_TIMEOUT: Duration = Duration::from_millis(500);

/// A pool of read-only connections to one SQLite file.
pub struct SqliteReads {
    path: PathBuf,
    sealer: Arc<Sealer>,
    idle: Mutex<Vec<Connection>>,
}

impl SqliteReads {
    /// Reads of the database file at `path` (which must exist, in WAL mode).
    pub fn open(path: &Path, sealer: Arc<Sealer>) -> Result<Self, StoreError> {
        let reads = SqliteReads { path: path.to_owned(), sealer, idle: Mutex::new(Vec::new()) };
        let first = reads.connect()?;
        reads.put_back(first);
        Ok(reads)
    }

    fn connect(&self) -> Result<Connection, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(&self.path, flags)?;
        connection.busy_timeout(BUSY_TIMEOUT)?;
        // Read-write only so that WAL's shared memory works; nothing is ever written.
        connection.pragma_update(None, "query_only", true)?;
        Ok(connection)
    }

    fn put_back(&self, connection: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
    }

    /// Runs `read` on an idle connection (or a new one), then keeps the connection.
    fn with<T>(&self, read: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        let connection = match idle {
            Some(connection) => connection,
            None => self.connect()?,
        };
        let answer = read(&connection);
        self.put_back(connection);
        answer
    }

    /// The key with this public key, with its roles, access list and verifiers, in one
    /// statement (one snapshot, so they agree with each other).
    pub fn find_api_key(&self, public_key: &str) -> Result<Option<(ApiKey, Ha1)>, StoreError> {
        let found = self.with(|connection| {
            Ok(connection
                .prepare_cached(KEY_WITH_ROLES_AND_ACCESS_LIST)?
                .query_row([public_key], |row| {
                    Ok(KeyWithRolesRow {
                        key: ApiKeyRow {
                            id: row.get(0)?,
                            org_id: row.get(1)?,
                            public_key: row.get(2)?,
                            description: row.get(3)?,
                            ha1_sealed: row.get(4)?,
                            revoked: row.get(5)?,
                        },
                        org_roles: row.get(6)?,
                        project_roles: row.get(7)?,
                        access_list: row.get(8)?,
                    })
                })
                .optional()?)
        })?;
        let Some(row) = found else { return Ok(None) };
        let (key, sealed) = row.into_domain()?;
        let ha1 = open_ha1(&self.sealer, &key.public_key, &sealed)?;
        Ok(Some((key, ha1)))
    }

    /// The project with this id, if any.
    pub fn find_project(&self, id: GroupId) -> Result<Option<Project>, StoreError> {
        self.with(|connection| {
            connection
                .prepare_cached("SELECT id, org_id, name FROM projects WHERE id = $1")?
                .query_row([id.to_string()], |row| {
                    Ok(ProjectRow { id: row.get(0)?, org_id: row.get(1)?, name: row.get(2)? })
                })
                .optional()?
                .map(ProjectRow::into_domain)
                .transpose()
        })
    }

    /// One integration of the project.
    pub fn get_integration(
        &self,
        group: GroupId,
        kind: IntegrationType,
    ) -> Result<Option<Integration>, StoreError> {
        self.with(|connection| integration_in(connection, &self.sealer, group, kind))
    }

    /// The project's integrations in type order.
    pub fn list_integrations(&self, group: GroupId) -> Result<Vec<Integration>, StoreError> {
        self.with(|connection| integrations_in(connection, &self.sealer, group))
    }
}

/// The project's integrations, in type order, as `connection` sees them (also inside the
/// writer's transaction, to answer a change with the list after it).
pub(super) fn integrations_in(
    connection: &Connection,
    sealer: &Sealer,
    group: GroupId,
) -> Result<Vec<Integration>, StoreError> {
    let rows = connection
        .prepare_cached("SELECT id, type, settings FROM integrations WHERE project_id = $1")?
        .query_map([group.to_string()], integration_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let mut integrations = rows
        .iter()
        .map(|row| open_integration(sealer, group, &row.id, &row.kind, &row.settings))
        .collect::<Result<Vec<_>, _>>()?;
    integrations.sort_by_key(|integration| integration.kind);
    Ok(integrations)
}

/// One integration of the project, as `connection` sees it.
pub(super) fn integration_in(
    connection: &Connection,
    sealer: &Sealer,
    group: GroupId,
    kind: IntegrationType,
) -> Result<Option<Integration>, StoreError> {
    let row = connection
        .prepare_cached("SELECT id, type, settings FROM integrations WHERE project_id = $1 AND type = $2")?
        .query_row(params![group.to_string(), kind.as_str()], integration_row)
        .optional()?;
    row.map(|row| open_integration(sealer, group, &row.id, &row.kind, &row.settings)).transpose()
}

fn integration_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<IntegrationRow> {
    Ok(IntegrationRow { id: row.get(0)?, kind: row.get(1)?, settings: row.get(2)? })
}
