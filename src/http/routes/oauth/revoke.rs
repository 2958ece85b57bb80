//! `POST /api/oauth/revoke` (RFC 7009): the client revokes one of its own access tokens;
//! every replica refuses it from the next request on. An unknown or malformed token is
//! answered 200 as well, as the RFC asks.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::client::{authenticate, read_form};
use super::error::{OAuthError, no_store};
use crate::http::AppState;
use crate::store::now_ms;

/// Revokes a token of the authenticated client.
pub async fn revoke(State(state): State<AppState>, request: Request<Body>) -> Response {
    match revoke_token(&state, request).await {
        Ok(()) => {
            let mut response = StatusCode::OK.into_response();
            no_store(response.headers_mut());
            response
        }
        Err(error) => error.into_response(),
    }
}

async fn revoke_token(state: &AppState, request: Request<Body>) -> Result<(), OAuthError> {
    let form = read_form(request).await?;
    let token = form.fields.get("token").ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    let client = authenticate(state, &form).await?;
    // Expired, forged or malformed tokens need no revoking.
    let Ok(claims) = state.tokens.verify(token, now_ms() / 1_000) else { return Ok(()) };
    if claims.account != client.account {
        return Err(OAuthError::unauthorized_client("the token was issued to another client"));
    }
    state
        .store
        .revoke_token(claims.token, claims.expires_s.saturating_mul(1_000), now_ms())
        .await
        .map_err(|e| OAuthError::unavailable(e.to_string()))
}
