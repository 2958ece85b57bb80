//! [`AccountStore`] for either engine, written once, as [`super::sql_store`] is for the rest.

use async_trait::async_trait;

use super::accounts::{AccountChange, AccountStore, NewSecret, SecretVerifier, StoredSecret};
use super::error::StoreError;
use super::queries::{account_secrets, service_accounts};
use super::sql::{Engine, work};
use super::sql_store::SqlStore;
use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::ProjectRole;
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::service_account::ServiceAccount;

fn lock(account: ObjectId) -> Option<String> {
    Some(format!("service-account:{account}"))
}

#[async_trait]
impl<E: Engine> AccountStore for SqlStore<E> {
    async fn create_service_account(
        &self,
        account: &ServiceAccount,
        secret: &NewSecret,
    ) -> Result<(), StoreError> {
        let (account, secret) = (account.clone(), secret.clone());
        let create = work(move |db| {
            Box::pin(async move {
                service_accounts::insert(db, &account).await?;
                account_secrets::add(db, account.id, &secret).await
            })
        });
        self.write_announced(None, create).await
    }

    async fn list_service_accounts(&self, org: Option<ObjectId>) -> Result<Vec<ServiceAccount>, StoreError> {
        service_accounts::list(&mut *self.engine.reader().await?, org).await
    }

    async fn find_service_account(&self, id: ObjectId) -> Result<Option<ServiceAccount>, StoreError> {
        service_accounts::find(&mut *self.engine.reader().await?, id).await
    }

    async fn update_service_account(
        &self,
        id: ObjectId,
        change: AccountChange,
    ) -> Result<Option<ServiceAccount>, StoreError> {
        let update = work(move |db| {
            Box::pin(async move {
                match service_accounts::update(db, id, &change).await? {
                    true => service_accounts::find(db, id).await,
                    false => Ok(None),
                }
            })
        });
        self.write_announced(lock(id), update).await
    }

    async fn delete_service_account(&self, id: ObjectId) -> Result<bool, StoreError> {
        let delete = work(move |db| Box::pin(async move { service_accounts::delete(db, id).await }));
        self.write_announced(lock(id), delete).await
    }

    async fn add_service_account_secret(&self, id: ObjectId, secret: &NewSecret) -> Result<(), StoreError> {
        let secret = secret.clone();
        let add = work(move |db| Box::pin(async move { account_secrets::add(db, id, &secret).await }));
        self.write_announced(lock(id), add).await
    }

    async fn delete_service_account_secret(
        &self,
        id: ObjectId,
        secret: ObjectId,
    ) -> Result<bool, StoreError> {
        let delete = work(move |db| Box::pin(async move { account_secrets::delete(db, id, secret).await }));
        self.write_announced(lock(id), delete).await
    }

    async fn secret_verifiers(&self, id: ObjectId, now_ms: i64) -> Result<Vec<SecretVerifier>, StoreError> {
        account_secrets::verifiers(&mut *self.engine.reader().await?, id, now_ms).await
    }

    async fn mark_secret_used(&self, secret: ObjectId, now_ms: i64) -> Result<(), StoreError> {
        let mark =
            work(move |db| Box::pin(async move { account_secrets::mark_used(db, secret, now_ms).await }));
        self.engine.write(None, mark).await
    }

    async fn set_service_account_project_roles(
        &self,
        id: ObjectId,
        group: GroupId,
        roles: &[ProjectRole],
    ) -> Result<(), StoreError> {
        let roles = roles.to_vec();
        let set = work(move |db| {
            Box::pin(async move { service_accounts::set_project_roles(db, id, group, &roles).await })
        });
        self.write_announced(lock(id), set).await
    }

    async fn add_service_account_access_entry(
        &self,
        id: ObjectId,
        entry: AccessEntry,
    ) -> Result<(), StoreError> {
        let now = super::now_ms();
        let add = work(move |db| {
            Box::pin(async move { service_accounts::add_access_entry(db, id, &entry.to_string(), now).await })
        });
        self.write_announced(lock(id), add).await
    }

    async fn remove_service_account_access_entry(
        &self,
        id: ObjectId,
        entry: AccessEntry,
    ) -> Result<bool, StoreError> {
        let remove = work(move |db| {
            Box::pin(async move { service_accounts::remove_access_entry(db, id, &entry.to_string()).await })
        });
        self.write_announced(lock(id), remove).await
    }

    async fn stored_secrets(&self, id: ObjectId) -> Result<Vec<StoredSecret>, StoreError> {
        account_secrets::stored(&mut *self.engine.reader().await?, id).await
    }

    async fn revoke_token(&self, token: ObjectId, expires_ms: i64, now_ms: i64) -> Result<(), StoreError> {
        let revoke = work(move |db| {
            Box::pin(async move { account_secrets::revoke(db, token, expires_ms, now_ms).await })
        });
        self.write_announced(None, revoke).await
    }

    async fn token_account(
        &self,
        account: ObjectId,
        secret: ObjectId,
        token: ObjectId,
        now_ms: i64,
    ) -> Result<Option<ServiceAccount>, StoreError> {
        let found = self
            .remembered(
                |cache| &cache.tokens,
                (account, secret, token),
                || async {
                    service_accounts::of_token(
                        &mut *self.engine.reader().await?,
                        account,
                        secret,
                        token,
                        now_ms,
                    )
                    .await
                },
            )
            .await?;
        // Memory may hold the account from before the secret expired.
        Ok(found.filter(|account| {
            account.secrets.iter().any(|held| held.id == secret && held.expires_ms > now_ms)
        }))
    }
}
