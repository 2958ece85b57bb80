//! The project a console page is about, reached under the API's access rule
//! ([`require_access`]): reading needs any role that covers the project, changing it
//! `GROUP_OWNER` or `ORG_OWNER`, exactly as on the API.

use crate::domain::api_key::Access;
use crate::domain::ids::GroupId;
use crate::domain::project::Project;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::require_access;

use super::session::ConsoleUser;

/// The project `raw` names, if `user` may reach it for `needed`.
pub async fn project(
    state: &AppState,
    user: &ConsoleUser,
    raw: &str,
    needed: Access,
) -> Result<Project, ApiError> {
    let group = GroupId::parse(raw).ok_or_else(|| ApiError::invalid_group_id(raw))?;
    require_access(state, &user.key, group, needed).await?;
    state.store.find_project(group).await?.ok_or_else(|| ApiError::group_not_found(raw))
}

/// Whether `user` may change `project`.
pub async fn can_write(state: &AppState, user: &ConsoleUser, project: &Project) -> bool {
    require_access(state, &user.key, project.id, Access::Write).await.is_ok()
}
