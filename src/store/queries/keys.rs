//! API keys: their sealed Digest verifiers, roles and access lists.

use crate::crypto::Sealer;
use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::{ApiKey, Ha1, OrgRole, ProjectRole};
use crate::domain::ids::{GroupId, ObjectId};
use crate::store::clock::now_ms;
use crate::store::error::StoreError;
use crate::store::rows::{
    self, KEY_WITH_ID, KEY_WITH_ROLES_AND_ACCESS_LIST, KEYS_OF_ORGANIZATION, KEYS_WITH_ROLES_AND_ACCESS_LISTS,
};
use crate::store::sealing::{open_ha1, seal_ha1};
use crate::store::sql::{Param, Sql, id, text};

use super::projects::find_project;

/// A key with its sealed verifiers; revoked at once when `$7` says so (an imported key).
macro_rules! insert_key {
    () => {
        "INSERT INTO api_keys (id, public_key, org_id, description, ha1_sealed, created_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN $6 END)"
    };
}
const INSERT_KEY: &str = insert_key!();
const KEY_AND_ORGANIZATION: &str = "SELECT id, org_id FROM api_keys WHERE public_key = $1";
const REVOKE: &str = "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE public_key = $2";
const ADD_ACCESS_ENTRY: &str = "INSERT INTO api_key_access_list (api_key_id, entry, created_ms) \
     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
const ACCESS_ENTRIES: &str =
    "SELECT entry, created_ms FROM api_key_access_list WHERE api_key_id = $1 ORDER BY created_ms, entry";
const SET_DESCRIPTION: &str = "UPDATE api_keys SET description = $2 WHERE id = $1 AND revoked_at IS NULL";
const CLEAR_ORG_ROLES: &str = "DELETE FROM api_key_org_roles WHERE api_key_id = $1";
const CLEAR_PROJECT_ROLES: &str =
    "DELETE FROM api_key_project_roles WHERE api_key_id = $1 AND project_id = $2";
const REMOVE_ACCESS_ENTRY: &str = "DELETE FROM api_key_access_list WHERE api_key_id = $1 AND entry = $2";
const ADD_ORG_ROLE: &str =
    "INSERT INTO api_key_org_roles (api_key_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING";
const ADD_PROJECT_ROLE: &str = "INSERT INTO api_key_project_roles (api_key_id, project_id, role) \
     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";

fn no_such_key(public_key: &str) -> StoreError {
    StoreError::NotFound(format!("no API key has the public key {public_key:?}"))
}

/// The key's internal id and its organization's.
async fn key_and_organization(db: &mut dyn Sql, public_key: &str) -> Result<(String, String), StoreError> {
    let mut row = db
        .fetch_optional(KEY_AND_ORGANIZATION, &[text(public_key)])
        .await?
        .ok_or_else(|| no_such_key(public_key))?;
    Ok((row.text(0)?, row.text(1)?))
}

/// Stores a new key with its verifiers, roles and access list.
pub async fn create_api_key(
    db: &mut dyn Sql,
    sealer: &Sealer,
    key: &ApiKey,
    ha1: &Ha1,
) -> Result<(), StoreError> {
    write_key(db, INSERT_KEY, sealer, key, ha1)
        .await
        .map_err(|e| e.conflict_as(|| format!("the public key {} is taken", key.public_key)))
}

/// Writes the key's row with `insert` (one of the statements above), then its roles and
/// access list.
async fn write_key(
    db: &mut dyn Sql,
    insert: &'static str,
    sealer: &Sealer,
    key: &ApiKey,
    ha1: &Ha1,
) -> Result<(), StoreError> {
    let sealed = seal_ha1(sealer, &key.public_key, ha1);
    let params = [
        id(key.id),
        text(&key.public_key),
        id(key.org_id),
        text(&key.description),
        Param::Bytes(&sealed),
        Param::Now,
        Param::Bool(key.revoked),
    ];
    db.execute(insert, &params).await?;
    add_roles_and_access_list(db, key).await
}

async fn add_roles_and_access_list(db: &mut dyn Sql, key: &ApiKey) -> Result<(), StoreError> {
    let now = Param::Int(Some(now_ms()));
    for entry in &key.access_list {
        db.execute(ADD_ACCESS_ENTRY, &[id(key.id), text(&entry.to_string()), now]).await?;
    }
    for role in &key.org_roles {
        db.execute(ADD_ORG_ROLE, &[id(key.id), text(role.as_str())]).await?;
    }
    for (project, role) in &key.project_roles {
        db.execute(ADD_PROJECT_ROLE, &[id(key.id), id(*project), text(role.as_str())]).await?;
    }
    Ok(())
}

/// The key with this public key and its verifiers, revoked or not.
pub async fn find_api_key(
    db: &mut dyn Sql,
    sealer: &Sealer,
    public_key: &str,
) -> Result<Option<(ApiKey, Ha1)>, StoreError> {
    let Some(row) = db.fetch_optional(KEY_WITH_ROLES_AND_ACCESS_LIST, &[text(public_key)]).await? else {
        return Ok(None);
    };
    let (key, sealed) = rows::key_with_roles(row)?;
    let ha1 = open_ha1(sealer, &key.public_key, &sealed)?;
    Ok(Some((key, ha1)))
}

