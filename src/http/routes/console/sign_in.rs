//! Signing in and out. The sign-in form takes an API key pair (public and private key) or a
//! service account's client id and secret, checked as Digest and the token endpoint check
//! them (same throttles, same failure log, unknown names cost the same time); success
//! begins a session and sets its cookie. The form itself is bound to a cookie of its own, so
//! another site cannot sign a browser in.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use askama::Template;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::cookies;
use super::form::{self, SessionForm};
use super::page::{Chrome, render, sentence};
use super::return_to::safe_return;
use super::session::end;
use super::user::ConsoleUser;
use crate::domain::api_key::{Ha1, is_public_key};
use crate::domain::console_session::{ConsoleSession, SignedIn};
use crate::domain::service_account::parse_client_id;
use crate::http::AppState;
use crate::http::client_ip::client_ip;
use crate::http::rate_limit::{FAILURE_DELAY, Verdict, address_block};
use crate::http::routes::oauth::client::{self, authenticate};
use crate::store::now_ms;
use crate::telemetry::metrics;

#[derive(Template)]
#[template(path = "console/sign_in.html")]
struct SignInPage<'a> {
    chrome: Chrome,
    csrf: &'a str,
    notice: Option<&'static str>,
    error: Option<String>,
    credential_id: &'a str,
    next: &'a str,
}

/// Why the last session ended (`?ended=`), and the page to return to (`?next=`).
#[derive(Deserialize)]
pub struct Ended {
    ended: Option<String>,
    next: Option<String>,
}

fn notice(ended: Option<&str>) -> Option<&'static str> {
    match ended? {
        "signed-out" => Some("You are signed out."),
        "expired" => Some("Your session ended (12 hours after sign-in, or an hour unused). Sign in again."),
        "revoked" => Some("Your session ended: its API key or service account was revoked or deleted."),
        _ => None,
    }
}

/// `GET /sign-in`: the form, bound to a fresh sign-in cookie.
pub async fn show(State(state): State<AppState>, Query(ended): Query<Ended>) -> Response {
    let next = ended.next.as_deref().and_then(safe_return).unwrap_or("");
    form_page(&state, StatusCode::OK, notice(ended.ended.as_deref()), None, ("", next))
}

/// `POST /sign-in`: checks the credential and begins a session.
pub async fn sign_in(State(state): State<AppState>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let binding = cookies::read(&parts.headers, cookies::SIGN_IN).unwrap_or("").to_owned();
    let fields = match form::read(Request::from_parts(parts.clone(), body)).await {
        Ok(fields) => fields,
        Err(reason) => return again(&state, StatusCode::BAD_REQUEST, reason.to_owned(), ("", "")),
    };
    let id = fields.get("credential_id").unwrap_or("").trim().to_owned();
    let next = fields.get("next").and_then(safe_return).unwrap_or("").to_owned();
    if binding.is_empty() || !state.console_csrf.accepts("sign-in", &binding, fields.get("csrf")) {
        return again(
            &state,
            StatusCode::FORBIDDEN,
            "The sign-in form had expired or did not come from this console (cookies must be enabled). \
             Try again with this form."
                .into(),
            (&id, &next),
        );
    }
    let secret = fields.get("credential_secret").unwrap_or("").to_owned();
    let client = client_ip(&parts, &state.trusted_proxies);
    let signed_in = match parse_client_id(&id) {
        Some(_) => {
            let fields =
                HashMap::from([("client_id".to_owned(), id.clone()), ("client_secret".to_owned(), secret)]);
            match authenticate(&state, &client::Form { parts, fields }).await {
                Ok(client) => Ok(SignedIn::ServiceAccount { account: client.account, secret: client.secret }),
                Err(error) => Err(error.description().to_owned()),
            }
        }
        None => check_api_key(&state, &id, &secret, client).await,
    };
    let signed_in = match signed_in {
        Ok(signed_in) => signed_in,
        Err(reason) => return again(&state, StatusCode::UNAUTHORIZED, sentence(&reason), (&id, &next)),
    };
    let now = now_ms();
    let (session, secret) = ConsoleSession::begin(signed_in, now);
    if let Err(error) = state.store.begin_session(&session).await {
        return again(
            &state,
            StatusCode::SERVICE_UNAVAILABLE,
            format!("Could not begin a session: {error}."),
            (&id, &next),
        );
    }
    tracing::info!(credential = id, "signed in to the console");
    let mut response = Redirect::to(if next.is_empty() { "/" } else { &next }).into_response();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        cookies::set(cookies::SESSION, &secret, session.cookie_seconds(now), state.tls),
    );
    headers.append(header::SET_COOKIE, cookies::clear(cookies::SIGN_IN, state.tls));
    response
}

