//! Organizations: made, renamed and deleted. A deleted organization keeps its row (marked
//! with `deleted_ms`) and is invisible everywhere; its name is free again.

use crate::domain::ids::ObjectId;
use crate::domain::project::Organization;
use crate::store::clock::now_ms;
use crate::store::error::StoreError;
use crate::store::rows::{self, parse_id};
use crate::store::sql::{Param, Sql, id, text};

/// The organization that projects made without naming one belong to.
pub const DEFAULT_ORGANIZATION: &str = "Default Organization";

const INSERT_ORGANIZATION: &str = "INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)";
const INSERT_DEFAULT_ORGANIZATION: &str = "INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3) \
     ON CONFLICT (name) WHERE deleted_ms IS NULL DO NOTHING";
const ORGANIZATION_NAMED: &str = "SELECT id FROM organizations WHERE name = $1 AND deleted_ms IS NULL";
const ORGANIZATION: &str = "SELECT id, name FROM organizations WHERE id = $1 AND deleted_ms IS NULL";
const ORGANIZATIONS: &str =
    "SELECT id, name FROM organizations WHERE deleted_ms IS NULL ORDER BY created_at, id";
const RENAME: &str = "UPDATE organizations SET name = $2 WHERE id = $1 AND deleted_ms IS NULL";
const LIVE_PROJECTS: &str = "SELECT COUNT(*) FROM projects WHERE org_id = $1 AND deleted_ms IS NULL";
const MARK_DELETED: &str = "UPDATE organizations SET deleted_ms = $2 WHERE id = $1 AND deleted_ms IS NULL";
const REVOKE_KEYS: &str = "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE org_id = $1";
const DELETE_ACCOUNTS: &str = "DELETE FROM service_accounts WHERE org_id = $1";

/// Creates an organization; `Conflict` if the name is taken.
pub async fn create_organization(db: &mut dyn Sql, name: &str) -> Result<Organization, StoreError> {
    let organization = Organization { id: ObjectId::generate(), name: name.to_owned() };
    db.execute(INSERT_ORGANIZATION, &[id(organization.id), text(name), Param::Now])
        .await
        .map_err(|e| e.conflict_as(|| format!("an organization named {name:?} already exists")))?;
    Ok(organization)
}

/// The organization with this id, if any.
pub async fn find_organization(
    db: &mut dyn Sql,
    organization: ObjectId,
) -> Result<Option<Organization>, StoreError> {
    db.fetch_optional(ORGANIZATION, &[id(organization)]).await?.map(rows::organization).transpose()
}

/// Every organization, oldest first.
pub async fn list_organizations(db: &mut dyn Sql) -> Result<Vec<Organization>, StoreError> {
    db.fetch(ORGANIZATIONS, &[]).await?.into_iter().map(rows::organization).collect()
}

/// The default organization's id, creating it on first use.
pub async fn default_organization(db: &mut dyn Sql) -> Result<ObjectId, StoreError> {
    let candidate = id(ObjectId::generate());
    db.execute(INSERT_DEFAULT_ORGANIZATION, &[candidate, text(DEFAULT_ORGANIZATION), Param::Now]).await?;
    parse_id(&db.fetch_one(ORGANIZATION_NAMED, &[text(DEFAULT_ORGANIZATION)]).await?.text(0)?)
}

fn no_such_organization(organization: ObjectId) -> StoreError {
    StoreError::NotFound(format!("no organization has the id {organization}"))
}

/// Renames an organization; `NotFound` if there is none, `Conflict` if the name is taken.
pub async fn rename_organization(
    db: &mut dyn Sql,
    organization: ObjectId,
    name: &str,
) -> Result<Organization, StoreError> {
    let renamed = db
        .execute(RENAME, &[id(organization), text(name)])
        .await
        .map_err(|e| e.conflict_as(|| format!("an organization named {name:?} already exists")))?;
    match renamed {
        0 => Err(no_such_organization(organization)),
        _ => Ok(Organization { id: organization, name: name.to_owned() }),
    }
}

/// Deletes an organization that has no projects left: its API keys are revoked and its
/// service accounts deleted with it. `NotFound` if there is none, `Busy` with the count
/// if it still has projects.
pub async fn delete_organization(db: &mut dyn Sql, organization: ObjectId) -> Result<(), StoreError> {
    let projects = db.fetch_one(LIVE_PROJECTS, &[id(organization)]).await?.int(0)?;
    if projects > 0 {
        return Err(StoreError::Conflict(format!(
            "organization {organization} still has {projects} project(s); delete them first"
        )));
    }
    let now = Param::Int(Some(now_ms()));
    if db.execute(MARK_DELETED, &[id(organization), now]).await? == 0 {
        return Err(no_such_organization(organization));
    }
    db.execute(REVOKE_KEYS, &[id(organization), Param::Now]).await?;
    db.execute(DELETE_ACCOUNTS, &[id(organization)]).await?;
    Ok(())
}
