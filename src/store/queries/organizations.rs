//! Organizations and their projects.

use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::project::{Organization, Project};
use crate::store::error::StoreError;
use crate::store::rows::{self, parse_id};
use crate::store::sql::{Param, Sql, id, text};

/// The organization that projects made without naming one belong to.
pub const DEFAULT_ORGANIZATION: &str = "Default Organization";

const INSERT_ORGANIZATION: &str = "INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)";
const INSERT_DEFAULT_ORGANIZATION: &str =
    "INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING";
const ORGANIZATION_NAMED: &str = "SELECT id FROM organizations WHERE name = $1";
const ORGANIZATION: &str = "SELECT id, name FROM organizations WHERE id = $1";
const ORGANIZATIONS: &str = "SELECT id, name FROM organizations ORDER BY created_at, id";
const INSERT_PROJECT: &str = "INSERT INTO projects (id, org_id, name, created_at) VALUES ($1, $2, $3, $4)";
const PROJECT: &str = "SELECT id, org_id, name FROM projects WHERE id = $1";
const PROJECTS: &str = "SELECT id, org_id, name FROM projects ORDER BY created_at, id";

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
async fn default_organization(db: &mut dyn Sql) -> Result<ObjectId, StoreError> {
    let candidate = id(ObjectId::generate());
    db.execute(INSERT_DEFAULT_ORGANIZATION, &[candidate, text(DEFAULT_ORGANIZATION), Param::Now]).await?;
    parse_id(&db.fetch_one(ORGANIZATION_NAMED, &[text(DEFAULT_ORGANIZATION)]).await?.text(0)?)
}

/// Creates a project in `org`, or in the default organization.
pub async fn create_project(
    db: &mut dyn Sql,
    name: &str,
    org: Option<ObjectId>,
) -> Result<Project, StoreError> {
    let org_id = match org {
        Some(org) => match find_organization(db, org).await? {
            Some(_) => org,
            None => return Err(StoreError::NotFound(format!("no organization has the id {org}"))),
        },
        None => default_organization(db).await?,
    };
    let project = Project { id: GroupId(ObjectId::generate()), org_id, name: name.to_owned() };
    let params = [id(project.id), id(org_id), text(name), Param::Now];
    db.execute(INSERT_PROJECT, &params)
        .await
        .map_err(|e| e.conflict_as(|| format!("a project named {name:?} already exists")))?;
    Ok(project)
}

/// The project with this id, if any.
pub async fn find_project(db: &mut dyn Sql, project: GroupId) -> Result<Option<Project>, StoreError> {
    db.fetch_optional(PROJECT, &[id(project)]).await?.map(rows::project).transpose()
}

/// Every project, oldest first.
pub async fn list_projects(db: &mut dyn Sql) -> Result<Vec<Project>, StoreError> {
    db.fetch(PROJECTS, &[]).await?.into_iter().map(rows::project).collect()
}
