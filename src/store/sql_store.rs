//! The [`Store`] of either engine, written once: each operation picks a reader or a write
//! transaction from the [`Engine`] and runs the query functions of [`super::queries`] on it.
//! Secrets are sealed and opened here, so no engine ever sees them in clear.

use std::sync::Arc;

use async_trait::async_trait;

use super::config_memory::ConfigMemory;
use super::error::StoreError;
use super::health::WriteHealth;
use super::interface::{Counts, Resealed, Store};
use super::queries::integrations::OwnedOperation;
use super::queries::projects::{self, NewProject};
use super::queries::{events, integrations, keys, organizations, rate_windows, upkeep};
use super::sql::{Engine, work};
use crate::crypto::Sealer;
use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::{ApiKey, Ha1, ProjectRole};
use crate::domain::event::{Actor, Event, EventFilter};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::{Integration, IntegrationType, Operation};
use crate::domain::project::{Organization, Project};

/// A store on one engine.
pub struct SqlStore<E> {
    pub(super) engine: E,
    pub(super) sealer: Arc<Sealer>,
    pub(super) config_memory: Arc<ConfigMemory>,
    health: WriteHealth,
}

impl<E: Engine> SqlStore<E> {
    /// The store on `engine`, sealing with `sealer`.
    pub fn new(engine: E, sealer: Sealer) -> Self {
        SqlStore {
            engine,
            sealer: Arc::new(sealer),
            config_memory: Arc::default(),
            health: WriteHealth::default(),
        }
    }
}

#[async_trait]
impl<E: Engine> Store for SqlStore<E> {
    async fn ping(&self) -> Result<(), StoreError> {
        self.engine.reader().await?.fetch("SELECT 1", &[]).await.map(drop)
    }

    fn writes_failing(&self) -> bool {
        self.health.is_failing()
    }

    fn report_pool(&self) {
        self.engine.report_pool();
    }

    async fn probe_write(&self) -> Result<(), StoreError> {
        let now = super::clock::now_ms();
        let written = self.engine.write(None, work(move |db| Box::pin(upkeep::write_probe(db, now)))).await;
        self.health.observe_probe(written)
    }

    async fn check_ready(&self) -> Result<(), StoreError> {
        if self.health.recently_probed() {
            return Ok(());
        }
        self.ping().await?;
        self.probe_write().await
    }

    async fn claim_digest_use(&self, nonce: &str, nc: &str, expires_ms: i64) -> Result<bool, StoreError> {
        self.engine.claim_digest_use(nonce, nc, expires_ms).await
    }

    async fn take_rate_budget(
        &self,
        scope: &str,
        window_start: i64,
        want: u32,
        limit: u32,
    ) -> Result<(u32, u32), StoreError> {
        let (lock, scope) = (format!("rate:{scope}"), scope.to_owned());
        let take = work(move |db| {
            Box::pin(async move { rate_windows::take(db, &scope, window_start, want, limit).await })
        });
        self.engine.write(Some(lock), take).await
    }

    async fn counts(&self) -> Result<Counts, StoreError> {
        upkeep::counts(&mut *self.engine.reader().await?).await
    }

    async fn foreign_key_ids(&self) -> Result<Vec<String>, StoreError> {
        let ids = upkeep::sealing_key_ids(&mut *self.engine.reader().await?).await?;
        Ok(ids.into_iter().filter(|id| !self.sealer.knows_key(id)).collect())
    }

    async fn create_organization(&self, name: &str) -> Result<Organization, StoreError> {
        let name = name.to_owned();
        let create =
            work(move |db| Box::pin(async move { organizations::create_organization(db, &name).await }));
        self.engine.write(None, create).await
    }

    async fn create_project(&self, name: &str, org: Option<ObjectId>) -> Result<Project, StoreError> {
        let (name, sealer) = (name.to_owned(), self.sealer.clone());
        let create = work(move |db| {
            Box::pin(async move {
                Ok(projects::create_project(db, &sealer, NewProject::named(&name, org)).await?.project)
            })
        });
        self.engine.write(None, create).await
    }

    async fn list_projects(&self) -> Result<Vec<Project>, StoreError> {
        projects::list_projects(&mut *self.engine.reader().await?).await
    }

