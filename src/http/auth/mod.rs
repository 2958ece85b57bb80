//! HTTP Digest authentication exactly as Atlas does it: the same challenge byte for byte,
//! nonces any replica can verify, verification from the stored HA1, and the answer given
//! before the body is read (curl's first leg has no body). A service account's Bearer token
//! ([`bearer`]) is taken wherever a Digest key is, and then held to the same rules.

pub mod bearer;
pub mod digest;
pub mod header;
pub mod nonce;

use std::net::IpAddr;
use std::sync::{Arc, LazyLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{OriginalUri, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header as http_header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::AppState;
use super::access_log::Credential;
use super::client_ip::{ClientIp, client_ip};
use super::error::ApiError;
use super::pretty::to_pretty;
use super::rate_limit::{FAILURE_DELAY, Verdict, address_block};
use crate::domain::access_list::allows;
use crate::domain::api_key::{ApiKey, Ha1, REALM, is_public_key};
use crate::store::StoreError;
use crate::telemetry::metrics;
use digest::{Algorithm, Challenge, expected_response, responses_match};
use header::{DigestParams, HeaderError};
use nonce::NonceState;

/// The authenticated API key of a request, put in its extensions by [`authenticate`].
#[derive(Clone, Debug)]
pub struct Caller(pub Arc<ApiKey>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            tracing::error!("a route behind authentication was reached without a caller");
            ApiError::unexpected()
        })
    }
}

enum Denied {
    /// Answer with a challenge; `stale` when only the nonce was too old. `failed_user` is
    /// the public key of a failed attempt, counted against the key from that address.
    Challenge { stale: bool, failed_user: Option<String> },
    /// The key could not be looked up.
    Store(StoreError),
}

/// A verifier for unknown keys, so that they cost the same time as known ones.
static UNKNOWN_KEY_HA1: LazyLock<Ha1> =
    LazyLock::new(|| Ha1::derive("unknownk", crate::domain::api_key::generate_private_key().expose()));

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Middleware: lets a request through with its [`Caller`] when its Digest response is right,
/// otherwise answers Atlas's 401 challenge.
pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let now = unix_now();
    // Only the head is looked at: the body is neither read nor needed to answer a challenge.
    let (mut parts, body) = request.into_parts();
    let client = client_ip(&parts, &state.trusted_proxies);
    if let Some(ip) = client {
        parts.extensions.insert(ClientIp(ip));
    }
    // Parsed once, from a copy of the header (cheap: shared bytes), so `parts` stays free.
    let authorization = parts.headers.get(http_header::AUTHORIZATION).cloned();
    if let Some(token) = authorization.as_ref().and_then(|value| bearer::bearer_token(value.as_bytes())) {
        return match bearer::verify(&state, token).await {
            Ok(key) => admit(parts, body, key, client, next).await,
            Err(bearer::Refusal::Store(error)) => ApiError::from(error).into_response(),
            Err(refusal) => {
                metrics::auth_failure("bearer", refusal.label());
                state.refusals.authentication_failed(None, client, &refusal.reason());
                if let Some(ip) = client
                    && let Verdict::Limited { .. } =
                        state.limits.address_failures.hit(address_block(ip), Instant::now())
                {
                    metrics::auth_throttled("address");
                    tokio::time::sleep(FAILURE_DELAY).await;
                }
                bearer_refusal(&state.nonces.issue(now), &refusal.reason())
            }
        };
    }
    let params = authorization.as_ref().map(|value| header::parse(value.as_bytes()));
    let throttle_key = throttle_key(params.as_ref(), client);
    if let Some(key) = &throttle_key
        && let Some(retry_after) = state.limits.auth_failures.exhausted(key, Instant::now())
    {
        metrics::auth_throttled("key_from_address");
        return ApiError::too_many_failures(retry_after).into_response();
    }
    match verify(&state, &parts, params, now).await {
        Ok(key) => {
            if let Some(throttle_key) = &throttle_key {
                state.limits.auth_failures.clear(throttle_key);
            }
            admit(parts, body, key, client, next).await
        }
        Err(Denied::Challenge { stale, failed_user }) => {
            if let (Some(user), Some(ip)) = (failed_user, client) {
                state.limits.auth_failures.hit((user, ip), Instant::now());
            }
            // Credentials were given and were wrong (not merely old): a failure of the address.
            let failed = authorization.is_some() && !stale;
            if failed
                && let Some(ip) = client
                && let Verdict::Limited { .. } =
                    state.limits.address_failures.hit(address_block(ip), Instant::now())
            {
                metrics::auth_throttled("address");
                tokio::time::sleep(FAILURE_DELAY).await;
            }
            challenge(&state.nonces.issue(now), stale)
        }
        Err(Denied::Store(error)) => ApiError::from(error).into_response(),
    }
}

