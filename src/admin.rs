//! Administrative operations shared by the command line, the first start and the tests:
//! creating projects and API keys. Private keys are generated here and returned once.

use crate::domain::api_key::{ApiKey, Ha1, OrgRole, ProjectRole, generate_private_key, generate_public_key};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::project::{Project, validate_project_name};
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

/// Creates a project.
pub async fn create_project(store: &dyn Store, name: &str) -> Result<Project, AdminError> {
    validate_project_name(name).map_err(AdminError::Invalid)?;
    Ok(store.create_project(name).await?)
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
            let known = store.list_projects().await?.iter().any(|p| p.org_id == org);
            if !known {
                return Err(AdminError::Invalid(format!("no organization has the id {org}")));
            }
            (org, vec![role], vec![])
        }
    };
    let private_key = generate_private_key();
    let key = ApiKey {
        id: ObjectId::generate(),
        org_id,
        public_key: generate_public_key(),
        description: description.to_owned(),
        org_roles,
        project_roles,
        revoked: false,
    };
    let ha1 = Ha1::derive(&key.public_key, private_key.expose());
    store.create_api_key(&key, &ha1).await?;
    Ok(CreatedKey { key, private_key })
}

/// On an empty database, creates a first project and an owner key for it.
pub async fn bootstrap(store: &dyn Store) -> Result<Option<(Project, CreatedKey)>, AdminError> {
    if !store.list_projects().await?.is_empty() {
        return Ok(None);
    }
    let project = create_project(store, "Default Project").await?;
    let key = create_api_key(
        store,
        KeyGrant::Project(project.id, ProjectRole::GroupOwner),
        "created on first start",
    )
    .await?;
    Ok(Some((project, key)))
}
