//! An account's secrets: create one (201, shown once; at most two at a time, 409 beyond)
//! and delete one (its tokens stop working at once).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::accounts::admin_error;
use super::body::{missing, parse};
use super::scope::Scope;
use super::{answer, no_content, view};
use crate::accounts::create_secret;
use crate::domain::ids::ObjectId;
use crate::domain::service_account::SecretInfo;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::JsonBody;

/// `POST …/serviceAccounts/{clientId}/secrets`.
pub async fn create(
    State(state): State<AppState>,
    scope: Scope,
    Path(path): Path<HashMap<String, String>>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let account = scope.account(&state, &path["client_id"], false).await?;
    let hours = parse(&body, &scope, &["secretExpiresAfterHours"])?
        .secret_hours
        .ok_or_else(|| missing("secretExpiresAfterHours"))?;
    let created = create_secret(state.store.as_ref(), account.id, hours).await.map_err(admin_error)?;
    let info = SecretInfo {
        id: created.id,
        created_ms: created.created_ms,
        expires_ms: created.expires_ms,
        last_used_ms: None,
        masked: crate::domain::service_account::mask_secret(created.secret.expose()),
    };
    Ok(answer(StatusCode::CREATED, &view::secret(&info, Some(&created))))
}

/// `DELETE …/serviceAccounts/{clientId}/secrets/{secretId}`.
pub async fn remove(
    State(state): State<AppState>,
    scope: Scope,
    Path(path): Path<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let account = scope.account(&state, &path["client_id"], false).await?;
    let raw = &path["secret_id"];
    let not_found = || {
        let detail = format!("The service account has no secret with ID {raw}.");
        ApiError::new(ErrorCode::ResourceNotFound, detail, vec![raw.clone()])
    };
    let secret = ObjectId::parse(raw).ok_or_else(not_found)?;
    match state.store.delete_service_account_secret(account.id, secret).await? {
        true => Ok(no_content()),
        false => Err(not_found()),
    }
}
