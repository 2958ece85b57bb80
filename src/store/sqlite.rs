//! The embedded SQLite store: one file, WAL journal, every commit flushed to disk before it
//! is acknowledged (`synchronous=FULL`). Writes take the database lock up front
//! (`BEGIN IMMEDIATE`), so a read-merge-write cannot interleave with another.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::sealing::{open_ha1, open_integration, seal_ha1, seal_integration};
use super::{Store, StoreError};
use crate::crypto::Sealer;
use crate::domain::api_key::{ApiKey, Ha1, OrgRole, ProjectRole};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::{Integration, IntegrationType, Operation};
use crate::domain::project::Project;

const DEFAULT_ORGANIZATION: &str = "Default Organization";

/// A store in one SQLite file.
pub struct SqliteStore {
    pool: SqlitePool,
    sealer: Sealer,
}

fn now() -> String {
    OffsetDateTime::now_utc().format(&Rfc3339).expect("the current time formats as RFC 3339")
}

fn parse_id(text: &str) -> Result<ObjectId, StoreError> {
    ObjectId::parse(text).ok_or_else(|| StoreError::Corrupt(format!("bad id {text:?} in the database")))
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` and applies migrations.
    pub async fn open(url: &str, sealer: Sealer) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool, sealer })
    }

    async fn project_roles(&self, key_id: &str) -> Result<Vec<(GroupId, ProjectRole)>, StoreError> {
        let rows = sqlx::query("SELECT project_id, role FROM api_key_project_roles WHERE api_key_id = ?1")
            .bind(key_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let project: String = row.get(0);
                let role: String = row.get(1);
                let role = ProjectRole::from_str(&role).map_err(StoreError::Corrupt)?;
                Ok((GroupId(parse_id(&project)?), role))
            })
            .collect()
    }

    async fn org_roles(&self, key_id: &str) -> Result<Vec<OrgRole>, StoreError> {
        let roles: Vec<String> =
            sqlx::query_scalar("SELECT role FROM api_key_org_roles WHERE api_key_id = ?1")
                .bind(key_id)
                .fetch_all(&self.pool)
                .await?;
        roles.iter().map(|role| OrgRole::from_str(role).map_err(StoreError::Corrupt)).collect()
    }

    async fn key_from_row(&self, row: &sqlx::sqlite::SqliteRow) -> Result<ApiKey, StoreError> {
        let id: &str = row.get("id");
        Ok(ApiKey {
            id: parse_id(id)?,
            org_id: parse_id(row.get("org_id"))?,
            public_key: row.get("public_key"),
            description: row.get("description"),
            org_roles: self.org_roles(id).await?,
            project_roles: self.project_roles(id).await?,
            revoked: row.get::<Option<String>, _>("revoked_at").is_some(),
        })
    }

    async fn integrations_in(
        &self,
        executor: impl sqlx::SqliteExecutor<'_>,
        group: GroupId,
    ) -> Result<Vec<Integration>, StoreError> {
        let rows = sqlx::query("SELECT id, type, settings FROM integrations WHERE project_id = ?1")
            .bind(group.to_string())
            .fetch_all(executor)
            .await?;
        let mut integrations = rows
            .iter()
            .map(|row| open_integration(&self.sealer, group, row.get(0), row.get(1), row.get(2)))
            .collect::<Result<Vec<_>, _>>()?;
        integrations.sort_by_key(|integration| integration.kind);
        Ok(integrations)
    }
}

fn project_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Project, StoreError> {
    Ok(Project {
        id: GroupId(parse_id(row.get("id"))?),
        org_id: parse_id(row.get("org_id"))?,
        name: row.get("name"),
    })
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_project(&self, name: &str) -> Result<Project, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let org: Option<String> = sqlx::query_scalar("SELECT id FROM organizations WHERE name = ?1")
            .bind(DEFAULT_ORGANIZATION)
            .fetch_optional(&mut *tx)
            .await?;
        let org_id = match org {
            Some(id) => parse_id(&id)?,
            None => {
                let id = ObjectId::generate();
                sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES (?1, ?2, ?3)")
                    .bind(id.to_string())
                    .bind(DEFAULT_ORGANIZATION)
                    .bind(now())
                    .execute(&mut *tx)
                    .await?;
                id
            }
        };
        let project = Project { id: GroupId(ObjectId::generate()), org_id, name: name.to_owned() };
        sqlx::query("INSERT INTO projects (id, org_id, name, created_at) VALUES (?1, ?2, ?3, ?4)")
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

    async fn list_projects(&self) -> Result<Vec<Project>, StoreError> {
        let rows = sqlx::query("SELECT id, org_id, name FROM projects ORDER BY created_at, id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(project_from_row).collect()
    }

    async fn find_project(&self, id: GroupId) -> Result<Option<Project>, StoreError> {
        let row = sqlx::query("SELECT id, org_id, name FROM projects WHERE id = ?1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(project_from_row).transpose()
    }

    async fn create_api_key(&self, key: &ApiKey, ha1: &Ha1) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO api_keys (id, public_key, org_id, description, ha1_sealed, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
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
        for role in &key.org_roles {
            sqlx::query("INSERT INTO api_key_org_roles (api_key_id, role) VALUES (?1, ?2)")
                .bind(key.id.to_string())
                .bind(role.as_str())
                .execute(&mut *tx)
                .await?;
        }
        for (project, role) in &key.project_roles {
            sqlx::query(
                "INSERT INTO api_key_project_roles (api_key_id, project_id, role) VALUES (?1, ?2, ?3)",
            )
            .bind(key.id.to_string())
            .bind(project.to_string())
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn find_api_key(&self, public_key: &str) -> Result<Option<(ApiKey, Ha1)>, StoreError> {
        let row = sqlx::query(
            "SELECT id, org_id, public_key, description, ha1_sealed, revoked_at FROM api_keys WHERE public_key = ?1",
        )
        .bind(public_key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let key = self.key_from_row(&row).await?;
        let ha1 = open_ha1(&self.sealer, &key.public_key, row.get("ha1_sealed"))?;
        Ok(Some((key, ha1)))
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, org_id, public_key, description, revoked_at FROM api_keys ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut keys = Vec::with_capacity(rows.len());
        for row in &rows {
            keys.push(self.key_from_row(row).await?);
        }
        Ok(keys)
    }

    async fn revoke_api_key(&self, public_key: &str) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?1) WHERE public_key = ?2")
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
        self.integrations_in(&self.pool, group).await
    }

    async fn get_integration(
        &self,
        group: GroupId,
        kind: IntegrationType,
    ) -> Result<Option<Integration>, StoreError> {
        let row =
            sqlx::query("SELECT id, type, settings FROM integrations WHERE project_id = ?1 AND type = ?2")
                .bind(group.to_string())
                .bind(kind.as_str())
                .fetch_optional(&self.pool)
                .await?;
        row.map(|row| open_integration(&self.sealer, group, row.get(0), row.get(1), row.get(2))).transpose()
    }

    async fn change_integration(
        &self,
        group: GroupId,
        operation: Operation<'_>,
    ) -> Result<Vec<Integration>, StoreError> {
        let kind = operation.kind();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let row =
            sqlx::query("SELECT id, type, settings FROM integrations WHERE project_id = ?1 AND type = ?2")
                .bind(group.to_string())
                .bind(kind.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        let current = row
            .map(|row| open_integration(&self.sealer, group, row.get(0), row.get(1), row.get(2)))
            .transpose()?;
        match operation.apply(current.as_ref())? {
            Some(next) => {
                sqlx::query(
                    "INSERT INTO integrations (project_id, type, id, settings, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) \
                     ON CONFLICT (project_id, type) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
                )
                .bind(group.to_string())
                .bind(kind.as_str())
                .bind(next.id.to_string())
                .bind(seal_integration(&self.sealer, group, &next))
                .bind(now())
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM integrations WHERE project_id = ?1 AND type = ?2")
                    .bind(group.to_string())
                    .bind(kind.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let after = self.integrations_in(&mut *tx, group).await?;
        tx.commit().await?;
        Ok(after)
    }
}