/// Lets an authenticated request through with its [`Caller`], if its address is on the
/// credential's access list.
async fn admit(
    mut parts: Parts,
    body: axum::body::Body,
    key: ApiKey,
    client: Option<IpAddr>,
    next: Next,
) -> Response {
    if let Some(ip) = client
        && !allows(&key.access_list, ip)
    {
        tracing::info!(public_key = key.public_key, remote = %ip, "address not on the key's access list");
        return ApiError::not_on_access_list(ip).into_response();
    }
    let credential = Credential(key.public_key.clone());
    parts.extensions.insert(Caller(Arc::new(key)));
    let mut response = next.run(Request::from_parts(parts, body)).await;
    response.extensions_mut().insert(credential);
    response
}

/// A Digest failure's reason as a metric label, from a fixed set.
fn digest_failure_label(reason: &str) -> &'static str {
    match reason {
        "wrong response" => "wrong_response",
        "unknown or revoked key" => "unknown_key",
        "nonce was not issued by this service" => "forged_nonce",
        _ if reason.starts_with("replayed") => "replay",
        _ => "malformed",
    }
}

type ParsedAuthorization<'a> = Option<Result<DigestParams<'a>, HeaderError>>;

/// The (public key, address) pair a request's failures count against, if it names a key.
fn throttle_key(
    params: Option<&Result<DigestParams<'_>, HeaderError>>,
    client: Option<IpAddr>,
) -> Option<(String, IpAddr)> {
    let user = params?.as_ref().ok()?.get("username").filter(|u| is_public_key(u))?.to_owned();
    Some((user, client?))
}

fn refuse(state: &AppState, request: &Parts, user: Option<&str>, reason: &str) -> Denied {
    let remote = request.extensions.get::<ClientIp>().map(|ip| ip.0);
    // Only a well-formed public key is logged: a mistyped private key never reaches a log.
    let user = user.filter(|u| is_public_key(u));
    metrics::auth_failure("digest", digest_failure_label(reason));
    state.refusals.authentication_failed(user, remote, reason);
    Denied::Challenge { stale: false, failed_user: user.map(str::to_owned) }
}

