//! Rows as both engines return them, and their conversion to domain values: one place, so
//! the engines cannot drift apart in how they read what they store.

use std::str::FromStr;

use crate::domain::api_key::{ApiKey, OrgRole, ProjectRole};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::project::{Organization, Project};

use super::StoreError;

/// Parses an id read from the database.
pub fn parse_id(text: &str) -> Result<ObjectId, StoreError> {
    ObjectId::parse(text).ok_or_else(|| StoreError::Corrupt(format!("bad id {text:?} in the database")))
}

/// `organizations` row.
#[derive(sqlx::FromRow)]
pub struct OrganizationRow {
    pub id: String,
    pub name: String,
}

impl OrganizationRow {
    pub fn into_domain(self) -> Result<Organization, StoreError> {
        Ok(Organization { id: parse_id(&self.id)?, name: self.name })
    }
}

/// `projects` row.
#[derive(sqlx::FromRow)]
pub struct ProjectRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
}

impl ProjectRow {
    pub fn into_domain(self) -> Result<Project, StoreError> {
        Ok(Project { id: GroupId(parse_id(&self.id)?), org_id: parse_id(&self.org_id)?, name: self.name })
    }
}

/// `api_keys` row, with its roles gathered from the role tables.
#[derive(sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: String,
    pub org_id: String,
    pub public_key: String,
    pub description: String,
    pub ha1_sealed: Vec<u8>,
    pub revoked: bool,
}

/// One role of a key: organization-wide when `project_id` is `None`.
#[derive(sqlx::FromRow)]
pub struct RoleRow {
    pub project_id: Option<String>,
    pub role: String,
}

impl ApiKeyRow {
    pub fn into_domain(self, roles: Vec<RoleRow>, access_list: Vec<String>) -> Result<ApiKey, StoreError> {
        let mut org_roles = Vec::new();
        let mut project_roles = Vec::new();
        for role in roles {
            match role.project_id {
                None => org_roles.push(OrgRole::from_str(&role.role).map_err(StoreError::Corrupt)?),
                Some(project) => project_roles.push((
                    GroupId(parse_id(&project)?),
                    ProjectRole::from_str(&role.role).map_err(StoreError::Corrupt)?,
                )),
            }
        }
        Ok(ApiKey {
            id: parse_id(&self.id)?,
            org_id: parse_id(&self.org_id)?,
            public_key: self.public_key,
            description: self.description,
            org_roles,
            project_roles,
            access_list: access_list
                .iter()
                .map(|entry| entry.parse().map_err(StoreError::Corrupt))
                .collect::<Result<_, _>>()?,
            revoked: self.revoked,
        })
    }
}

/// `integrations` row.
#[derive(sqlx::FromRow)]
pub struct IntegrationRow {
    pub id: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub settings: Vec<u8>,
}

/// The roles of one key, organization roles first (both engines accept this text).
pub const ROLES_OF_KEY: &str = "SELECT NULL AS project_id, role FROM api_key_org_roles WHERE api_key_id = $1 \
     UNION ALL SELECT project_id, role FROM api_key_project_roles WHERE api_key_id = $1";

/// The access list of one key.
pub const ACCESS_LIST_OF_KEY: &str =
    "SELECT entry FROM api_key_access_list WHERE api_key_id = $1 ORDER BY entry";

/// Whether a database error is a unique-constraint violation.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
