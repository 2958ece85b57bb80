//! `DELETE /groups/{groupId}/integrations/{integrationType}`: removes the type's settings;
//! 204 with no body.

use axum::extract::State;
use axum::response::Response;

use crate::domain::event::Actor;
use crate::domain::integration::Operation;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{TargetGroup, TargetType};
use crate::http::mount::Mount;
use crate::http::query::Flags;

/// Deletes the integration; 404 `INTEGRATION_NOT_CONFIGURED` if the type has none.
pub async fn delete(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    TargetType(kind): TargetType,
    _flags: Flags,
    actor: Actor,
) -> Result<Response, ApiError> {
    state.store.change_integration(group, Operation::Delete(kind), &actor).await?;
    Ok(crate::http::routes::integrations::no_content(mount))
}