    async fn find_project(&self, id: GroupId) -> Result<Option<Project>, StoreError> {
        projects::find_project(&mut *self.engine.reader().await?, id).await
    }

    async fn list_organizations(&self) -> Result<Vec<Organization>, StoreError> {
        organizations::list_organizations(&mut *self.engine.reader().await?).await
    }

    async fn find_organization(&self, id: ObjectId) -> Result<Option<Organization>, StoreError> {
        organizations::find_organization(&mut *self.engine.reader().await?, id).await
    }

    async fn create_api_key(&self, key: &ApiKey, ha1: &Ha1) -> Result<(), StoreError> {
        let (key, ha1, sealer) = (key.clone(), ha1.clone(), self.sealer.clone());
        let create =
            work(move |db| Box::pin(async move { keys::create_api_key(db, &sealer, &key, &ha1).await }));
        self.engine.write(None, create).await
    }

    async fn find_api_key(&self, public_key: &str) -> Result<Option<(ApiKey, Ha1)>, StoreError> {
        keys::find_api_key(&mut *self.engine.reader().await?, &self.sealer, public_key).await
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        keys::list_api_keys(&mut *self.engine.reader().await?).await
    }

    async fn grant_project_role(
        &self,
        public_key: &str,
        project: GroupId,
        role: ProjectRole,
    ) -> Result<(), StoreError> {
        let public_key = public_key.to_owned();
        let grant = work(move |db| {
            Box::pin(async move { keys::grant_project_role(db, &public_key, project, role).await })
        });
        self.engine.write(None, grant).await
    }

    async fn add_access_entry(&self, public_key: &str, entry: AccessEntry) -> Result<(), StoreError> {
        let public_key = public_key.to_owned();
        let add =
            work(move |db| Box::pin(async move { keys::add_access_entry(db, &public_key, entry).await }));
        self.engine.write(None, add).await
    }

    async fn remove_access_entry(&self, public_key: &str, entry: AccessEntry) -> Result<(), StoreError> {
        let public_key = public_key.to_owned();
        let remove =
            work(move |db| Box::pin(async move { keys::remove_access_entry(db, &public_key, entry).await }));
        self.engine.write(None, remove).await
    }

    async fn revoke_api_key(&self, public_key: &str) -> Result<(), StoreError> {
        let public_key = public_key.to_owned();
        let revoke = work(move |db| Box::pin(async move { keys::revoke_api_key(db, &public_key).await }));
        self.engine.write(None, revoke).await
    }

    async fn list_integrations(&self, group: GroupId) -> Result<Vec<Integration>, StoreError> {
        integrations::list_integrations(&mut *self.engine.reader().await?, &self.sealer, group).await
    }

    async fn get_integration(
        &self,
        group: GroupId,
        kind: IntegrationType,
    ) -> Result<Option<Integration>, StoreError> {
        integrations::get_integration(&mut *self.engine.reader().await?, &self.sealer, group, kind).await
    }

    async fn change_integration(
        &self,
        group: GroupId,
        operation: Operation<'_>,
        actor: &Actor,
    ) -> Result<Vec<Integration>, StoreError> {
        let lock = format!("integration:{group}:{}", operation.kind());
        let (operation, actor, sealer) =
            (OwnedOperation::from(operation), actor.clone(), self.sealer.clone());
        let change = work(move |db| {
            Box::pin(async move {
                integrations::change_integration(db, &sealer, group, operation.borrow(), &actor).await
            })
        });
        self.health.observe(self.engine.write(Some(lock), change).await)
    }

    async fn list_events(
        &self,
        group: GroupId,
        filter: &EventFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Event>, u64), StoreError> {
        events::list_events(&mut *self.engine.reader().await?, group, filter, offset, limit).await
    }

    async fn get_event(&self, group: GroupId, id: ObjectId) -> Result<Option<Event>, StoreError> {
        events::get_event(&mut *self.engine.reader().await?, group, id).await
    }

    async fn reseal_all(&self) -> Result<Resealed, StoreError> {
        upkeep::reseal_all(&self.engine, &self.sealer).await
    }
}
