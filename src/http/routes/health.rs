//! `GET /healthz` (liveness: the process serves requests) and `GET /readyz` (readiness: the
//! database answers too), both without authentication, for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::http::AppState;

/// Answers `{"status":"OK"}` while the process serves requests.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "OK"}))
}

/// Answers 200 when the database answers, 503 otherwise.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "OK"}))),
        Err(error) => {
            tracing::warn!(%error, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "UNAVAILABLE", "detail": "the database does not answer"})),
            )
        }
    }
}
