//! [`DirectoryStore`] for either engine, written once, as [`super::sql_store`] is for the rest.

use async_trait::async_trait;

use super::directory::{DirectoryStore, NewProject, ProjectChange};
use super::error::StoreError;
use super::queries::{keys, organizations, projects};
use super::sql::{Engine, work};
use super::sql_store::SqlStore;
use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::{ApiKey, OrgRole, ProjectRole};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::project::{Organization, ProjectRecord, ResourceTag};
use crate::domain::project_options::{OptionsChange, ProjectOptions};

#[async_trait]
impl<E: Engine> DirectoryStore for SqlStore<E> {
    async fn rename_organization(&self, org: ObjectId, name: &str) -> Result<Organization, StoreError> {
        let name = name.to_owned();
        let rename =
            work(move |db| Box::pin(async move { organizations::rename_organization(db, org, &name).await }));
        self.write_announced(None, rename).await
    }

    async fn delete_organization(&self, org: ObjectId) -> Result<(), StoreError> {
        let delete =
            work(move |db| Box::pin(async move { organizations::delete_organization(db, org).await }));
        self.write_announced(None, delete).await
    }

    async fn create_project_with(&self, new: NewProject) -> Result<ProjectRecord, StoreError> {
        let sealer = self.sealer.clone();
        let configured = !new.alert_configs.is_empty();
        let create =
            work(move |db| Box::pin(async move { projects::create_project(db, &sealer, new).await }));
        let created = self.write_announced(None, create).await?;
        if configured {
            self.refresh_configs_of(created.project.id).await;
        }
        Ok(created)
    }

    async fn project_record(&self, group: GroupId) -> Result<Option<ProjectRecord>, StoreError> {
        projects::find_record(&mut *self.engine.reader().await?, group).await
    }

    async fn project_records(&self, org: Option<ObjectId>) -> Result<Vec<ProjectRecord>, StoreError> {
        projects::list_records(&mut *self.engine.reader().await?, org).await
    }

    async fn projects_named(&self, name: &str) -> Result<Vec<ProjectRecord>, StoreError> {
        projects::records_named(&mut *self.engine.reader().await?, name).await
    }

    async fn update_project(
        &self,
        group: GroupId,
        name: Option<String>,
        tags: Option<Vec<ResourceTag>>,
        with_default_alerts: Option<bool>,
    ) -> Result<ProjectRecord, StoreError> {
        let update = work(move |db| {
            Box::pin(async move {
                let change =
                    ProjectChange { name: name.as_deref(), tags: tags.as_deref(), with_default_alerts };
                projects::update_project(db, group, change).await
            })
        });
        self.write_announced(None, update).await
    }

    async fn delete_project(&self, group: GroupId) -> Result<bool, StoreError> {
        let delete = work(move |db| Box::pin(async move { projects::delete_project(db, group).await }));
        let deleted = self.write_announced(None, delete).await?;
        self.config_memory.forget(group);
        Ok(deleted)
    }

    async fn project_options(&self, group: GroupId) -> Result<ProjectOptions, StoreError> {
        projects::options(&mut *self.engine.reader().await?, group).await
    }

    async fn change_project_options(
        &self,
        group: GroupId,
        change: OptionsChange,
    ) -> Result<ProjectOptions, StoreError> {
        let apply =
            work(move |db| Box::pin(async move { projects::change_options(db, group, change).await }));
        self.write_announced(Some(format!("project-options:{group}")), apply).await
    }

    async fn api_key_by_id(&self, key: ObjectId) -> Result<Option<ApiKey>, StoreError> {
        keys::find_by_id(&mut *self.engine.reader().await?, key).await
    }

    async fn api_keys_of(&self, org: ObjectId) -> Result<Vec<ApiKey>, StoreError> {
        keys::keys_of(&mut *self.engine.reader().await?, org).await
    }

    async fn update_api_key(
        &self,
        key: ObjectId,
        description: Option<String>,
        org_roles: Option<Vec<OrgRole>>,
    ) -> Result<ApiKey, StoreError> {
        let update = work(move |db| {
            Box::pin(
                async move { keys::update_key(db, key, description.as_deref(), org_roles.as_deref()).await },
            )
        });
        self.write_announced(None, update).await
    }

    async fn set_api_key_project_roles(
        &self,
        key: ObjectId,
        group: GroupId,
        roles: Vec<ProjectRole>,
    ) -> Result<ApiKey, StoreError> {
        let set =
            work(move |db| Box::pin(async move { keys::set_project_roles(db, key, group, &roles).await }));
        self.write_announced(None, set).await
    }

    async fn api_key_access_entries(
        &self,
        key: ObjectId,
    ) -> Result<Vec<(AccessEntry, Option<i64>)>, StoreError> {
        keys::access_entries(&mut *self.engine.reader().await?, key).await
    }
}
