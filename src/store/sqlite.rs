//! The embedded SQLite store: one file, WAL journal, every commit flushed to disk before it
//! is acknowledged (`synchronous=FULL`; `NORMAL` with relaxed durability). Writes take the
//! database lock up front (`BEGIN IMMEDIATE`), so a read-merge-write cannot interleave with
//! another; integration changes go through [`GroupCommit`], one flush per batch.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::group_commit::GroupCommit;
use super::health::{WRITE_PROBE, WriteHealth};
use super::replays::ReplayMemory;
use super::rows::{
    EventRow, KEYS_WITH_ROLES_AND_ACCESS_LISTS, KeyWithRolesRow, OrganizationRow, ProjectRow,
    count_events_sql, is_unique_violation, page_events_sql, parse_id, single_type,
};
use super::sealing::{reseal_ha1, reseal_integration, seal_ha1, seal_integration};
use super::sqlite_migrations;
use super::sqlite_reads::SqliteReads;
use super::sqlite_writes::UPSERT_INTEGRATION;
use super::{Counts, DEFAULT_ORGANIZATION, Durability, PoolSettings, Resealed, Store, StoreError, now_ms};
use crate::crypto::Sealer;
use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::{ApiKey, Ha1, ProjectRole};
use crate::domain::event::{Actor, Event, EventFilter};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::{Integration, IntegrationType, Operation};
use crate::domain::project::{Organization, Project};

/// A store in one SQLite file.
pub struct SqliteStore {
    pool: SqlitePool,
    sealer: Arc<Sealer>,
    replays: ReplayMemory,
    writes: GroupCommit,
    reads: SqliteReads,
    health: WriteHealth,
}