async fn verify(
    state: &AppState,
    request: &Parts,
    params: ParsedAuthorization<'_>,
    now: u64,
) -> Result<ApiKey, Denied> {
    let Some(params) = params else {
        return Err(Denied::Challenge { stale: false, failed_user: None });
    };
    let params = params.map_err(|e| refuse(state, request, None, &e.to_string()))?;
    let user = params.get("username");
    let required = |name: &'static str| {
        params.get(name).ok_or_else(|| refuse(state, request, user, &format!("no {name} parameter")))
    };
    let (username, realm, nonce, uri, response) = (
        required("username")?,
        required("realm")?,
        required("nonce")?,
        required("uri")?,
        required("response")?,
    );
    let (qop, nc, cnonce) = (required("qop")?, required("nc")?, required("cnonce")?);
    if realm != REALM {
        return Err(refuse(state, request, user, "wrong realm"));
    }
    if !qop.eq_ignore_ascii_case("auth") {
        return Err(refuse(state, request, user, "qop is not auth"));
    }
    if nc.len() != 8 || !nc.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(refuse(state, request, user, "nc is not 8 hex digits"));
    }
    let algorithm = Algorithm::parse(params.get("algorithm"))
        .ok_or_else(|| refuse(state, request, user, "unsupported algorithm"))?;
    let target = request.extensions.get::<OriginalUri>().map_or(&request.uri, |o| &o.0);
    if target.path_and_query().map(|pq| pq.as_str()) != Some(uri) {
        return Err(refuse(state, request, user, "uri differs from the request target"));
    }
    let nonce_state = state.nonces.check(nonce, now);
    if nonce_state == NonceState::Forged {
        return Err(refuse(state, request, user, "nonce was not issued by this service"));
    }
    let found = match is_public_key(username) {
        true => state.store.find_api_key(username).await.map_err(Denied::Store)?,
        false => None,
    };
    let (key, ha1) = match found {
        Some((key, ha1)) if !key.revoked => (Some(key), ha1),
        _ => (None, UNKNOWN_KEY_HA1.clone()),
    };
    let ha1 = match algorithm {
        Algorithm::Md5 => ha1.md5,
        Algorithm::Sha256 => ha1.sha256,
    };
    let method = request.method.as_str();
    let expected = expected_response(algorithm, ha1.expose(), &Challenge { method, uri, nonce, nc, cnonce });
    match (key, responses_match(&expected, response)) {
        (Some(_), true) if nonce_state == NonceState::Stale => {
            Err(Denied::Challenge { stale: true, failed_user: None })
        }
        (Some(key), true) => {
            let expires_ms = state.nonces.expiry(nonce).unwrap_or(now).saturating_mul(1000) as i64;
            match state.store.claim_digest_use(nonce, nc, expires_ms).await.map_err(Denied::Store)? {
                true => Ok(key),
                false => {
                    Err(refuse(state, request, user, "replayed request (nonce, nc and cnonce already used)"))
                }
            }
        }
        (None, _) => Err(refuse(state, request, user, "unknown or revoked key")),
        (Some(_), false) => Err(refuse(state, request, user, "wrong response")),
    }
}

#[derive(Serialize)]
struct ChallengeBody {
    error: u16,
    reason: &'static str,
    detail: &'static str,
    #[serde(rename = "errorCode")]
    error_code: &'static str,
}

/// A refused Bearer token: Atlas's 401 body, a Bearer challenge naming the error (RFC 6750)
/// and the Digest challenge, for clients that can use either.
fn bearer_refusal(nonce: &str, reason: &str) -> Response {
    let mut response = challenge(nonce, false);
    let bearer = format!("Bearer realm=\"{REALM}\", error=\"invalid_token\", error_description=\"{reason}\"");
    let value = HeaderValue::from_str(&bearer).expect("reasons are plain text");
    response.headers_mut().append(http_header::WWW_AUTHENTICATE, value);
    response
}

/// Atlas's 401: the Digest challenge and its pretty-printed body.
pub fn challenge(nonce: &str, stale: bool) -> Response {
    let body = ChallengeBody {
        error: 401,
        reason: "Unauthorized",
        detail: "You are not authorized for this resource.",
        error_code: "UNEXPECTED_ERROR",
    };
    let www = format!(
        "Digest realm=\"{REALM}\", domain=\"\", nonce=\"{nonce}\", algorithm=MD5, qop=\"auth\", stale={stale}"
    );
    let mut response = (StatusCode::UNAUTHORIZED, to_pretty(&body)).into_response();
    let headers = response.headers_mut();
    headers.insert(http_header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(
        http_header::WWW_AUTHENTICATE,
        HeaderValue::from_str(&www).expect("a challenge is a valid header value"),
    );
    response
}
