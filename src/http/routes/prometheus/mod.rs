//! Prometheus's side of a PROMETHEUS integration, as Atlas serves it under
//! `/prometheus/v1.0`: HTTP service discovery (`GET /groups/{groupId}/discovery`) and, as
//! its one target, this server's metrics of that project's alerting
//! (`GET /groups/{groupId}/metrics`). Both take HTTP Basic with the integration's `username`
//! and `password`, not Digest, and answer the same 401 while the integration is absent or
//! disabled as for wrong credentials.

mod basic;
mod discovery;
mod metrics;
mod text_format;

use axum::Router;
use axum::routing::get;

use crate::http::AppState;

/// Where Prometheus's routes live.
const PREFIX: &str = "/prometheus/v1.0/groups/{group_id}";

/// The discovery and metrics routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{PREFIX}/discovery"), get(discovery::discovery))
        .route(&format!("{PREFIX}/metrics"), get(metrics::metrics))
}
