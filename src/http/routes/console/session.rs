//! Middleware on every console page but sign-in: finds the session its cookie names, checks
//! that it is live and that its credential still stands (an API key not revoked; a service
//! account and the secret it signed in with not deleted or expired) and that the client's
//! address is on the credential's access list, then lets the request through with the
//! [`ConsoleUser`](super::user::ConsoleUser). Anything else goes to the sign-in page (which
//! returns to the page asked for), and an ended session is deleted.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::cookies;
use super::page::{Chrome, error_page};
use super::return_to::sign_in_returning;
use super::user::ConsoleUser;
use crate::domain::access_list::allows;
use crate::domain::api_key::ApiKey;
use crate::domain::console_session::{ConsoleSession, SignedIn, session_id};
use crate::domain::ids::ObjectId;
use crate::http::AppState;
use crate::http::access_log::Credential;
use crate::http::client_ip::client_ip;
use crate::http::error::ApiError;
use crate::store::{StoreError, now_ms};

/// Why a request has no user.
enum Refused {
    /// Sign in (again); `why` is shown on the sign-in page.
    SignIn(&'static str),
    /// The credential may not be used from this address.
    NotFromHere(IpAddr),
    /// The database could not say.
    Store(StoreError),
}

/// Middleware: admits a request with a live session, or sends it to sign in.
pub async fn require_session(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let client = client_ip(&parts, &state.trusted_proxies);
    // Only a page can be returned to after signing in: a form posted cannot be sent again.
    let asked = match parts.method == axum::http::Method::GET {
        true => parts.uri.path_and_query().map_or("/", |asked| asked.as_str()).to_owned(),
        false => "/".to_owned(),
    };
    let secret = cookies::read(&parts.headers, cookies::SESSION).map(str::to_owned);
    request = Request::from_parts(parts, body);
    match user(&state, secret.as_deref(), client).await {
        Ok(user) => {
            let credential = Credential(user.key.public_key.clone());
            request.extensions_mut().insert(user);
            let mut response = next.run(request).await;
            response.extensions_mut().insert(credential);
            response
        }
        Err(Refused::SignIn(why)) => {
            let mut response = Redirect::to(&sign_in_returning(&asked, why)).into_response();
            if secret.is_some() {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, cookies::clear(cookies::SESSION, state.tls));
            }
            response
        }
        Err(Refused::NotFromHere(ip)) => {
            error_page(&Chrome::bare("Not allowed"), ApiError::not_on_access_list(ip))
        }
        Err(Refused::Store(error)) => error_page(&Chrome::bare("Unavailable"), ApiError::from(error)),
    }
}

async fn user(
    state: &AppState,
    secret: Option<&str>,
    client: Option<IpAddr>,
) -> Result<ConsoleUser, Refused> {
    let secret = secret.filter(|secret| !secret.is_empty()).ok_or(Refused::SignIn(""))?;
    let id = session_id(secret);
    let now = now_ms();
    let session =
        state.store.find_session(&id).await.map_err(Refused::Store)?.ok_or(Refused::SignIn("expired"))?;
    if !session.is_live(now) {
        end(state, &id).await;
        return Err(Refused::SignIn("expired"));
    }
    let Some(key) = credential(state, &session).await.map_err(Refused::Store)? else {
        end(state, &id).await;
        return Err(Refused::SignIn("revoked"));
    };
    if let Some(ip) = client
        && !allows(&key.access_list, ip)
    {
        return Err(Refused::NotFromHere(ip));
    }
    if session.needs_touch(now)
        && let Err(error) = state.store.touch_session(&id, now).await
    {
        tracing::warn!(%error, "recording a console session's use failed");
    }
    let csrf = state.console_csrf.token("session", &id);
    Ok(ConsoleUser { key: Arc::new(key), session: id, csrf, client })
}

/// The key a session's credential acts as, if it still stands.
async fn credential(state: &AppState, session: &ConsoleSession) -> Result<Option<ApiKey>, StoreError> {
    match &session.signed_in {
        SignedIn::ApiKey(public_key) => {
            let found = state.store.find_api_key(public_key).await?;
            Ok(found.map(|(key, _)| key).filter(|key| !key.revoked))
        }
        SignedIn::ServiceAccount { account, secret } => {
            // A session is not a token, so no token of it can have been revoked: a fresh id
            // asks only whether the account and the secret still stand.
            let account =
                state.store.token_account(*account, *secret, ObjectId::generate(), now_ms()).await?;
            Ok(account.map(|account| account.as_caller()))
        }
    }
}

/// Deletes a session that has ended (a failure only leaves it to be forgotten later).
pub async fn end(state: &AppState, id: &str) {
    if let Err(error) = state.store.end_session(id).await {
        tracing::warn!(%error, "ending a console session failed");
    }
}
