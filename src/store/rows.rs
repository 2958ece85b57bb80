//! Rows as both engines return them, and their conversion to domain values: one place, so
//! the engines cannot drift apart in how they read what they store.

use std::str::FromStr;

use crate::domain::api_key::{ApiKey, OrgRole, ProjectRole};
use crate::domain::event::{Event, EventType};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::IntegrationType;
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

/// A key with its organization roles, its project roles (each `PROJECT:ROLE`) and its access
/// list, each joined with commas (none of ids, role names or addresses has one): one
/// statement, so one snapshot and one round trip. Both engines accept this text.
macro_rules! keys_with_roles_and_access_lists {
    () => {
        "SELECT k.id, k.org_id, k.public_key, k.description, k.ha1_sealed, \
         k.revoked_at IS NOT NULL AS revoked, \
         (SELECT string_agg(role, ',') FROM api_key_org_roles WHERE api_key_id = k.id) AS org_roles, \
         (SELECT string_agg(project_id || ':' || role, ',') FROM api_key_project_roles WHERE api_key_id = k.id) \
           AS project_roles, \
         (SELECT string_agg(entry, ',') FROM api_key_access_list WHERE api_key_id = k.id) AS access_list \
         FROM api_keys AS k"
    };
}

/// The key with the public key `$1`, as a [`KeyWithRolesRow`].
pub const KEY_WITH_ROLES_AND_ACCESS_LIST: &str =
    concat!(keys_with_roles_and_access_lists!(), " WHERE k.public_key = $1");

/// Every key, oldest first, as [`KeyWithRolesRow`]s.
pub const KEYS_WITH_ROLES_AND_ACCESS_LISTS: &str =
    concat!(keys_with_roles_and_access_lists!(), " ORDER BY k.created_at, k.id");

/// A row of [`KEY_WITH_ROLES_AND_ACCESS_LIST`] or [`KEYS_WITH_ROLES_AND_ACCESS_LISTS`].
#[derive(sqlx::FromRow)]
pub struct KeyWithRolesRow {
    #[sqlx(flatten)]
    pub key: ApiKeyRow,
    pub org_roles: Option<String>,
    pub project_roles: Option<String>,
    pub access_list: Option<String>,
}

fn split_list(joined: Option<&str>) -> impl Iterator<Item = &str> {
    joined.unwrap_or("").split(',').filter(|item| !item.is_empty())
}

impl KeyWithRolesRow {
    /// The key, with its verifiers still sealed.
    pub fn into_domain(self) -> Result<(ApiKey, Vec<u8>), StoreError> {
        let org_roles = split_list(self.org_roles.as_deref())
            .map(|role| RoleRow { project_id: None, role: role.to_owned() });
        let project_roles = split_list(self.project_roles.as_deref()).map(|pair| {
            let (project, role) = pair.split_once(':').unwrap_or(("", pair));
            RoleRow { project_id: Some(project.to_owned()), role: role.to_owned() }
        });
        let roles = org_roles.chain(project_roles).collect();
        let access_list = split_list(self.access_list.as_deref()).map(str::to_owned).collect();
        let KeyWithRolesRow { mut key, .. } = self;
        let sealed = std::mem::take(&mut key.ha1_sealed);
        Ok((key.into_domain(roles, access_list)?, sealed))
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

/// Whether a database error is a unique-constraint violation.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// `events` row.
#[derive(sqlx::FromRow)]
pub struct EventRow {
    pub id: String,
    pub project_id: String,
    pub org_id: String,
    pub created_ms: i64,
    pub event_type: String,
    pub integration_type: String,
    pub api_key_id: String,
    pub public_key: String,
    pub remote_address: Option<String>,
}

impl EventRow {
    pub fn into_domain(self) -> Result<Event, StoreError> {
        let corrupt =
            |what: &str, value: &str| StoreError::Corrupt(format!("bad {what} {value:?} in an event"));
        Ok(Event {
            id: parse_id(&self.id)?,
            created_ms: self.created_ms,
            event_type: EventType::parse(&self.event_type)
                .ok_or_else(|| corrupt("event type", &self.event_type))?,
            group: GroupId(parse_id(&self.project_id)?),
            org_id: parse_id(&self.org_id)?,
            integration_type: IntegrationType::parse(&self.integration_type)
                .ok_or_else(|| corrupt("integration type", &self.integration_type))?,
            api_key_id: parse_id(&self.api_key_id)?,
            public_key: self.public_key,
            remote_address: self.remote_address,
        })
    }
}

/// Records an event for a change of one project (both engines accept this text). Binds:
/// id, project, created_ms, event type, integration type, key id, public key, address.
pub const INSERT_EVENT: &str = "INSERT INTO events (id, project_id, org_id, created_ms, event_type, integration_type, \
     api_key_id, public_key, remote_address) \
     SELECT $1, id, org_id, $3, $4, $5, $6, $7, $8 FROM projects WHERE id = $2";

const EVENT_FILTER: &str = "WHERE project_id = $1 AND ($2 IS NULL OR created_ms >= $2) \
     AND ($3 IS NULL OR created_ms <= $3) AND ($4 IS NULL OR event_type = $4)";

/// Counts a project's events that pass the filter binds ($2 min, $3 max, $4 type).
pub fn count_events_sql() -> String {
    format!("SELECT COUNT(*) FROM events {EVENT_FILTER}")
}

/// One page of a project's events, newest first ($5 limit, $6 offset).
pub fn page_events_sql() -> String {
    format!("SELECT * FROM events {EVENT_FILTER} ORDER BY created_ms DESC, id DESC LIMIT $5 OFFSET $6")
}

/// The one event type a filter names, if it names exactly one (two name every event).
pub fn single_type(types: &[EventType]) -> Option<&'static str> {
    match types {
        [one] => Some(one.as_str()),
        _ => None,
    }
}
