//! `PUT /groups/{groupId}/integrations/{integrationType}`: merges the body into the type's
//! settings, or adds them; answers 200 with the project's whole list.

use axum::extract::State;
use axum::response::Response;

use super::json::change_and_list;
use crate::domain::event::Actor;
use crate::domain::integration::{Operation, Patch};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, ListReply, TargetGroup, TargetType};

/// Updates (or creates) the integration.
pub async fn update(
    State(state): State<AppState>,
    TargetGroup(group): TargetGroup,
    TargetType(kind): TargetType,
    reply: ListReply,
    actor: Actor,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let patch = Patch::parse(kind, body)?;
    change_and_list(&state, group, &reply, Operation::Upsert(&patch), &actor).await
}
