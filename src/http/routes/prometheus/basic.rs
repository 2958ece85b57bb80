//! HTTP Basic against a project's PROMETHEUS integration: its `username` and `password`,
//! compared in constant time. The integration must exist and be enabled; a project without one
//! gets the same 401 as wrong credentials. Failures count toward the same per-(project,
//! address) throttle and per-address delay as Digest failures.

use std::net::IpAddr;
use std::time::Instant;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use subtle::ConstantTimeEq;

use crate::domain::ids::GroupId;
use crate::domain::integration::{FieldValue, IntegrationType};
use crate::domain::project::Project;
use crate::http::AppState;
use crate::http::client_ip::client_ip;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::path_param;
use crate::http::rate_limit::{FAILURE_DELAY, Verdict, address_block};

/// A project whose Prometheus credentials the request carried.
pub struct PrometheusCaller(pub Project);

fn unauthorized() -> Response {
    let detail = "Give the PROMETHEUS integration's username and password with HTTP Basic.";
    let mut response = ApiError::new(ErrorCode::UserUnauthorized, detail, vec![]).into_response();
    let challenge = HeaderValue::from_static("Basic realm=\"MMS Prometheus\", charset=\"UTF-8\"");
    response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
    response
}

/// The user name and password of a Basic `Authorization` header.
fn credentials(parts: &Parts) -> Option<(String, String)> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let (user, password) = std::str::from_utf8(&decoded).ok()?.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

fn same(given: &str, stored: Option<&str>) -> bool {
    stored.is_some_and(|stored| bool::from(given.as_bytes().ct_eq(stored.as_bytes())))
}

impl FromRequestParts<AppState> for PrometheusCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let raw = path_param(parts, "group_id").await.map_err(IntoResponse::into_response)?;
        let client = client_ip(parts, &state.trusted_proxies);
        let throttle = client.map(|ip| (format!("prometheus/{raw}"), ip));
        if let Some(key) = &throttle
            && let Some(retry_after) = state.limits.auth_failures.exhausted(key, Instant::now())
        {
            crate::telemetry::metrics::auth_throttled("key_from_address");
            return Err(ApiError::too_many_failures(retry_after).into_response());
        }
        // A project without the integration (or no project at all) is refused exactly as wrong
        // credentials are, so the answer tells no one which projects have one.
        let group = GroupId::parse(&raw);
        let integration = match group {
            Some(group) => state
                .store
                .get_integration(group, IntegrationType::Prometheus)
                .await
                .map_err(|e| ApiError::from(e).into_response())?
                .filter(|integration| integration.fields.get("enabled") == Some(&FieldValue::Flag(true))),
            None => None,
        };
        let text = |name: &str| match integration.as_ref().and_then(|i| i.fields.get(name)) {
            Some(FieldValue::Text(text)) => Some(text.as_str()),
            Some(FieldValue::Secret(secret)) => Some(secret.expose()),
            _ => None,
        };
        let accepted = credentials(parts).is_some_and(|(user, password)| {
            same(&user, text("username")) & same(&password, text("password"))
        });
        let (Some(group), true) = (group, accepted) else {
            return Err(refuse(state, throttle, client).await);
        };
        if let Some(key) = &throttle {
            state.limits.auth_failures.clear(key);
        }
        let project = state
            .store
            .find_project(group)
            .await
            .map_err(|e| ApiError::from(e).into_response())?
            .ok_or_else(unauthorized)?;
        Ok(PrometheusCaller(project))
    }
}

/// Counts a failure against the (project, address) pair and the address (its /64 for IPv6),
/// answering after [`FAILURE_DELAY`] once the address has failed too often, as Digest does.
async fn refuse(state: &AppState, throttle: Option<(String, IpAddr)>, client: Option<IpAddr>) -> Response {
    if let Some(key) = throttle {
        state.limits.auth_failures.hit(key, Instant::now());
    }
    crate::telemetry::metrics::auth_failure("prometheus_basic", "wrong_credentials");
    state.refusals.authentication_failed(None, client, "wrong Prometheus credentials");
    if let Some(ip) = client
        && let Verdict::Limited { .. } = state.limits.address_failures.hit(address_block(ip), Instant::now())
    {
        crate::telemetry::metrics::auth_throttled("address");
        tokio::time::sleep(FAILURE_DELAY).await;
    }
    unauthorized()
}
