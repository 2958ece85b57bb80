//! The project a console page is about, reached under the API's access rule
//! ([`require_access`]): reading needs any role that covers the project, changing it
//! `GROUP_OWNER` or `ORG_OWNER`, exactly as on the API.

use crate::domain::api_key::Access;
use crate::domain::ids::GroupId;
use crate::domain::project::Project;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::require_access;

use axum::response::Response;

use super::page::{Chrome, error_page};
use super::user::ConsoleUser;

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

/// A page of `raw`'s `section`, read under the API's rule: the project and the page's frame,
/// or the error page to answer instead.
pub async fn project_page(
    state: &AppState,
    user: &ConsoleUser,
    raw: &str,
    title: &str,
    section: &'static str,
) -> Result<(Project, Chrome), Response> {
    let chrome = Chrome::of(title, user);
    match project(state, user, raw, Access::Read).await {
        Ok(project) => {
            let chrome = chrome.in_project(&project, section);
            Ok((project, chrome))
        }
        Err(error) => Err(error_page(&chrome, error)),
    }
}

/// Whether `user` may change `project`.
pub async fn can_write(state: &AppState, user: &ConsoleUser, project: &Project) -> bool {
    require_access(state, &user.key, project.id, Access::Write).await.is_ok()
}
