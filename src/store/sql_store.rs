//! The [`Store`] of either engine, written once: each operation picks a reader or a write
//! transaction from the [`Engine`] and runs the query functions of [`super::queries`] on it.
//! Secrets are sealed and opened here, so no engine ever sees them in clear.

use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

use async_trait::async_trait;

use super::config_memory::ConfigMemory;
use super::error::StoreError;
use super::health::WriteHealth;
use super::interface::{Counts, Resealed, Store};
use super::queries::integrations::OwnedOperation;
use super::queries::projects::{self, NewProject};
use super::queries::{events, integrations, keys, organizations, rate_windows, server_links, upkeep};
use super::read_cache::{ANNOUNCE, Kept, ReadCache};
use super::sql::{Engine, Work, work};
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
    /// The reads kept in memory, on an engine that tells of changes (both do).
    pub(super) read_cache: Option<Arc<ReadCache>>,
    health: WriteHealth,
}

impl<E: Engine> SqlStore<E> {
    /// The store on `engine`, sealing with `sealer`.
    pub fn new(engine: E, sealer: Sealer) -> Self {
        let read_cache = Arc::new(ReadCache::default());
        let read_cache = engine.listen_for_changes(Arc::downgrade(&read_cache)).then_some(read_cache);
        SqlStore {
            engine,
            sealer: Arc::new(sealer),
            config_memory: Arc::default(),
            read_cache,
            health: WriteHealth::default(),
        }
    }

    /// Runs `work` in a write transaction that announces, on commit, that what replicas keep
    /// in memory may have changed; this store's own memory is dropped before it returns,
    /// whether or not the write succeeded (a commit whose answer was lost may have landed).
    pub(super) async fn write_announced<T: Send + 'static>(
        &self,
        lock: Option<String>,
        inner: Work<T>,
    ) -> Result<T, StoreError> {
        let Some(cache) = &self.read_cache else {
            return self.engine.write(lock, inner).await;
        };
        let announced = match E::SHARED_BY_REPLICAS {
            true => work(move |db| {
                Box::pin(async move {
                    let done = inner(db).await?;
                    db.execute(ANNOUNCE, &[]).await?;
                    Ok(done)
                })
            }),
            false => inner,
        };
        let written = self.engine.write(lock, announced).await;
        cache.changed();
        written
    }

    /// What `kept` holds for `key` in memory caught up with the database, or else what
    /// `read` finds, kept unless a change was announced while it read.
    pub(super) async fn remembered<K, V, R>(
        &self,
        kept: for<'c> fn(&'c ReadCache) -> &'c Kept<K, V>,
        key: K,
        read: impl FnOnce() -> R + Send,
    ) -> Result<V, StoreError>
    where
        K: Eq + Hash + Send,
        V: Clone + Send,
        R: Future<Output = Result<V, StoreError>> + Send,
    {
        let Some(cache) = &self.read_cache else {
            return read().await;
        };
        self.engine.catch_up(cache);
        if let Some(found) = cache.get(kept(cache), &key) {
            return Ok(found);
        }
        let generation = cache.generation();
        let found = read().await?;
        cache.keep(kept(cache), key, found.clone(), generation);
        Ok(found)
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

    async fn record_notifications_url(&self, url: &str) -> Result<(), StoreError> {
        let (url, now) = (url.to_owned(), super::clock::now_ms());
        let record = work(move |db| Box::pin(async move { server_links::record(db, &url, now).await }));
        self.engine.write(None, record).await
    }

    async fn notifications_url(&self) -> Result<Option<String>, StoreError> {
        server_links::read(&mut *self.engine.reader().await?).await
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
        self.write_announced(None, create).await
    }

    async fn create_project(&self, name: &str, org: Option<ObjectId>) -> Result<Project, StoreError> {
        let (name, sealer) = (name.to_owned(), self.sealer.clone());
        let create = work(move |db| {
            Box::pin(async move {
                Ok(projects::create_project(db, &sealer, NewProject::named(&name, org)).await?.project)
            })
        });
        self.write_announced(None, create).await
    }

    async fn list_projects(&self) -> Result<Vec<Project>, StoreError> {
        projects::list_projects(&mut *self.engine.reader().await?).await
    }

    async fn find_project(&self, id: GroupId) -> Result<Option<Project>, StoreError> {
        self.remembered(
            |cache| &cache.projects,
            id,
            || async { projects::find_project(&mut *self.engine.reader().await?, id).await },
        )
        .await
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
        self.write_announced(None, create).await
    }

    async fn find_api_key(&self, public_key: &str) -> Result<Option<(ApiKey, Ha1)>, StoreError> {
        self.remembered(
            |cache| &cache.keys,
            public_key.to_owned(),
            || async {
                keys::find_api_key(&mut *self.engine.reader().await?, &self.sealer, public_key).await
            },
        )
        .await
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
        self.write_announced(None, grant).await
    }

    async fn add_access_entry(&self, public_key: &str, entry: AccessEntry) -> Result<(), StoreError> {
        let public_key = public_key.to_owned();
        let add =
            work(move |db| Box::pin(async move { keys::add_access_entry(db, &public_key, entry).await }));
        self.write_announced(None, add).await
    }

    async fn remove_access_entry(&self, public_key: &str, entry: AccessEntry) -> Result<(), StoreError> {
        let public_key = public_key.to_owned();
        let remove =
            work(move |db| Box::pin(async move { keys::remove_access_entry(db, &public_key, entry).await }));
        self.write_announced(None, remove).await
    }

    async fn revoke_api_key(&self, public_key: &str) -> Result<(), StoreError> {
        let public_key = public_key.to_owned();
        let revoke = work(move |db| Box::pin(async move { keys::revoke_api_key(db, &public_key).await }));
        self.write_announced(None, revoke).await
    }

    async fn list_integrations(&self, group: GroupId) -> Result<Vec<Integration>, StoreError> {
        self.remembered(
            |cache| &cache.integrations,
            group,
            || async {
                integrations::list_integrations(&mut *self.engine.reader().await?, &self.sealer, group).await
            },
        )
        .await
    }

    async fn get_integration(
        &self,
        group: GroupId,
        kind: IntegrationType,
    ) -> Result<Option<Integration>, StoreError> {
        // A project's integrations are few: one entry in memory answers both reads.
        Ok(self.list_integrations(group).await?.into_iter().find(|integration| integration.kind == kind))
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
        self.health.observe(self.write_announced(Some(lock), change).await)
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
