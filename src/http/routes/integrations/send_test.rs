//! `POST /groups/{groupId}/integrations/{integrationType}:test` (an extension; Atlas's UI has
//! a test button, its API none): sends one test alert through the stored settings, at once
//! (one attempt, within the attempt timeout), and says what the receiver answered.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::create;
use super::json::ok;
use crate::delivery::webhook;
use crate::domain::alerts::delivery::WebhookDelivery;
use crate::domain::alerts::outbox::mask_urls;
use crate::domain::dates::iso_date;
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::{ChangeError, FieldValue, Integration, IntegrationType};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::TargetGroup;
use crate::http::mount::Mount;

const SUFFIX: &str = ":test";

/// POST on an integration: a test when the type ends in `:test`, a creation otherwise.
pub async fn create_or_test(State(state): State<AppState>, request: Request) -> Response {
    match request.uri().path().ends_with(SUFFIX) {
        true => send_test.call(request, state).await,
        false => create::create.call(request, state).await,
    }
}

fn secret_of(integration: &Integration, name: &str) -> Option<String> {
    match integration.fields.get(name) {
        Some(FieldValue::Secret(secret)) => Some(secret.expose().to_owned()),
        Some(FieldValue::Text(text)) => Some(text.clone()),
        _ => None,
    }
}

fn test_body(group: GroupId) -> String {
    let now = iso_date(crate::store::now_ms());
    json!({
        "created": now,
        "eventTypeName": "INTEGRATION_TEST",
        "groupId": group.to_string(),
        "humanReadable": "Test alert from atlas-integrations: this integration is set up to receive alerts.",
        "id": ObjectId::generate().to_string(),
        "status": "OPEN",
        "typeName": "GROUP",
        "updated": now,
    })
    .to_string()
}

/// Sends the test; 200 `{delivered, statusCode, durationMs}` or 502 `INTEGRATION_TEST_FAILED`.
pub async fn send_test(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    raw: axum::extract::RawPathParams,
) -> Result<Response, ApiError> {
    let written = raw.iter().find(|(name, _)| *name == "integration_type").map_or("", |(_, value)| value);
    let written = written.strip_suffix(SUFFIX).unwrap_or(written);
    let kind = IntegrationType::parse(written).ok_or_else(|| ApiError::invalid_enum_value(written))?;
    let integration =
        state.store.get_integration(group, kind).await?.ok_or(ChangeError::NotConfigured(kind))?;
    if kind != IntegrationType::Webhook {
        let reason = match kind {
            IntegrationType::NewRelic | IntegrationType::Flowdock => format!("{kind} has ended its service"),
            IntegrationType::Prometheus => "PROMETHEUS is pulled by Prometheus, not sent to".to_owned(),
            _ => format!("this server does not deliver {kind} notifications yet"),
        };
        return Err(ApiError::new(
            ErrorCode::InvalidAttribute,
            format!("Cannot test a {kind} integration: {reason}."),
            vec![kind.as_str().to_owned()],
        ));
    }
    let url = secret_of(&integration, "url").unwrap_or_default();
    let secret = secret_of(&integration, "secret");
    let delivery = WebhookDelivery {
        url: url.clone(),
        secret: secret.clone(),
        event: "alert.inform".into(),
        body: test_body(group),
    };
    let started = Instant::now();
    let sent = state
        .sender
        .post(&delivery.url, &webhook::headers(&delivery), delivery.body.clone().into_bytes())
        .await;
    let duration_ms = started.elapsed().as_millis() as u64;
    match sent.status {
        Some(status) if (200..300).contains(&status) => Ok(ok(
            mount,
            StatusCode::OK,
            &json!({"delivered": true, "statusCode": status, "durationMs": duration_ms}),
        )),
        status => {
            let mut said = mask_urls(sent.error.as_deref().unwrap_or("no answer"));
            for hidden in [Some(url), secret].into_iter().flatten().filter(|hidden| !hidden.is_empty()) {
                said = said.replace(&hidden, "****");
            }
            let said: String = said.chars().take(200).collect();
            let detail = match status {
                Some(status) => {
                    format!("The test alert was not accepted: the receiver answered {status}: {said}")
                }
                None => format!("The test alert could not be sent: {said}"),
            };
            let parameters = vec![status.map_or_else(String::new, |status| status.to_string()), said];
            Ok(ApiError::new(ErrorCode::IntegrationTestFailed, detail, parameters).into_response())
        }
    }
}
