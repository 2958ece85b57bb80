//! `GET /healthz`: liveness, without authentication or database.

use axum::Json;
use serde_json::{Value, json};

/// Answers `{"status":"OK"}` while the process serves requests.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "OK"}))
}
