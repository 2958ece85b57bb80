//! `GET /groups/{groupId}/integrations/{integrationType}`: the bare integration object.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::json::ok;
use crate::domain::integration::ChangeError;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{TargetGroup, TargetType};
use crate::http::mount::Mount;
use crate::http::query::Flags;

/// Answers one integration, masked; 404 `INTEGRATION_NOT_CONFIGURED` if the type has none.
pub async fn get(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    TargetType(kind): TargetType,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let integration =
        state.store.get_integration(group, kind).await?.ok_or(ChangeError::NotConfigured(kind))?;
    Ok(ok(mount, StatusCode::OK, &integration.wire()))
}
