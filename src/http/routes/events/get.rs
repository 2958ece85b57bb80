//! `GET /groups/{groupId}/events/{eventId}`: one event.

use axum::extract::{RawPathParams, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::json::event_json;
use crate::domain::ids::ObjectId;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::{SelfLink, TargetGroup};
use crate::http::mount::Mount;
use crate::http::query::Flags;
use crate::http::routes::integrations::ok;

/// Answers one event; 404 if the project has no event of that id.
pub async fn get(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    params: RawPathParams,
    _flags: Flags,
    at: SelfLink,
) -> Result<Response, ApiError> {
    let raw = params.iter().find(|(name, _)| *name == "event_id").map_or("", |(_, value)| value).to_owned();
    let not_found = || {
        ApiError::new(
            ErrorCode::ResourceNotFound,
            format!("Cannot find resource event {raw}."),
            vec![raw.clone()],
        )
    };
    let id = ObjectId::parse(&raw).ok_or_else(not_found)?;
    let event = state.store.get_event(group, id).await?.ok_or_else(not_found)?;
    Ok(ok(mount, StatusCode::OK, &event_json(mount, &at, &event)))
}
