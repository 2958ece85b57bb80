//! Administrative operations shared by the command line, the first start and the tests:
//! creating projects and API keys. Private keys are generated here and returned once.

use crate::domain::api_key::{ApiKey, Ha1, OrgRole, ProjectRole, generate_private_key, generate_public_key};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::project::{Organization, Project, validate_organization_name, validate_project_name};
use crate::domain::secret::Secret;
use crate::store::{Store, StoreError};

/// Why an administrative operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The input is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A new key and its private key, which is never stored and must be shown now.
pub struct CreatedKey {
    /// The key as stored.
    pub key: ApiKey,
    /// The private key (the Digest password).
    pub private_key: Secret,
}

/// Creates a project in `org`, or in the default organization.
pub async fn create_project(
    store: &dyn Store,
    name: &str,
    org: Option<ObjectId>,
) -> Result<Project, AdminError> {
    validate_project_name(name).map_err(AdminError::Invalid)?;
    Ok(store.create_project(name, org).await?)
}

/// Creates an organization.
pub async fn create_organization(store: &dyn Store, name: &str) -> Result<Organization, AdminError> {
    validate_organization_name(name).map_err(AdminError::Invalid)?;
    Ok(store.create_organization(name).await?)
}

/// Who a new key is for.
#[derive(Clone, Copy, Debug)]
pub enum KeyGrant {
    /// A role in one project.
    Project(GroupId, ProjectRole),
    /// A role over an organization.
    Organization(ObjectId, OrgRole),
}

/// Creates an API key with one grant.
pub async fn create_api_key(
    store: &dyn Store,
    grant: KeyGrant,
    description: &str,
) -> Result<CreatedKey, AdminError> {
    let (org_id, org_roles, project_roles) = match grant {
        KeyGrant::Project(group, role) => {
            let project = store
                .find_project(group)
                .await?
                .ok_or_else(|| AdminError::Invalid(format!("no project has the id {group}")))?;
            (project.org_id, vec![], vec![(group, role)])
        }
        KeyGrant::Organization(org, role) => {
            if store.find_organization(org).await?.is_none() {
                return Err(AdminError::Invalid(format!("no organization has the id {org}")));
            }
            (org, vec![role], vec![])
        }
    };
    Ok(issue_api_key(store, org_id, description, org_roles, project_roles).await?)
}

/// Makes a key of organization `org_id` with these roles, a fresh key pair and no access
/// list: the one way keys are made, by the command line and the API alike.
pub async fn issue_api_key(
    store: &dyn Store,
    org_id: ObjectId,
    description: &str,
    org_roles: Vec<OrgRole>,
    project_roles: Vec<(GroupId, ProjectRole)>,
) -> Result<CreatedKey, StoreError> {
    let private_key = generate_private_key();
    let key = ApiKey {
        id: ObjectId::generate(),
        org_id,
        public_key: generate_public_key(),
        description: description.to_owned(),
        org_roles,
        project_roles,
        access_list: vec![],
        revoked: false,
    };
    let ha1 = Ha1::derive(&key.public_key, private_key.expose());
    store.create_api_key(&key, &ha1).await?;
    Ok(CreatedKey { key, private_key })
}

/// On an empty database, creates a first project and an owner key for it.
pub async fn bootstrap(store: &dyn Store) -> Result<Option<(Project, CreatedKey)>, AdminError> {
    if store.counts().await?.projects > 0 {
        return Ok(None);
    }
    let project = match create_project(store, "Default Project", None).await {
        Ok(project) => project,
        // Another replica starting at the same moment made it first: it prints the key.
        Err(AdminError::Store(StoreError::Conflict(_))) => return Ok(None),
        Err(other) => return Err(other),
    };
    let key = create_api_key(
        store,
        KeyGrant::Project(project.id, ProjectRole::GroupOwner),
        "created on first start",
    )
    .await?;
    Ok(Some((project, key)))
}

/// What [`copy`] found on both sides once done: each table's rows.
#[derive(Debug, Clone)]
pub struct CopyReport {
    /// Rows in the source, by table.
    pub source: Vec<(String, u64)>,
    /// Rows in the destination after the copy, by table.
    pub destination: Vec<(String, u64)>,
}

/// Copies every table the store keeps from `from` into `to`, an empty database, in one
/// transaction: ids, keys, secrets, alerts and their notifications (pending ones stay
/// pending) as they are. Refuses a destination that holds anything, and checks afterwards
/// that both sides hold the same rows.
pub async fn copy(from: &dyn Store, to: &dyn Store) -> Result<CopyReport, AdminError> {
    let tables = from.export_tables().await?;
    to.import_tables(tables).await?;
    let report = CopyReport { source: from.table_counts().await?, destination: to.table_counts().await? };
    if report.source != report.destination {
        return Err(AdminError::Invalid(format!(
            "the copy does not match (the source changed meanwhile?): source {:?}, destination {:?}",
            report.source, report.destination
        )));
    }
    Ok(report)
}
