//! `GET /api/atlas/v2`: the system status, with the calling credential (an API key's id,
//! public key, roles and access list; for a service account's token, `apiKey` is null and
//! `serviceAccount` (an extension) names it), `appName`, `build` and `throttling`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::domain::service_account::CLIENT_ID_PREFIX;
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::extract::SelfLink;
use crate::http::mount::Mount;
use crate::http::routes::integrations::ok;

/// The status.
pub async fn status(
    State(_state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    axum::Extension(Caller(key)): axum::Extension<Caller>,
) -> Result<Response, ApiError> {
    let access_list: Vec<Value> = key
        .access_list
        .iter()
        .map(|entry| {
            let text = entry.to_string();
            let address = text.split('/').next().unwrap_or(&text).to_owned();
            json!({"cidrBlock": text, "ipAddress": address})
        })
        .collect();
    let credential = json!({"accessList": access_list, "id": key.id.to_string(), "publicKey": key.public_key,
                            "roles": key.role_assignments()});
    let mut body = json!({
        "appName": "MongoDB Atlas",
        "build": env!("CARGO_PKG_VERSION"),
        "links": [{"href": format!("{}{}", at.origin, at.path), "rel": "self"}],
        "throttling": false,
    });
    match key.public_key.starts_with(CLIENT_ID_PREFIX) {
        true => {
            body["apiKey"] = Value::Null;
            body["serviceAccount"] = json!({"clientId": key.public_key, "roles": key.role_assignments()});
        }
        false => body["apiKey"] = credential,
    }
    Ok(ok(mount, StatusCode::OK, &body))
}
