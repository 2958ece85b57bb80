//! The route table: the integrations resource on each of its three mounts, behind Digest
//! authentication, plus the unauthenticated liveness check and Prometheus's discovery and
//! metrics (behind the integration's own Basic credentials).

pub mod alert_configs;
pub mod alerting_json;
mod alertmanager;
mod alerts;
pub mod console;
mod directory;
mod events;
mod health;
pub mod integrations;
mod oauth;
mod prometheus;
mod service_accounts;
mod system_status;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, extract::OriginalUri};
use tower::ServiceBuilder;

use super::AppState;
use super::access_log::log_request;
use super::auth::authenticate;
use super::error::ApiError;
use super::error_code::ErrorCode;
use super::mount::{Mount, negotiate_version};
use super::present::present;
use super::rate_limit::limit_requests;
use super::security_headers::{OverTls, add_security_headers};

/// The whole application router.
pub fn router(state: AppState) -> Router {
    // Each group of layers is composed once and applied with one `layer` call: every layer
    // applied on its own boxes the routes again, and a request then clones each box.
    let mut api = Router::new();
    for mount in Mount::ALL {
        // Full paths rather than `nest`: a nested router strips and re-adds its prefix and
        // path parameters on every request.
        let mut resources = integrations::routes(mount.prefix())
            .merge(events::routes(mount.prefix()))
            .merge(alert_configs::routes(mount.prefix()))
            .merge(alerts::routes(mount.prefix()));
        if mount != Mount::OpsManagerV1 {
            resources = resources.merge(directory::routes(mount.prefix()));
        }
        if mount == Mount::AtlasV2 {
            resources = resources
                .merge(service_accounts::routes())
                .route("/api/atlas/v2", axum::routing::get(system_status::status));
        }
        let mounted = resources
            .route_layer(from_fn_with_state(state.clone(), limit_requests))
            .method_not_allowed_fallback(method_not_allowed);
        // Test builds only: a request can ask its handler to panic.
        #[cfg(feature = "fault-hooks")]
        let mounted = mounted.route_layer(from_fn(super::catch_panic::fault_hook));
        let versioned = mount.is_versioned().then(|| from_fn(negotiate_version));
        let mounted = mounted.layer(ServiceBuilder::new().layer(Extension(mount)).option_layer(versioned));
        api = api.merge(mounted);
    }
    let api = api.layer(
        ServiceBuilder::new().layer(from_fn(present)).layer(from_fn_with_state(state.clone(), authenticate)),
    );

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(prometheus::routes())
        .merge(oauth::routes())
        .merge(console::routes(&state))
        .merge(api)
        .fallback(not_found)
        .layer(
            // Security headers outermost, so that every answer carries them, even a panic's.
            ServiceBuilder::new()
                .layer(from_fn_with_state(OverTls(state.tls), add_security_headers))
                .layer(from_fn_with_state(state.clone(), log_request)),
        )
        .with_state(state)
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
