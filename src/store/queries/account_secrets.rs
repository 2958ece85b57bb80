//! Service accounts' secrets (verifiers only, at most two an account) and revoked tokens
//! (kept until they would have expired, then dropped).

use crate::domain::ids::ObjectId;
use crate::domain::service_account::{MAX_SECRETS, client_id_of};
use crate::store::accounts::{NewSecret, SecretVerifier, StoredSecret};
use crate::store::error::StoreError;
use crate::store::rows::parse_id;
use crate::store::sql::{Param, Sql, id, text};

use super::service_accounts::organization_of;

const COUNT: &str = "SELECT COUNT(*) FROM service_account_secrets WHERE client_id = $1";
const DELETE: &str = "DELETE FROM service_account_secrets WHERE client_id = $1 AND id = $2";
const VERIFIERS: &str = "SELECT id, verifier, expires_ms FROM service_account_secrets \
     WHERE client_id = $1 AND expires_ms > $2 ORDER BY created_ms, id";
const STORED: &str = "SELECT id, verifier, masked, created_ms, expires_ms, last_used_ms \
     FROM service_account_secrets WHERE client_id = $1 ORDER BY created_ms, id";
const IMPORT: &str = "INSERT INTO service_account_secrets \
     (id, client_id, verifier, masked, created_ms, expires_ms, last_used_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (id) DO NOTHING";
const USED: &str = "UPDATE service_account_secrets SET last_used_ms = $2 WHERE id = $1";
const REVOKE: &str =
    "INSERT INTO revoked_tokens (token_id, expires_ms) VALUES ($1, $2) ON CONFLICT (token_id) DO NOTHING";
const FORGET_EXPIRED: &str = "DELETE FROM revoked_tokens WHERE expires_ms < $1";

/// Adds a secret to an account holding fewer than [`MAX_SECRETS`].
pub async fn add(db: &mut dyn Sql, account: ObjectId, secret: &NewSecret) -> Result<(), StoreError> {
    organization_of(db, account).await?;
    let client_id = client_id_of(account);
    if db.fetch_one(COUNT, &[text(&client_id)]).await?.int(0)? >= MAX_SECRETS as i64 {
        return Err(StoreError::Conflict(format!(
            "the service account {client_id} already has {MAX_SECRETS} secrets; delete one first"
        )));
    }
    import(db, account, &StoredSecret { secret: secret.clone(), last_used_ms: None }).await
}

/// Deletes a secret; whether the account had it.
pub async fn delete(db: &mut dyn Sql, account: ObjectId, secret: ObjectId) -> Result<bool, StoreError> {
    Ok(db.execute(DELETE, &[text(&client_id_of(account)), id(secret)]).await? > 0)
}

/// The unexpired secrets' verifiers.
pub async fn verifiers(
    db: &mut dyn Sql,
    account: ObjectId,
    now_ms: i64,
) -> Result<Vec<SecretVerifier>, StoreError> {
    let rows = db.fetch(VERIFIERS, &[text(&client_id_of(account)), Param::Int(Some(now_ms))]).await?;
    rows.into_iter()
        .map(|mut row| {
            Ok(SecretVerifier {
                id: parse_id(&row.text(0)?)?,
                verifier: row.text(1)?,
                expires_ms: row.int(2)?,
            })
        })
        .collect()
}

/// Every secret of an account, as kept.
pub async fn stored(db: &mut dyn Sql, account: ObjectId) -> Result<Vec<StoredSecret>, StoreError> {
    let rows = db.fetch(STORED, &[text(&client_id_of(account))]).await?;
    rows.into_iter()
        .map(|mut row| {
            let secret = NewSecret {
                id: parse_id(&row.text(0)?)?,
                verifier: row.text(1)?,
                masked: row.text(2)?,
                created_ms: row.int(3)?,
                expires_ms: row.int(4)?,
            };
            Ok(StoredSecret { secret, last_used_ms: row.optional_int(5)? })
        })
        .collect()
}

/// Writes a secret as kept (nothing if it is there: an import run again).
pub async fn import(db: &mut dyn Sql, account: ObjectId, stored: &StoredSecret) -> Result<(), StoreError> {
    let client_id = client_id_of(account);
    let secret = &stored.secret;
    let params = [
        id(secret.id),
        text(&client_id),
        text(&secret.verifier),
        text(&secret.masked),
        Param::Int(Some(secret.created_ms)),
        Param::Int(Some(secret.expires_ms)),
        Param::Int(stored.last_used_ms),
    ];
    db.execute(IMPORT, &params).await?;
    Ok(())
}

/// Records a secret's use.
pub async fn mark_used(db: &mut dyn Sql, secret: ObjectId, now_ms: i64) -> Result<(), StoreError> {
    db.execute(USED, &[id(secret), Param::Int(Some(now_ms))]).await?;
    Ok(())
}

/// Revokes a token, and forgets revocations of tokens that have expired anyway.
pub async fn revoke(
    db: &mut dyn Sql,
    token: ObjectId,
    expires_ms: i64,
    now_ms: i64,
) -> Result<(), StoreError> {
    db.execute(REVOKE, &[id(token), Param::Int(Some(expires_ms))]).await?;
    db.execute(FORGET_EXPIRED, &[Param::Int(Some(now_ms))]).await?;
    Ok(())
}
