//! `PUT /groups/{groupId}/integrations/{integrationType}`: merges the body into the type's
//! settings, or adds them; answers 200 with the project's whole list.

use axum::extract::State;
use axum::response::Response;

use super::json::change_and_list;
use crate::domain::integration::{Operation, Patch};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, SelfLink, TargetGroup, TargetType};
use crate::http::mount::Mount;
use crate::http::query::Page;

/// Updates (or creates) the integration.
pub async fn update(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    TargetType(kind): TargetType,
    page: Page,
    at: SelfLink,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let patch = Patch::parse(kind, body)?;
    change_and_list(&state, mount, group, &page, &at, Operation::Upsert(&patch)).await
}
