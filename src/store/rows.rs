//! Rows as both engines return them, turned into domain values: one place, so the engines
//! cannot drift apart in how they read what they store. Each function names the columns it
//! expects, in order; the statements that feed it select exactly those.

use std::str::FromStr;

use crate::domain::api_key::{ApiKey, OrgRole, ProjectRole};
use crate::domain::event::{Event, EventType};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::IntegrationType;
use crate::domain::project::{Organization, Project, ProjectRecord};

use super::error::StoreError;
use super::sql::Row;

/// Parses an id read from the database.
pub fn parse_id(text: &str) -> Result<ObjectId, StoreError> {
    ObjectId::parse(text).ok_or_else(|| StoreError::Corrupt(format!("bad id {text:?} in the database")))
}

/// An organization from (`id`, `name`).
pub fn organization(mut row: Row) -> Result<Organization, StoreError> {
    Ok(Organization { id: parse_id(&row.text(0)?)?, name: row.text(1)? })
}

/// A project from (`id`, `org_id`, `name`).
pub fn project(mut row: Row) -> Result<Project, StoreError> {
    Ok(Project {
        id: GroupId(parse_id(&row.text(0)?)?),
        org_id: parse_id(&row.text(1)?)?,
        name: row.text(2)?,
    })
}

/// A project and its tags from (`id`, `org_id`, `name`, `tags`, `with_default_alerts`).
pub fn project_record(mut row: Row) -> Result<ProjectRecord, StoreError> {
    let (tags, with_default_alerts) = (row.text(3)?, row.bool(4)?);
    let tags =
        serde_json::from_str(&tags).map_err(|e| StoreError::Corrupt(format!("a project's tags: {e}")))?;
    Ok(ProjectRecord { project: project(row)?, tags, with_default_alerts })
}

/// A key with its organization roles, its project roles (each `PROJECT:ROLE`) and its access
/// list, each joined with commas (none of ids, role names or addresses has one): one
/// statement, so one snapshot and one round trip.
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

/// The key with the public key `$1`, read by [`key_with_roles`].
pub const KEY_WITH_ROLES_AND_ACCESS_LIST: &str =
    concat!(keys_with_roles_and_access_lists!(), " WHERE k.public_key = $1");

/// The live key with the id `$1`, read by [`key_with_roles`].
pub const KEY_WITH_ID: &str =
    concat!(keys_with_roles_and_access_lists!(), " WHERE k.id = $1 AND k.revoked_at IS NULL");

/// The live keys of the organization `$1`, oldest first, each read by [`key_with_roles`].
pub const KEYS_OF_ORGANIZATION: &str = concat!(
    keys_with_roles_and_access_lists!(),
    " WHERE k.org_id = $1 AND k.revoked_at IS NULL ORDER BY k.created_at, k.id"
);

/// Every key, oldest first, each read by [`key_with_roles`].
pub const KEYS_WITH_ROLES_AND_ACCESS_LISTS: &str =
    concat!(keys_with_roles_and_access_lists!(), " ORDER BY k.created_at, k.id");

fn split_list(joined: &Option<String>) -> impl Iterator<Item = &str> {
    joined.as_deref().unwrap_or("").split(',').filter(|item| !item.is_empty())
}

/// A key from a row of [`KEY_WITH_ROLES_AND_ACCESS_LIST`], with its verifiers still sealed.
pub fn key_with_roles(mut row: Row) -> Result<(ApiKey, Vec<u8>), StoreError> {
    let (org_roles, project_roles, access_list) =
        (row.optional_text(6)?, row.optional_text(7)?, row.optional_text(8)?);
    let corrupt = StoreError::Corrupt;
    let key = ApiKey {
        id: parse_id(&row.text(0)?)?,
        org_id: parse_id(&row.text(1)?)?,
        public_key: row.text(2)?,
        description: row.text(3)?,
        org_roles: split_list(&org_roles)
            .map(|role| OrgRole::from_str(role).map_err(corrupt))
            .collect::<Result<_, _>>()?,
        project_roles: split_list(&project_roles)
            .map(|pair| {
                let (project, role) = pair.split_once(':').unwrap_or(("", pair));
                Ok((GroupId(parse_id(project)?), ProjectRole::from_str(role).map_err(corrupt)?))
            })
            .collect::<Result<_, StoreError>>()?,
        access_list: split_list(&access_list)
            .map(|entry| entry.parse().map_err(corrupt))
            .collect::<Result<_, _>>()?,
        revoked: row.bool(5)?,
    };
    Ok((key, row.bytes(4)?))
}

/// An integration's row as stored: its settings still sealed.
pub struct SealedIntegration {
    /// The integration's id.
    pub id: String,
    /// Its type's name.
    pub kind: String,
    /// Its sealed settings.
    pub settings: Vec<u8>,
}

/// An integration's row from (`id`, `type`, `settings`).
pub fn sealed_integration(mut row: Row) -> Result<SealedIntegration, StoreError> {
    Ok(SealedIntegration { id: row.text(0)?, kind: row.text(1)?, settings: row.bytes(2)? })
}

/// Columns of an event, in the order [`event`] reads them.
macro_rules! event_columns {
    () => {
        "id, project_id, org_id, created_ms, event_type, integration_type, api_key_id, public_key, remote_address"
    };
}
pub(crate) use event_columns;

/// An event from the columns of [`event_columns`].
pub fn event(mut row: Row) -> Result<Event, StoreError> {
    let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("bad {what} {value:?} in an event"));
    let event_type = row.text(4)?;
    let integration_type = row.text(5)?;
    Ok(Event {
        id: parse_id(&row.text(0)?)?,
        group: GroupId(parse_id(&row.text(1)?)?),
        org_id: parse_id(&row.text(2)?)?,
        created_ms: row.int(3)?,
        event_type: EventType::parse(&event_type).ok_or_else(|| corrupt("event type", &event_type))?,
        integration_type: IntegrationType::parse(&integration_type)
            .ok_or_else(|| corrupt("integration type", &integration_type))?,
        api_key_id: parse_id(&row.text(6)?)?,
        public_key: row.text(7)?,
        remote_address: row.optional_text(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sql::Value;

    fn text(value: &str) -> Value {
        Value::Text(value.to_owned())
    }

    #[test]
    fn a_key_row_gives_its_roles_and_access_list_and_keeps_the_verifier_sealed() {
        let org = "5f0000000000000000000001";
        let project = "5f0000000000000000000002";
        let row = Row(vec![
            text("5f0000000000000000000003"),
            text(org),
            text("abcdefgh"),
            text("ci"),
            Value::Bytes(vec![1, 2, 3]),
            Value::Int(0),
            text("ORG_OWNER,ORG_READ_ONLY"),
            text(&format!("{project}:GROUP_OWNER")),
            Value::Null,
        ]);
        let (key, sealed) = key_with_roles(row).unwrap();
        assert_eq!(key.org_roles, vec![OrgRole::OrgOwner, OrgRole::OrgReadOnly]);
        assert_eq!(key.project_roles, vec![(GroupId(parse_id(project).unwrap()), ProjectRole::GroupOwner)]);
        assert!(key.access_list.is_empty());
        assert!(!key.revoked);
        assert_eq!(sealed, vec![1, 2, 3]);
    }

    #[test]
    fn an_unreadable_value_is_corrupt_data_not_a_panic() {
        let row = Row(vec![text("not an id"), text("x")]);
        assert!(matches!(organization(row), Err(StoreError::Corrupt(_))));
        let short = Row(vec![text("5f0000000000000000000001")]);
        assert!(matches!(organization(short), Err(StoreError::Corrupt(_))));
    }
}
