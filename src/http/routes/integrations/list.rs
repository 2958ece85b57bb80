//! `GET /groups/{groupId}/integrations`: every integration of the project, paginated.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::json::{ok, page_of};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{SelfLink, TargetGroup};
use crate::http::mount::Mount;
use crate::http::query::Page;

/// Lists the project's integrations in type order.
pub async fn list(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    page: Page,
    at: SelfLink,
) -> Result<Response, ApiError> {
    let integrations = state.store.list_integrations(group).await?;
    Ok(ok(mount, StatusCode::OK, &page_of(mount, &at, &page, &integrations)))
}
