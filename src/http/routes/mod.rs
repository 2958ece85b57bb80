//! The route table: the integrations resource on each of its three mounts, behind Digest
//! authentication, plus the unauthenticated liveness check.

mod events;
mod health;
pub mod integrations;

use axum::Router;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, extract::OriginalUri};
use tower_http::set_header::SetResponseHeaderLayer;

use super::AppState;
use super::access_log::log_request;
use super::auth::authenticate;
use super::error::ApiError;
use super::error_code::ErrorCode;
use super::mount::{Mount, negotiate_version};
use super::present::present;
use super::rate_limit::limit_requests;

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let mut api = Router::new();
    for mount in Mount::ALL {
        let mut mounted = integrations::routes()
            .merge(events::routes())
            .route_layer(from_fn_with_state(state.clone(), limit_requests))
            .method_not_allowed_fallback(method_not_allowed);
        if mount.is_versioned() {
            mounted = mounted.layer(from_fn(negotiate_version));
        }
        api = api.nest(mount.prefix(), mounted.layer(Extension(mount)));
    }
    let api = api.layer(from_fn_with_state(state.clone(), authenticate)).layer(from_fn(present));

    let mut router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(api)
        .fallback(not_found);
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("x-permitted-cross-domain-policies", "none"),
    ] {
        router = router.layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    if state.tls {
        router = router.layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("strict-transport-security"),
            HeaderValue::from_static("max-age=31536000; includeSubdomains;"),
        ));
    }
    router.layer(from_fn(log_request)).with_state(state)
}

async fn not_found(OriginalUri(uri): OriginalUri) -> Response {
    let path = uri.path().to_owned();
    ApiError::new(ErrorCode::ResourceNotFound, format!("Cannot find resource {path}."), vec![path])
        .into_response()
}

async fn method_not_allowed() -> Response {
    ApiError::new(ErrorCode::MethodNotAllowed, "This method is not allowed on this resource.", vec![])
        .into_response()
}
