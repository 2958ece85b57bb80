//! `POST /groups/{groupId}/integrations/{integrationType}:test` (an extension; Atlas's UI has
//! a test button, its API none): sends one test alert through the stored settings, at once
//! (one attempt, within the attempt timeout), and says what the receiver answered.

use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::create;
use super::json::ok;
use crate::delivery::test_alert::{TestOutcome, send_test_alert, untestable};
use crate::domain::integration::{ChangeError, IntegrationType};
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
    if let Some(reason) = untestable(kind) {
        return Err(ApiError::new(
            ErrorCode::InvalidAttribute,
            format!("Cannot test a {kind} integration: {reason}."),
            vec![kind.as_str().to_owned()],
        ));
    }
    let project = state.store.find_project(group).await?.ok_or(ChangeError::NotConfigured(kind))?;
    let base = crate::http::routes::alerting_json::notification_base(&state, mount);
    match send_test_alert(&state.sender, &project, &integration, &base).await {
        TestOutcome::Delivered { status, duration_ms } => Ok(ok(
            mount,
            StatusCode::OK,
            &json!({"delivered": true, "statusCode": status, "durationMs": duration_ms}),
        )),
        TestOutcome::Failed { status, said } => {
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