/// The current time as stored in `*_at` columns.
pub(super) fn now() -> String {
    OffsetDateTime::now_utc().format(&Rfc3339).expect("the current time formats as RFC 3339")
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` and applies migrations.
    pub async fn open(url: &str, sealer: Sealer, settings: PoolSettings) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match settings.durability {
                Durability::Full => SqliteSynchronous::Full,
                Durability::Relaxed => SqliteSynchronous::Normal,
            })
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(settings.max_connections.clamp(1, 16))
            .acquire_timeout(settings.acquire_timeout.max(Duration::from_secs(10)))
            .connect_with(options)
            .await?;
        let sealer = Arc::new(sealer);
        let file = database_file(&pool).await?;
        let path = file.clone();
        tokio::task::spawn_blocking(move || sqlite_migrations::migrate(&path))
            .await
            .map_err(|e| StoreError::Failed(format!("the migrations stopped: {e}")))??;
        let reads = SqliteReads::open(&file, sealer.clone())?;
        let writes = GroupCommit::start(&file, settings.durability, sealer.clone())?;
        Ok(SqliteStore {
            pool,
            sealer,
            replays: ReplayMemory::default(),
            writes,
            reads,
            health: WriteHealth::default(),
        })
    }

    async fn key_id(&self, public_key: &str) -> Result<String, StoreError> {
        let id: Option<String> = sqlx::query_scalar("SELECT id FROM api_keys WHERE public_key = $1")
            .bind(public_key)
            .fetch_optional(&self.pool)
            .await?;
        id.ok_or_else(|| StoreError::NotFound(format!("no API key has the public key {public_key:?}")))
    }

    async fn insert_roles(&self, connection: &mut SqliteConnection, key: &ApiKey) -> Result<(), StoreError> {
        for entry in &key.access_list {
            sqlx::query("INSERT OR IGNORE INTO api_key_access_list (api_key_id, entry) VALUES ($1, $2)")
                .bind(key.id.to_string())
                .bind(entry.to_string())
                .execute(&mut *connection)
                .await?;
        }
        for role in &key.org_roles {
            sqlx::query("INSERT OR IGNORE INTO api_key_org_roles (api_key_id, role) VALUES ($1, $2)")
                .bind(key.id.to_string())
                .bind(role.as_str())
                .execute(&mut *connection)
                .await?;
        }
        for (project, role) in &key.project_roles {
            sqlx::query(
                "INSERT OR IGNORE INTO api_key_project_roles (api_key_id, project_id, role) VALUES ($1, $2, $3)",
            )
            .bind(key.id.to_string())
            .bind(project.to_string())
            .bind(role.as_str())
            .execute(&mut *connection)
            .await?;
        }
        Ok(())
    }
}

/// The file the pool's database lives in, as SQLite resolved it.
async fn database_file(pool: &SqlitePool) -> Result<PathBuf, StoreError> {
    let file: String = sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .fetch_one(pool)
        .await?;
    match file.is_empty() {
        true => Err(StoreError::Unsupported(
            "an SQLite database must be a file (sqlite://PATH), not in memory".into(),
        )),
        false => Ok(PathBuf::from(file)),
    }
}

async fn count(pool: &SqlitePool, table: &str) -> Result<u64, StoreError> {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await?;
    Ok(n as u64)
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn writes_failing(&self) -> bool {
        self.health.is_failing()
    }

    async fn probe_write(&self) -> Result<(), StoreError> {
        let written = sqlx::query(WRITE_PROBE).bind(now_ms()).execute(&self.pool).await;
        self.health.observe(written.map(drop).map_err(StoreError::from))
    }

    async fn claim_digest_use(&self, nonce: &str, nc: &str, expires_ms: i64) -> Result<bool, StoreError> {
        Ok(self.replays.claim(nonce, nc, expires_ms, now_ms()))
    }

    async fn counts(&self) -> Result<Counts, StoreError> {
        Ok(Counts {
            organizations: count(&self.pool, "organizations").await?,
            projects: count(&self.pool, "projects").await?,
            api_keys: count(&self.pool, "api_keys").await?,
            integrations: count(&self.pool, "integrations").await?,
        })
    }

    async fn create_project(&self, name: &str, org: Option<ObjectId>) -> Result<Project, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let org_id = match org {
            Some(id) => {
                let known: Option<String> = sqlx::query_scalar("SELECT id FROM organizations WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?;
                known.ok_or_else(|| StoreError::NotFound(format!("no organization has the id {id}")))?;
                Some(id.to_string())
            }
            None => {
                sqlx::query_scalar("SELECT id FROM organizations WHERE name = $1")
                    .bind(DEFAULT_ORGANIZATION)
                    .fetch_optional(&mut *tx)
                    .await?
            }
        };
        let org_id = match org_id {
            Some(id) => parse_id(&id)?,
            None => {
                let id = ObjectId::generate();
                sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)")
                    .bind(id.to_string())
                    .bind(DEFAULT_ORGANIZATION)
                    .bind(now())
                    .execute(&mut *tx)
                    .await?;
                id
            }
        };
        let project = Project { id: GroupId(ObjectId::generate()), org_id, name: name.to_owned() };
        sqlx::query("INSERT INTO projects (id, org_id, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(project.id.to_string())
            .bind(org_id.to_string())
            .bind(name)
            .bind(now())
            .execute(&mut *tx)
            .await
            .map_err(|e| match is_unique_violation(&e) {
                true => StoreError::Conflict(format!("a project named {name:?} already exists")),
                false => e.into(),
            })?;
        tx.commit().await?;
        Ok(project)
    }

    async fn create_organization(&self, name: &str) -> Result<Organization, StoreError> {
        let organization = Organization { id: ObjectId::generate(), name: name.to_owned() };
        sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(organization.id.to_string())
            .bind(name)
            .bind(now())
            .execute(&self.pool)
            .await
            .map_err(|e| match is_unique_violation(&e) {
                true => StoreError::Conflict(format!("an organization named {name:?} already exists")),
                false => e.into(),
            })?;
        Ok(organization)
    }

    async fn grant_project_role(
        &self,
        public_key: &str,
        project: GroupId,
        role: ProjectRole,
    ) -> Result<(), StoreError> {
        let key: Option<(String, String)> =
            sqlx::query_as("SELECT id, org_id FROM api_keys WHERE public_key = $1")
                .bind(public_key)
                .fetch_optional(&self.pool)
                .await?;
        let (key_id, key_org) =
            key.ok_or_else(|| StoreError::NotFound(format!("no API key has the public key {public_key:?}")))?;
        let target = self
            .find_project(project)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no project has the id {project}")))?;
        if target.org_id.to_string() != key_org {
            return Err(StoreError::Conflict(format!(
                "the key {public_key} belongs to organization {key_org}, the project {project} to {}",
                target.org_id
            )));
        }
        sqlx::query(
            "INSERT OR IGNORE INTO api_key_project_roles (api_key_id, project_id, role) VALUES ($1, $2, $3)",
        )
        .bind(key_id)
        .bind(project.to_string())
        .bind(role.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_projects(&self) -> Result<Vec<Project>, StoreError> {
        let rows: Vec<ProjectRow> =
            sqlx::query_as("SELECT id, org_id, name FROM projects ORDER BY created_at, id")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(ProjectRow::into_domain).collect()
    }

    async fn find_project(&self, id: GroupId) -> Result<Option<Project>, StoreError> {
        self.reads.find_project(id)
    }

    async fn list_organizations(&self) -> Result<Vec<Organization>, StoreError> {
        let rows: Vec<OrganizationRow> =
            sqlx::query_as("SELECT id, name FROM organizations ORDER BY created_at, id")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(OrganizationRow::into_domain).collect()
    }

    async fn find_organization(&self, id: ObjectId) -> Result<Option<Organization>, StoreError> {
        let row: Option<OrganizationRow> = sqlx::query_as("SELECT id, name FROM organizations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(OrganizationRow::into_domain).transpose()
    }

    async fn create_api_key(&self, key: &ApiKey, ha1: &Ha1) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO api_keys (id, public_key, org_id, description, ha1_sealed, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(key.id.to_string())
        .bind(&key.public_key)
        .bind(key.org_id.to_string())
        .bind(&key.description)
        .bind(seal_ha1(&self.sealer, &key.public_key, ha1))
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(|e| match is_unique_violation(&e) {
            true => StoreError::Conflict(format!("the public key {} is taken", key.public_key)),
            false => e.into(),
        })?;
        self.insert_roles(&mut tx, key).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_api_key(&self, public_key: &str) -> Result<Option<(ApiKey, Ha1)>, StoreError> {
        self.reads.find_api_key(public_key)
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let rows: Vec<KeyWithRolesRow> =
            sqlx::query_as(KEYS_WITH_ROLES_AND_ACCESS_LISTS).fetch_all(&self.pool).await?;
        rows.into_iter().map(|row| Ok(row.into_domain()?.0)).collect()
    }

    async fn add_access_entry(&self, public_key: &str, entry: AccessEntry) -> Result<(), StoreError> {
        let key_id = self.key_id(public_key).await?;
        sqlx::query("INSERT OR IGNORE INTO api_key_access_list (api_key_id, entry) VALUES ($1, $2)")
            .bind(key_id)
            .bind(entry.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn remove_access_entry(&self, public_key: &str, entry: AccessEntry) -> Result<(), StoreError> {
        let key_id = self.key_id(public_key).await?;
        let done = sqlx::query("DELETE FROM api_key_access_list WHERE api_key_id = $1 AND entry = $2")
            .bind(key_id)
            .bind(entry.to_string())
            .execute(&self.pool)
            .await?;
        match done.rows_affected() {
            0 => Err(StoreError::NotFound(format!("{entry} is not on the access list of {public_key}"))),
            _ => Ok(()),
        }
    }

    async fn revoke_api_key(&self, public_key: &str) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE public_key = $2")
                .bind(now())
                .bind(public_key)
                .execute(&self.pool)
                .await?;
        match done.rows_affected() {
            0 => Err(StoreError::NotFound(format!("no API key has the public key {public_key:?}"))),
            _ => Ok(()),
        }
    }

    async fn list_integrations(&self, group: GroupId) -> Result<Vec<Integration>, StoreError> {
        self.reads.list_integrations(group)
    }

    async fn get_integration(
        &self,
        group: GroupId,
        kind: IntegrationType,
    ) -> Result<Option<Integration>, StoreError> {
        self.reads.get_integration(group, kind)
    }

    async fn change_integration(
        &self,
        group: GroupId,
        operation: Operation<'_>,
        actor: &Actor,
    ) -> Result<Vec<Integration>, StoreError> {
        self.health.observe(self.writes.submit(group, operation, actor).await)
    }

    async fn list_events(
        &self,
        group: GroupId,
        filter: &EventFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Event>, u64), StoreError> {
        let kind = single_type(&filter.types);
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_events_sql()))
            .bind(group.to_string())
            .bind(filter.min_ms)
            .bind(filter.max_ms)
            .bind(kind)
            .fetch_one(&self.pool)
            .await?;
        let rows: Vec<EventRow> = sqlx::query_as(sqlx::AssertSqlSafe(page_events_sql()))
            .bind(group.to_string())
            .bind(filter.min_ms)
            .bind(filter.max_ms)
            .bind(kind)
            .bind(limit.min(i64::MAX as u64) as i64)
            .bind(offset.min(i64::MAX as u64) as i64)
            .fetch_all(&self.pool)
            .await?;
        let events = rows.into_iter().map(EventRow::into_domain).collect::<Result<_, _>>()?;
        Ok((events, total as u64))
    }

    async fn get_event(&self, group: GroupId, id: ObjectId) -> Result<Option<Event>, StoreError> {
        let row: Option<EventRow> = sqlx::query_as("SELECT * FROM events WHERE project_id = $1 AND id = $2")
            .bind(group.to_string())
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(EventRow::into_domain).transpose()
    }

    async fn reseal_all(&self) -> Result<Resealed, StoreError> {
        let mut done = Resealed::default();
        let rows: Vec<(String, String, Vec<u8>)> =
            sqlx::query_as("SELECT project_id, type, settings FROM integrations")
                .fetch_all(&self.pool)
                .await?;
        for (group, kind, sealed) in rows {
            if let Some(fresh) = reseal_integration(&self.sealer, &group, &kind, &sealed)? {
                let updated = sqlx::query(
                    "UPDATE integrations SET settings = $1 WHERE project_id = $2 AND type = $3 AND settings = $4",
                )
                .bind(fresh)
                .bind(&group)
                .bind(&kind)
                .bind(&sealed)
                .execute(&self.pool)
                .await?;
                done.integrations += updated.rows_affected();
            }
        }
        let keys: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT public_key, ha1_sealed FROM api_keys").fetch_all(&self.pool).await?;
        for (public_key, sealed) in keys {
            if let Some(fresh) = reseal_ha1(&self.sealer, &public_key, &sealed)? {
                let updated = sqlx::query(
                    "UPDATE api_keys SET ha1_sealed = $1 WHERE public_key = $2 AND ha1_sealed = $3",
                )
                .bind(fresh)
                .bind(&public_key)
                .bind(&sealed)
                .execute(&self.pool)
                .await?;
                done.api_keys += updated.rows_affected();
            }
        }
        Ok(done)
    }

    async fn import_organization(&self, organization: &Organization) -> Result<(), StoreError> {
        sqlx::query("INSERT OR IGNORE INTO organizations (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(organization.id.to_string())
            .bind(&organization.name)
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn import_project(&self, project: &Project) -> Result<(), StoreError> {
        sqlx::query("INSERT OR IGNORE INTO projects (id, org_id, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(project.id.to_string())
            .bind(project.org_id.to_string())
            .bind(&project.name)
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn import_api_key(&self, key: &ApiKey, ha1: &Ha1) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO api_keys (id, public_key, org_id, description, ha1_sealed, created_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN $6 END) \
             ON CONFLICT (id) DO UPDATE SET description = excluded.description, \
             revoked_at = COALESCE(api_keys.revoked_at, excluded.revoked_at)",
        )
        .bind(key.id.to_string())
        .bind(&key.public_key)
        .bind(key.org_id.to_string())
        .bind(&key.description)
        .bind(seal_ha1(&self.sealer, &key.public_key, ha1))
        .bind(now())
        .bind(key.revoked)
        .execute(&mut *tx)
        .await?;
        self.insert_roles(&mut tx, key).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn import_integration(&self, group: GroupId, integration: &Integration) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        write_integration(&mut tx, &self.sealer, group, integration).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn write_integration(
    connection: &mut SqliteConnection,
    sealer: &Sealer,
    group: GroupId,
    integration: &Integration,
) -> Result<(), StoreError> {
    sqlx::query(UPSERT_INTEGRATION)
        .bind(group.to_string())
        .bind(integration.kind.as_str())
        .bind(integration.id.to_string())
        .bind(seal_integration(sealer, group, integration))
        .bind(now())
        .execute(connection)
        .await?;
    Ok(())
}
