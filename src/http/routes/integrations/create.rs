//! `POST /groups/{groupId}/integrations/{integrationType}`: adds the type's settings;
//! answers 200 with the project's whole list, as Atlas does.

use axum::extract::State;
use axum::response::Response;

use super::json::change_and_list;
use crate::domain::event::Actor;
use crate::domain::integration::{Operation, Patch};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, ListReply, TargetGroup, TargetType};

/// Creates the integration; 409 `INTEGRATION_ALREADY_CONFIGURED` if the type exists.
pub async fn create(
    State(state): State<AppState>,
    TargetGroup(group): TargetGroup,
    TargetType(kind): TargetType,
    reply: ListReply,
    actor: Actor,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let patch = Patch::parse(kind, body)?;
    change_and_list(&state, group, &reply, Operation::Create(&patch), &actor).await
}
