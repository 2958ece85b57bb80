//! `GET /healthz` (liveness: the process serves requests) and `GET /readyz` (readiness: the
//! database answers and takes writes), both without authentication, for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::http::AppState;

/// Answers `{"status":"OK"}` while the process serves requests.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "OK"}))
}

/// Answers 200 when the database answers and takes writes, 503 otherwise. While changes
/// are failing in the database, each call probes with a small write of its own, so the
/// replica is ready again as soon as writes work.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let unavailable = |detail: &str| {
        (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "UNAVAILABLE", "detail": detail})))
    };
    if state.store.writes_failing()
        && let Err(error) = state.store.probe_write().await
    {
        tracing::warn!(%error, "not ready: writes fail");
        return unavailable("writes to the database fail");
    }
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "OK"}))),
        Err(error) => {
            tracing::warn!(%error, "not ready");
            unavailable("the database does not answer")
        }
    }
}
