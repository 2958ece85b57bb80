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

/// Answers 200 when the database can be read and written, 503 otherwise (unreachable,
/// read-only, full, failing). Each call probes with a small write of its own unless one
/// succeeded within the last second, so a replica leaves rotation as soon as its database
/// stops taking writes and comes back by itself once it takes them again.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.store.check_ready().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "OK"}))),
        Err(error) => {
            let detail = match error {
                crate::store::StoreError::Unavailable(_) => "the database does not answer",
                _ => "the database cannot be read or written",
            };
            tracing::warn!(%error, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "UNAVAILABLE", "detail": detail})))
        }
    }
}
