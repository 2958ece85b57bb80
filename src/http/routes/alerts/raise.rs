//! The extensions that drive alerts from outside, `GROUP_OWNER` only: `POST
//! /groups/{groupId}/alerts` with an observation (answers the alerts it opened or updated, as
//! a paginated list) and `POST /groups/{groupId}/alerts/{alertId}:close`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::target::TargetAlert;
use crate::domain::alerts::observation::Observation;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::{JsonBody, ListReply, SelfLink, TargetGroup};
use crate::http::mount::Mount;
use crate::http::pagination::paginated;
use crate::http::query::Flags;
use crate::http::routes::alerting_json::{alert_json, notification_base};
use crate::http::routes::integrations::ok;

/// Matches an observation against the project's enabled configurations.
pub async fn raise(
    State(state): State<AppState>,
    TargetGroup(group): TargetGroup,
    reply: ListReply,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let observation = Observation::parse(&body).map_err(|reason| {
        ApiError::new(ErrorCode::InvalidAttribute, format!("Invalid observation: {reason}."), vec![reason])
    })?;
    let raised =
        state.store.raise_alert(group, &observation, &notification_base(&state, reply.mount)).await?;
    let total = raised.len();
    let page = &reply.page;
    let results = raised
        .iter()
        .skip(page.offset())
        .take(page.items_per_page)
        .map(|alert| alert_json(reply.mount, &reply.at, alert))
        .collect();
    Ok(ok(reply.mount, StatusCode::OK, &paginated(reply.mount, &reply.at, page, results, total)))
}

/// Closes an alert (`…/alerts/{alertId}:close`); closing a closed alert changes nothing.
pub async fn close(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    target: TargetAlert,
    _flags: Flags,
    at: SelfLink,
) -> Result<Response, ApiError> {
    if !target.raw.ends_with(":close") {
        return Err(ApiError::new(
            ErrorCode::MethodNotAllowed,
            "This method is not allowed on this resource.",
            vec![],
        ));
    }
    let id = target.id(":close").ok_or_else(|| target.not_found(group))?;
    let closed = state.store.close_alert(group, id, &notification_base(&state, mount)).await?;
    let alert = closed.ok_or_else(|| target.not_found(group))?;
    Ok(ok(mount, StatusCode::OK, &alert_json(mount, &at, &alert)))
}
