//! The one interface the HTTP layer and the admin commands use, whatever the engine:
//! everything the service keeps, as operations of the domain.

use async_trait::async_trait;

use super::accounts::AccountStore;
use super::alerting::AlertStore;
use super::directory::DirectoryStore;
use super::error::StoreError;
use super::sessions::SessionStore;
use super::tables::TableStore;
use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::{ApiKey, Ha1, ProjectRole};
use crate::domain::event::{Actor, Event, EventFilter};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::{Integration, IntegrationType, Operation};
use crate::domain::project::{Organization, Project};

/// How many rows of each kind a store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Organizations.
    pub organizations: u64,
    /// Projects.
    pub projects: u64,
    /// API keys.
    pub api_keys: u64,
    /// Integrations.
    pub integrations: u64,
    /// Service accounts.
    pub service_accounts: u64,
}

/// What a rotation re-sealed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resealed {
    /// Integration settings re-sealed.
    pub integrations: u64,
    /// API key verifiers re-sealed.
    pub api_keys: u64,
    /// Alert configurations re-sealed.
    pub alert_configs: u64,
    /// Notifications (what each carries to its destination) re-sealed.
    pub notifications: u64,
}

/// Everything the service keeps.
#[async_trait]
pub trait Store:
    AlertStore + AccountStore + DirectoryStore + SessionStore + TableStore + Send + Sync + 'static
{
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Records the URL this database's servers link notifications under (a server starting).
    async fn record_notifications_url(&self, url: &str) -> Result<(), StoreError>;
    /// The URL the last server to start recorded, if one has.
    async fn notifications_url(&self) -> Result<Option<String>, StoreError>;
    /// Whether the last integration change that reached the database failed there.
    fn writes_failing(&self) -> bool;
    /// Records the connection pool's use in the metrics (in use, idle).
    fn report_pool(&self);
    /// Makes a small durable write of its own (to `write_probe`), recording whether writes
    /// work again.
    async fn probe_write(&self) -> Result<(), StoreError>;
    /// Whether the database can be read and written now: a read and a probe write, unless a
    /// probe succeeded within the last second and no write failed since.
    async fn check_ready(&self) -> Result<(), StoreError>;
    /// Records the use of a Digest response until its nonce expires at `expires_ms`;
    /// `false` if its (nonce, nc) was used before: the request is a replay (RFC 7616: a
    /// count is used once per nonce, whatever the cnonce).
    async fn claim_digest_use(&self, nonce: &str, nc: &str, expires_ms: i64) -> Result<bool, StoreError>;
    /// Takes up to `want` of `limit` requests from `scope`'s window starting at `window_start`
    /// (seconds since the epoch), for the whole deployment; returns what was granted and what
    /// has been taken in the window after it.
    async fn take_rate_budget(
        &self,
        scope: &str,
        window_start: i64,
        want: u32,
        limit: u32,
    ) -> Result<(u32, u32), StoreError>;
    /// How many rows of each kind there are.
    async fn counts(&self) -> Result<Counts, StoreError>;
    /// The ids (hex) of the keys that sealed the stored secrets this store cannot open: empty
    /// when the key file (or a previous key) opens everything.
    async fn foreign_key_ids(&self) -> Result<Vec<String>, StoreError>;

    /// Creates an organization; `Conflict` if the name is taken.
    async fn create_organization(&self, name: &str) -> Result<Organization, StoreError>;
    /// Creates a project in `org`, or in the default organization (made on first use);
    /// `NotFound` if `org` does not exist, `Conflict` if the organization has a project of
    /// that name.
    async fn create_project(&self, name: &str, org: Option<ObjectId>) -> Result<Project, StoreError>;
    /// Every project, oldest first.
    async fn list_projects(&self) -> Result<Vec<Project>, StoreError>;
    /// The project with this id, if any.
    async fn find_project(&self, id: GroupId) -> Result<Option<Project>, StoreError>;
    /// Every organization.
    async fn list_organizations(&self) -> Result<Vec<Organization>, StoreError>;
    /// The organization with this id, if any.
    async fn find_organization(&self, id: ObjectId) -> Result<Option<Organization>, StoreError>;

    /// Stores a new API key with its Digest verifiers.
    async fn create_api_key(&self, key: &ApiKey, ha1: &Ha1) -> Result<(), StoreError>;
    /// The key with this public key and its verifiers, revoked or not.
    async fn find_api_key(&self, public_key: &str) -> Result<Option<(ApiKey, Ha1)>, StoreError>;
    /// Every key, oldest first.
    async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError>;
    /// Gives a key a role in a project of its organization.
    async fn grant_project_role(
        &self,
        public_key: &str,
        project: GroupId,
        role: ProjectRole,
    ) -> Result<(), StoreError>;
    /// Adds an entry to a key's access list (nothing if it is there).
    async fn add_access_entry(&self, public_key: &str, entry: AccessEntry) -> Result<(), StoreError>;
    /// Removes an entry from a key's access list; `NotFound` if it is not there.
    async fn remove_access_entry(&self, public_key: &str, entry: AccessEntry) -> Result<(), StoreError>;
    /// Revokes a key; `NotFound` if there is no such key.
    async fn revoke_api_key(&self, public_key: &str) -> Result<(), StoreError>;

    /// The project's integrations in type order.
    async fn list_integrations(&self, group: GroupId) -> Result<Vec<Integration>, StoreError>;
    /// One integration of the project.
    async fn get_integration(
        &self,
        group: GroupId,
        kind: IntegrationType,
    ) -> Result<Option<Integration>, StoreError>;
    /// Applies `operation` atomically (read, change, write and the event recording it by
    /// `actor` in one transaction, committed before returning, serialised with every other
    /// change of the same type of the same project) and returns the project's integrations
    /// after it.
    async fn change_integration(
        &self,
        group: GroupId,
        operation: Operation<'_>,
        actor: &Actor,
    ) -> Result<Vec<Integration>, StoreError>;

    /// One page (`offset`, `limit`) of a project's events, newest first, and how many pass
    /// the filter in all.
    async fn list_events(
        &self,
        group: GroupId,
        filter: &EventFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Event>, u64), StoreError>;
    /// One event of a project.
    async fn get_event(&self, group: GroupId, id: ObjectId) -> Result<Option<Event>, StoreError>;

    /// Seals again, under the active key, every blob sealed under a previous one: one row per
    /// transaction, and a row changed meanwhile (already under the active key) is left alone.
    async fn reseal_all(&self) -> Result<Resealed, StoreError>;
}
