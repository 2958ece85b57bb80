//! Creating service accounts and their secrets, for the command line and the HTTP API alike:
//! the secret is generated here, returned once, and only its Argon2id verifier (computed off
//! the async threads: it is slow on purpose) reaches the store.

use crate::admin::AdminError;
use crate::domain::api_key::OrgRole;
use crate::domain::ids::ObjectId;
use crate::domain::secret::Secret;
use crate::domain::service_account::{
    ServiceAccount, check_description, check_name, check_secret_hours, generate_secret, mask_secret,
    verifier_of,
};
use crate::store::{NewSecret, Store, StoreError, now_ms};

/// A secret just made: the only time it is seen.
pub struct CreatedSecret {
    /// Its id.
    pub id: ObjectId,
    /// The secret itself.
    pub secret: Secret,
    /// When it was made (ms since the epoch).
    pub created_ms: i64,
    /// When it stops working.
    pub expires_ms: i64,
}

/// What a new account needs.
pub struct AccountRequest {
    /// Its organization.
    pub org_id: ObjectId,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its organization roles (at least one).
    pub org_roles: Vec<OrgRole>,
    /// How long its first secret lives, in hours.
    pub secret_hours: i64,
}

/// A new secret living `hours`, and what the store keeps of it.
async fn new_secret(hours: i64) -> Result<(CreatedSecret, NewSecret), AdminError> {
    check_secret_hours(hours).map_err(AdminError::Invalid)?;
    let secret = generate_secret();
    let for_hashing = secret.clone();
    let verifier = tokio::task::spawn_blocking(move || verifier_of(for_hashing.expose()))
        .await
        .map_err(|e| AdminError::Invalid(format!("hashing the secret failed: {e}")))?;
    let created_ms = now_ms();
    let expires_ms = created_ms + hours * 3_600_000;
    let id = ObjectId::generate();
    let kept = NewSecret { id, verifier, masked: mask_secret(secret.expose()), created_ms, expires_ms };
    Ok((CreatedSecret { id, secret, created_ms, expires_ms }, kept))
}

/// Creates an account in an existing organization, with its first secret.
pub async fn create_account(
    store: &dyn Store,
    request: AccountRequest,
) -> Result<(ServiceAccount, CreatedSecret), AdminError> {
    check_name(&request.name).map_err(AdminError::Invalid)?;
    check_description(&request.description).map_err(AdminError::Invalid)?;
    if request.org_roles.is_empty() {
        return Err(AdminError::Invalid("a service account needs at least one organization role".into()));
    }
    if store.find_organization(request.org_id).await?.is_none() {
        return Err(StoreError::NotFound(format!("no organization has the id {}", request.org_id)).into());
    }
    let (created, kept) = new_secret(request.secret_hours).await?;
    let mut org_roles = Vec::new();
    for role in request.org_roles {
        if !org_roles.contains(&role) {
            org_roles.push(role);
        }
    }
    let account = ServiceAccount {
        id: ObjectId::generate(),
        org_id: request.org_id,
        name: request.name,
        description: request.description,
        org_roles,
        project_roles: Vec::new(),
        access_list: Vec::new(),
        created_ms: created.created_ms,
        secrets: Vec::new(),
    };
    store.create_service_account(&account, &kept).await?;
    let stored = store.find_service_account(account.id).await?.unwrap_or(account);
    Ok((stored, created))
}

/// Adds a secret living `hours` to an account.
pub async fn create_secret(
    store: &dyn Store,
    account: ObjectId,
    hours: i64,
) -> Result<CreatedSecret, AdminError> {
    let (created, kept) = new_secret(hours).await?;
    store.add_service_account_secret(account, &kept).await?;
    Ok(created)
}
