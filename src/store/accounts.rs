//! What the store keeps of service accounts, apart from the rest of [`super::Store`]: the
//! accounts with their roles, access lists and secrets' verifiers, and revoked tokens.

use async_trait::async_trait;

use super::error::StoreError;
use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::{OrgRole, ProjectRole};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::service_account::ServiceAccount;

/// A secret as it is kept: its verifier and masked form, never the secret.
#[derive(Clone, Debug)]
pub struct NewSecret {
    /// Its id.
    pub id: ObjectId,
    /// The Argon2id verifier.
    pub verifier: String,
    /// How it is shown.
    pub masked: String,
    /// When it was made (ms since the epoch).
    pub created_ms: i64,
    /// When it stops working.
    pub expires_ms: i64,
}

/// A secret as it is kept, for copying between databases.
#[derive(Clone, Debug)]
pub struct StoredSecret {
    /// Its verifier and masked form, and when it was made and expires.
    pub secret: NewSecret,
    /// When a token was last minted with it.
    pub last_used_ms: Option<i64>,
}

/// A secret's verifier, for the token endpoint.
#[derive(Clone, Debug)]
pub struct SecretVerifier {
    /// The secret's id.
    pub id: ObjectId,
    /// Its Argon2id verifier.
    pub verifier: String,
    /// When it stops working.
    pub expires_ms: i64,
}

/// What changes in an account (`None`: unchanged).
#[derive(Clone, Debug, Default)]
pub struct AccountChange {
    /// A new name.
    pub name: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// New organization roles.
    pub org_roles: Option<Vec<OrgRole>>,
}

/// Service accounts and their tokens' revocations.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Stores a new account with its first secret.
    async fn create_service_account(
        &self,
        account: &ServiceAccount,
        secret: &NewSecret,
    ) -> Result<(), StoreError>;
    /// Every account, or those of one organization, oldest first.
    async fn list_service_accounts(&self, org: Option<ObjectId>) -> Result<Vec<ServiceAccount>, StoreError>;
    /// One account.
    async fn find_service_account(&self, id: ObjectId) -> Result<Option<ServiceAccount>, StoreError>;
    /// Changes an account's name, description or organization roles; the account after.
    async fn update_service_account(
        &self,
        id: ObjectId,
        change: AccountChange,
    ) -> Result<Option<ServiceAccount>, StoreError>;
    /// Deletes an account (its secrets, roles and access list with it); whether it existed.
    async fn delete_service_account(&self, id: ObjectId) -> Result<bool, StoreError>;
    /// Adds a secret; `Conflict` when the account already holds the most it may, `NotFound`
    /// when there is no such account.
    async fn add_service_account_secret(&self, id: ObjectId, secret: &NewSecret) -> Result<(), StoreError>;
    /// Deletes a secret; whether the account had it.
    async fn delete_service_account_secret(&self, id: ObjectId, secret: ObjectId)
    -> Result<bool, StoreError>;
    /// The verifiers of an account's secrets that have not expired at `now_ms`.
    async fn secret_verifiers(&self, id: ObjectId, now_ms: i64) -> Result<Vec<SecretVerifier>, StoreError>;
    /// Records that a token was minted with `secret` at `now_ms`.
    async fn mark_secret_used(&self, secret: ObjectId, now_ms: i64) -> Result<(), StoreError>;
    /// Sets an account's roles in a project of its organization (none: removes it from the
    /// project); `NotFound` without the account or project, `Conflict` across organizations.
    async fn set_service_account_project_roles(
        &self,
        id: ObjectId,
        group: GroupId,
        roles: &[ProjectRole],
    ) -> Result<(), StoreError>;
    /// Adds an entry to an account's access list (nothing if it is there); `NotFound`
    /// without the account.
    async fn add_service_account_access_entry(
        &self,
        id: ObjectId,
        entry: AccessEntry,
    ) -> Result<(), StoreError>;
    /// Removes an entry; whether it was there.
    async fn remove_service_account_access_entry(
        &self,
        id: ObjectId,
        entry: AccessEntry,
    ) -> Result<bool, StoreError>;
    /// Every secret an account holds, as kept (for `copy`).
    async fn stored_secrets(&self, id: ObjectId) -> Result<Vec<StoredSecret>, StoreError>;
    /// Remembers that token `token` is revoked until it would have expired.
    async fn revoke_token(&self, token: ObjectId, expires_ms: i64, now_ms: i64) -> Result<(), StoreError>;
    /// The account a token speaks for: none when the account or the secret it was minted
    /// with is gone or expired, or the token is revoked.
    async fn token_account(
        &self,
        account: ObjectId,
        secret: ObjectId,
        token: ObjectId,
        now_ms: i64,
    ) -> Result<Option<ServiceAccount>, StoreError>;
}
