//! `POST /api/oauth/token`: `grant_type=client_credentials` exchanged for a Bearer token that
//! lives `--token-ttl-secs` (an hour by default), as Atlas's token endpoint answers.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::client::{authenticate, read_form};
use super::error::{OAuthError, no_store};
use crate::crypto::tokens::Claims;
use crate::domain::ids::ObjectId;
use crate::http::AppState;
use crate::store::now_ms;

/// Mints a token for an authenticated client.
pub async fn token(State(state): State<AppState>, request: Request<Body>) -> Response {
    match mint(&state, request).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn mint(state: &AppState, request: Request<Body>) -> Result<Response, OAuthError> {
    let form = read_form(request).await?;
    match form.fields.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        Some(other) => return Err(OAuthError::unsupported_grant_type(other)),
        None => return Err(OAuthError::invalid_request("grant_type is required (client_credentials)")),
    }
    let client = authenticate(state, &form).await?;
    let now = now_ms();
    let claims = Claims {
        account: client.account,
        secret: client.secret,
        token: ObjectId::generate(),
        issued_s: now / 1_000,
        expires_s: now / 1_000 + state.token_ttl_secs as i64,
    };
    if let Err(error) = state.store.mark_secret_used(client.secret, now).await {
        tracing::warn!(%error, "recording a secret's use failed");
    }
    let body = json!({"access_token": state.tokens.mint(&claims), "expires_in": state.token_ttl_secs,
                      "token_type": "Bearer"});
    let mut response = axum::Json(body).into_response();
    no_store(response.headers_mut());
    Ok(response)
}
