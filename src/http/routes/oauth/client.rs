//! Client authentication at the OAuth endpoints: HTTP Basic with the form-encoded client id
//! and secret (RFC 6749 §2.3.1, what Go's oauth2 sends) or `client_id` and `client_secret`
//! in the body, never both. The cheap checks come first: the per-(client, address) throttle
//! and the per-address one (an IPv6 /64) refuse before any hash is computed. Then the secret
//! is checked against each unexpired secret's Argon2id verifier on [`checking`]'s threads
//! (half the cores, at a lower priority), so memory and the other requests' share of the
//! processor stay bounded whatever arrives; an unknown client costs the same, inside the same
//! bound.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use super::checking;
use super::error::OAuthError;
use crate::domain::ids::ObjectId;
use crate::domain::service_account::{generate_secret, parse_client_id, verifier_of, verify_secret};
use crate::http::AppState;
use crate::http::client_ip::client_ip;
use crate::http::rate_limit::address_block;
use crate::store::now_ms;
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{Request, header};
use base64::Engine as _;

/// The most a form body may hold.
const MAX_FORM_BYTES: usize = 16 * 1024;

/// A verifier no secret matches, so an unknown client costs what a known one does.
static NO_CLIENT: LazyLock<String> = LazyLock::new(|| verifier_of(generate_secret().expose()));

/// How long a check waits for its turn before the client is told to come back.
const HASHING_WAIT: Duration = Duration::from_secs(10);

/// An authenticated client.
pub struct Client {
    /// The account.
    pub account: ObjectId,
    /// The secret it authenticated with.
    pub secret: ObjectId,
}

/// A form request: its head and its fields.
pub struct Form {
    /// The head.
    pub parts: Parts,
    /// The fields (a repeated field is refused, as RFC 6749 §3.2 asks).
    pub fields: HashMap<String, String>,
}

/// Reads a form-encoded body.
pub async fn read_form(request: Request<Body>) -> Result<Form, OAuthError> {
    let (parts, body) = request.into_parts();
    let media = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !media.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return Err(OAuthError::invalid_request("the body must be application/x-www-form-urlencoded"));
    }
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES).await.map_err(|_| {
        OAuthError::invalid_request(format!("the body must be at most {MAX_FORM_BYTES} bytes"))
    })?;
    let mut fields = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(&bytes) {
        if fields.insert(name.to_string(), value.to_string()).is_some() {
            return Err(OAuthError::invalid_request(format!("{name} is given more than once")));
        }
    }
    Ok(Form { parts, fields })
}

/// The client id and secret the request carries.
fn credentials(form: &Form) -> Result<(String, String), OAuthError> {
    let in_body = (form.fields.get("client_id"), form.fields.get("client_secret"));
    let basic = form.parts.headers.get(header::AUTHORIZATION).map(|value| {
        let text = value.to_str().unwrap_or("");
        let (scheme, encoded) = text.trim().split_once(' ').unwrap_or((text, ""));
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(OAuthError::invalid_client("the client must authenticate with HTTP Basic"));
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| OAuthError::invalid_client("the Basic credentials are not base64 of id:secret"))?;
        let (id, secret) = decoded
            .split_once(':')
            .ok_or_else(|| OAuthError::invalid_client("the Basic credentials are not id:secret"))?;
        let unescape = |text: &str| {
            url::form_urlencoded::parse(format!("x={text}").as_bytes()).next().map(|(_, v)| v.into_owned())
        };
        Ok((unescape(id).unwrap_or_default(), unescape(secret).unwrap_or_default()))
    });
    match (basic, in_body) {
        (Some(_), (Some(_), _) | (_, Some(_))) => Err(OAuthError::invalid_request(
            "give the client's credentials once: in the Basic header or the body",
        )),
        (Some(basic), _) => basic,
        (None, (Some(id), Some(secret))) => Ok((id.clone(), secret.clone())),
        (None, _) => Err(OAuthError::invalid_client(
            "no client credentials: send the client id and secret with HTTP Basic, or client_id and client_secret",
        )),
    }
}

/// The client the request authenticates, or why not.
pub async fn authenticate(state: &AppState, form: &Form) -> Result<Client, OAuthError> {
    let (client_id, secret) = credentials(form)?;
    let address: Option<IpAddr> = client_ip(&form.parts, &state.trusted_proxies);
    let throttle = address.map(|ip| (client_id.chars().take(64).collect::<String>(), ip));
    if let Some(key) = &throttle
        && let Some(retry_after) = state.limits.auth_failures.exhausted(key, Instant::now())
    {
        crate::telemetry::metrics::auth_throttled("key_from_address");
        return Err(OAuthError::throttled(retry_after));
    }
    if let Some(ip) = address
        && let Some(retry_after) = state.limits.address_failures.exhausted(&address_block(ip), Instant::now())
    {
        crate::telemetry::metrics::auth_throttled("address");
        return Err(OAuthError::throttled(retry_after));
    }
    let account = parse_client_id(&client_id);
    let verifiers = match account {
        Some(account) => state
            .store
            .secret_verifiers(account, now_ms())
            .await
            .map_err(|e| OAuthError::unavailable(e.to_string()))?,
        None => Vec::new(),
    };
    let candidates: Vec<(Option<ObjectId>, String)> = match verifiers.is_empty() {
        true => vec![(None, NO_CLIENT.clone())],
        false => verifiers.into_iter().map(|v| (Some(v.id), v.verifier)).collect(),
    };
    let check = move || {
        candidates
            .into_iter()
            .find(|(_, verifier)| {
                crate::telemetry::metrics::secret_verification();
                verify_secret(verifier, &secret)
            })
            .and_then(|(id, _)| id)
    };
    let matched = checking::run(check, HASHING_WAIT)
        .await
        .map_err(|_| OAuthError::unavailable("too many clients are authenticating; try again shortly"))?;
    match (account, matched) {
        (Some(account), Some(secret)) => {
            if let Some(key) = &throttle {
                state.limits.auth_failures.clear(key);
            }
            Ok(Client { account, secret })
        }
        _ => {
            if let Some(key) = throttle {
                state.limits.auth_failures.hit(key, Instant::now());
            }
            if let Some(ip) = address {
                state.limits.address_failures.hit(address_block(ip), Instant::now());
            }
            crate::telemetry::metrics::auth_failure("client_credentials", "wrong_secret");
            // The client id only when it has a client id's form: a pasted secret is never logged.
            state.refusals.authentication_failed(
                account.map(|_| client_id.as_str()),
                address,
                "wrong or expired service account credentials",
            );
            Err(OAuthError::invalid_client("the client id or secret is wrong, or the secret has expired"))
        }
    }
}