/// `POST /sign-out`: ends the session.
pub async fn sign_out(
    State(state): State<AppState>,
    axum::Extension(user): axum::Extension<ConsoleUser>,
    _form: SessionForm,
) -> Response {
    end(&state, &user.session).await;
    let mut response = Redirect::to("/sign-in?ended=signed-out").into_response();
    response.headers_mut().append(header::SET_COOKIE, cookies::clear(cookies::SESSION, state.tls));
    response
}

/// The sign-in form again, with `error`, under a new binding; `typed` is the credential id
/// and the page to return to.
fn again(state: &AppState, status: StatusCode, error: String, typed: (&str, &str)) -> Response {
    form_page(state, status, None, Some(error), typed)
}

/// The sign-in form, bound to a new sign-in cookie.
fn form_page(
    state: &AppState,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<String>,
    (credential_id, next): (&str, &str),
) -> Response {
    let binding = random_hex();
    let csrf = state.console_csrf.token("sign-in", &binding);
    let page =
        SignInPage { chrome: Chrome::bare("Sign in"), csrf: &csrf, notice, error, credential_id, next };
    let mut response = render(status, &page);
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookies::set(cookies::SIGN_IN, &binding, 3_600, state.tls));
    response
}

/// Checks an API key pair as Digest would: revoked and unknown keys fail alike, failures
/// count against the (key, address) pair and the address.
async fn check_api_key(
    state: &AppState,
    public_key: &str,
    private_key: &str,
    client: Option<IpAddr>,
) -> Result<SignedIn, String> {
    let throttle = client.filter(|_| is_public_key(public_key)).map(|ip| (public_key.to_owned(), ip));
    if let Some(key) = &throttle
        && let Some(retry_after) = state.limits.auth_failures.exhausted(key, Instant::now())
    {
        metrics::auth_throttled("key_from_address");
        return Err(format!(
            "too many failed attempts with this key from your address; try again in {retry_after} seconds"
        ));
    }
    let found = match is_public_key(public_key) {
        true => state.store.find_api_key(public_key).await.map_err(|e| e.to_string())?,
        false => None,
    };
    let given = Ha1::derive(public_key, private_key);
    let matches = match &found {
        Some((key, stored)) => {
            !key.revoked && bool::from(stored.md5.expose().as_bytes().ct_eq(given.md5.expose().as_bytes()))
        }
        None => false,
    };
    if matches {
        if let Some(key) = &throttle {
            state.limits.auth_failures.clear(key);
        }
        return Ok(SignedIn::ApiKey(public_key.to_owned()));
    }
    metrics::auth_failure("console", if found.is_some() { "wrong_key" } else { "unknown_key" });
    state.refusals.authentication_failed(
        Some(public_key).filter(|k| is_public_key(k)),
        client,
        "console sign-in failed",
    );
    if let Some(key) = throttle {
        state.limits.auth_failures.hit(key, Instant::now());
    }
    if let Some(ip) = client
        && let Verdict::Limited { .. } = state.limits.address_failures.hit(address_block(ip), Instant::now())
    {
        metrics::auth_throttled("address");
        tokio::time::sleep(FAILURE_DELAY).await;
    }
    Err("the public key or private key is wrong, or the key was revoked".into())
}

fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system's random source works");
    hex::encode(bytes)
}
