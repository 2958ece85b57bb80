//! An organization's API keys: listed and read by its members; made (the private key shown
//! once), changed and deleted (revoked at once) by its owners.

use axum::extract::{RawPathParams, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::body::{description, object, org_roles, refuse_unknown};
use super::scope::{TargetOrg, key_in, key_not_found};
use super::views::{key_json, list_answer};
use crate::admin::issue_api_key;
use crate::http::AppState;
use crate::http::attributes::missing_attribute;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, ListReply, SelfLink};
use crate::http::mount::Mount;
use crate::http::query::Flags;
use crate::http::routes::integrations::{no_content, ok};
use crate::store::StoreError;

const READ_ONLY: &[&str] = &["id", "links", "privateKey", "publicKey"];

/// The `{apiUserId}` of the path.
pub fn key_param(params: &RawPathParams) -> String {
    params
        .iter()
        .find(|(key, _)| *key == "api_user_id")
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default()
}

/// The organization's live keys, oldest first.
pub async fn list(
    State(state): State<AppState>,
    reply: ListReply,
    target: TargetOrg,
) -> Result<Response, ApiError> {
    let keys = state.store.api_keys_of(target.org.id).await?;
    Ok(list_answer(&reply, &keys, |mount, at, key| key_json(mount, at, key, None)))
}

/// Makes a key with a description and organization roles; its private key is in this answer
/// and nowhere else.
pub async fn create(
    State(state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    target: TargetOrg,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let body = object(&body)?;
    refuse_unknown(body, &["desc", "roles"], READ_ONLY)?;
    let desc = description(body.get("desc").ok_or_else(|| missing_attribute("desc"))?)?;
    let roles = org_roles(body.get("roles").ok_or_else(|| missing_attribute("roles"))?)?;
    let created = issue_api_key(state.store.as_ref(), target.org.id, &desc, roles, vec![]).await?;
    Ok(ok(mount, StatusCode::OK, &key_json(mount, &at, &created.key, Some(&created.private_key))))
}

/// One key.
pub async fn get(
    State(state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    target: TargetOrg,
    params: RawPathParams,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let key = key_in(&state, target.org.id, &key_param(&params)).await?;
    Ok(ok(mount, StatusCode::OK, &key_json(mount, &at, &key, None)))
}

/// Changes a key's description and/or its organization roles (its project roles stay).
pub async fn update(
    State(state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    target: TargetOrg,
    params: RawPathParams,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let raw = key_param(&params);
    let key = key_in(&state, target.org.id, &raw).await?;
    let body = object(&body)?;
    refuse_unknown(body, &["desc", "roles"], READ_ONLY)?;
    let desc = body.get("desc").filter(|value| !value.is_null()).map(description).transpose()?;
    let roles = body.get("roles").filter(|value| !value.is_null()).map(org_roles).transpose()?;
    let key = state.store.update_api_key(key.id, desc, roles).await.map_err(|error| match error {
        StoreError::NotFound(_) => key_not_found(&raw),
        other => other.into(),
    })?;
    Ok(ok(mount, StatusCode::OK, &key_json(mount, &at, &key, None)))
}

/// Deletes a key: revoked at once, on every replica (keys are looked up per request).
pub async fn delete(
    State(state): State<AppState>,
    mount: Mount,
    target: TargetOrg,
    params: RawPathParams,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let raw = key_param(&params);
    let key = key_in(&state, target.org.id, &raw).await?;
    state.store.revoke_api_key(&key.public_key).await.map_err(|error| match error {
        StoreError::NotFound(_) => key_not_found(&raw),
        other => other.into(),
    })?;
    Ok(no_content(mount))
}