/// Every key, oldest first.
pub async fn list_api_keys(db: &mut dyn Sql) -> Result<Vec<ApiKey>, StoreError> {
    let rows = db.fetch(KEYS_WITH_ROLES_AND_ACCESS_LISTS, &[]).await?;
    rows.into_iter().map(|row| Ok(rows::key_with_roles(row)?.0)).collect()
}

/// Gives a key a role in a project of its own organization.
pub async fn grant_project_role(
    db: &mut dyn Sql,
    public_key: &str,
    project: GroupId,
    role: ProjectRole,
) -> Result<(), StoreError> {
    let (key_id, key_org) = key_and_organization(db, public_key).await?;
    let target = find_project(db, project)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no project has the id {project}")))?;
    if target.org_id.to_string() != key_org {
        return Err(StoreError::Conflict(format!(
            "the key {public_key} belongs to organization {key_org}, the project {project} to {}",
            target.org_id
        )));
    }
    db.execute(ADD_PROJECT_ROLE, &[text(&key_id), id(project), text(role.as_str())]).await?;
    Ok(())
}

/// Adds an entry to a key's access list (nothing if it is there).
pub async fn add_access_entry(
    db: &mut dyn Sql,
    public_key: &str,
    entry: AccessEntry,
) -> Result<(), StoreError> {
    let (key_id, _) = key_and_organization(db, public_key).await?;
    db.execute(ADD_ACCESS_ENTRY, &[text(&key_id), text(&entry.to_string()), Param::Int(Some(now_ms()))])
        .await?;
    Ok(())
}

/// Removes an entry from a key's access list; `NotFound` if it is not there.
pub async fn remove_access_entry(
    db: &mut dyn Sql,
    public_key: &str,
    entry: AccessEntry,
) -> Result<(), StoreError> {
    let (key_id, _) = key_and_organization(db, public_key).await?;
    match db.execute(REMOVE_ACCESS_ENTRY, &[text(&key_id), text(&entry.to_string())]).await? {
        0 => Err(StoreError::NotFound(format!("{entry} is not on the access list of {public_key}"))),
        _ => Ok(()),
    }
}

/// Revokes a key (its first revocation time stays); `NotFound` if there is no such key.
pub async fn revoke_api_key(db: &mut dyn Sql, public_key: &str) -> Result<(), StoreError> {
    match db.execute(REVOKE, &[Param::Now, text(public_key)]).await? {
        0 => Err(no_such_key(public_key)),
        _ => Ok(()),
    }
}

/// The live (not revoked) key with this id, if any.
pub async fn find_by_id(db: &mut dyn Sql, key_id: ObjectId) -> Result<Option<ApiKey>, StoreError> {
    let Some(row) = db.fetch_optional(KEY_WITH_ID, &[id(key_id)]).await? else {
        return Ok(None);
    };
    Ok(Some(rows::key_with_roles(row)?.0))
}

/// The organization's live keys, oldest first.
pub async fn keys_of(db: &mut dyn Sql, org: ObjectId) -> Result<Vec<ApiKey>, StoreError> {
    let rows = db.fetch(KEYS_OF_ORGANIZATION, &[id(org)]).await?;
    rows.into_iter().map(|row| Ok(rows::key_with_roles(row)?.0)).collect()
}

fn no_key_with_id(key_id: ObjectId) -> StoreError {
    StoreError::NotFound(format!("no API key has the id {key_id}"))
}

/// Changes a live key's description and/or organization roles; the key as it is after.
pub async fn update_key(
    db: &mut dyn Sql,
    key_id: ObjectId,
    description: Option<&str>,
    org_roles: Option<&[OrgRole]>,
) -> Result<ApiKey, StoreError> {
    let key = find_by_id(db, key_id).await?.ok_or_else(|| no_key_with_id(key_id))?;
    if let Some(description) = description {
        db.execute(SET_DESCRIPTION, &[id(key_id), text(description)]).await?;
    }
    if let Some(roles) = org_roles {
        db.execute(CLEAR_ORG_ROLES, &[id(key.id)]).await?;
        for role in roles {
            db.execute(ADD_ORG_ROLE, &[id(key.id), text(role.as_str())]).await?;
        }
    }
    find_by_id(db, key_id).await?.ok_or_else(|| no_key_with_id(key_id))
}

/// Sets a live key's roles in one project of its organization (none: unassigns it).
pub async fn set_project_roles(
    db: &mut dyn Sql,
    key_id: ObjectId,
    project: GroupId,
    roles: &[ProjectRole],
) -> Result<ApiKey, StoreError> {
    find_by_id(db, key_id).await?.ok_or_else(|| no_key_with_id(key_id))?;
    db.execute(CLEAR_PROJECT_ROLES, &[id(key_id), id(project)]).await?;
    for role in roles {
        db.execute(ADD_PROJECT_ROLE, &[id(key_id), id(project), text(role.as_str())]).await?;
    }
    find_by_id(db, key_id).await?.ok_or_else(|| no_key_with_id(key_id))
}

/// A key's access-list entries with when each was added (if known), oldest first.
pub async fn access_entries(
    db: &mut dyn Sql,
    key_id: ObjectId,
) -> Result<Vec<(AccessEntry, Option<i64>)>, StoreError> {
    let rows = db.fetch(ACCESS_ENTRIES, &[id(key_id)]).await?;
    rows.into_iter()
        .map(|mut row| {
            let entry = row.text(0)?.parse().map_err(StoreError::Corrupt)?;
            Ok((entry, row.optional_int(1)?))
        })
        .collect()
}
