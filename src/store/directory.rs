//! What the store keeps of organizations, projects and API keys for the API that manages
//! them (Terraform's first resources); the admin commands' few operations stay in
//! [`super::Store`].

use async_trait::async_trait;

use super::error::StoreError;
pub use super::queries::projects::{NewProject, ProjectChange};
use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::{ApiKey, OrgRole, ProjectRole};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::project::{Organization, ProjectRecord, ResourceTag};
use crate::domain::project_options::{OptionsChange, ProjectOptions};

/// Organizations, projects and keys as the API manages them.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// Renames an organization; `NotFound`, or `Conflict` if the name is taken.
    async fn rename_organization(&self, org: ObjectId, name: &str) -> Result<Organization, StoreError>;
    /// Deletes an organization without projects, revoking its keys and deleting its service
    /// accounts; `NotFound`, or `Conflict` while it has projects.
    async fn delete_organization(&self, org: ObjectId) -> Result<(), StoreError>;

    /// Makes a project with its tags, owner and first alert configurations, in one
    /// transaction; `NotFound` if the organization does not exist, `Conflict` if the name is
    /// taken there.
    async fn create_project_with(&self, new: NewProject) -> Result<ProjectRecord, StoreError>;
    /// The live project with this id and its tags.
    async fn project_record(&self, group: GroupId) -> Result<Option<ProjectRecord>, StoreError>;
    /// Every live project (of `org`, if given), oldest first.
    async fn project_records(&self, org: Option<ObjectId>) -> Result<Vec<ProjectRecord>, StoreError>;
    /// The live projects called `name`, in any organization.
    async fn projects_named(&self, name: &str) -> Result<Vec<ProjectRecord>, StoreError>;
    /// Renames a project, replaces its tags and/or its recorded default-alerts choice;
    /// `NotFound`, or `Conflict` on a taken name.
    async fn update_project(
        &self,
        group: GroupId,
        name: Option<String>,
        tags: Option<Vec<ResourceTag>>,
        with_default_alerts: Option<bool>,
    ) -> Result<ProjectRecord, StoreError>;
    /// Deletes a project and everything of it but its events; `false` if it did not exist.
    async fn delete_project(&self, group: GroupId) -> Result<bool, StoreError>;
    /// The project's settings, limits and managed slow ms; `NotFound` if it is gone.
    async fn project_options(&self, group: GroupId) -> Result<ProjectOptions, StoreError>;
    /// Changes them in one transaction and returns them as they are after.
    async fn change_project_options(
        &self,
        group: GroupId,
        change: OptionsChange,
    ) -> Result<ProjectOptions, StoreError>;

    /// The live key with this id.
    async fn api_key_by_id(&self, key: ObjectId) -> Result<Option<ApiKey>, StoreError>;
    /// The organization's live keys, oldest first.
    async fn api_keys_of(&self, org: ObjectId) -> Result<Vec<ApiKey>, StoreError>;
    /// Changes a key's description and/or organization roles; `NotFound` if it is gone.
    async fn update_api_key(
        &self,
        key: ObjectId,
        description: Option<String>,
        org_roles: Option<Vec<OrgRole>>,
    ) -> Result<ApiKey, StoreError>;
    /// Sets a key's roles in one project (none: unassigned); `NotFound` if it is gone.
    async fn set_api_key_project_roles(
        &self,
        key: ObjectId,
        group: GroupId,
        roles: Vec<ProjectRole>,
    ) -> Result<ApiKey, StoreError>;
    /// A key's access list, with when each entry was added (if known).
    async fn api_key_access_entries(
        &self,
        key: ObjectId,
    ) -> Result<Vec<(AccessEntry, Option<i64>)>, StoreError>;
}
