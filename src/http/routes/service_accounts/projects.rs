//! The projects an account belongs to (`GET /orgs/{orgId}/serviceAccounts/{clientId}/groups`)
//! and `POST /groups/{groupId}/serviceAccounts/{clientId}:invite`, which assigns an account of
//! the project's organization to the project with the roles given (Organization Owner only).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::body::{Roles, missing, parse};
use super::scope::Scope;
use super::{answer, view};
use crate::domain::ids::GroupId;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::{JsonBody, ListReply};
use crate::http::pagination::paginated;

/// `GET …/serviceAccounts/{clientId}/groups`.
pub async fn list(
    State(state): State<AppState>,
    scope: Scope,
    Path(path): Path<HashMap<String, String>>,
    reply: ListReply,
) -> Result<Response, ApiError> {
    let account = scope.account(&state, &path["client_id"], false).await?;
    let mut groups: Vec<GroupId> = account.project_roles.iter().map(|(group, _)| *group).collect();
    groups.sort_by_key(|group| group.to_string());
    groups.dedup();
    let page = &reply.page;
    let results = groups
        .iter()
        .skip(page.offset())
        .take(page.items_per_page)
        .map(|group| {
            let roles: Vec<&str> = account.roles_in(*group).iter().map(|role| role.as_str()).collect();
            json!({"groupId": group.to_string(), "roles": roles})
        })
        .collect();
    Ok(answer(StatusCode::OK, &paginated(reply.mount, &reply.at, page, results, groups.len())))
}

/// `POST …/serviceAccounts/{clientId}:invite` (a plain `POST` on an account is not a method).
pub async fn invite(
    State(state): State<AppState>,
    scope: Scope,
    Path(path): Path<HashMap<String, String>>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let raw = &path["client_id"];
    let (Some(group), true) = (scope.group, raw.ends_with(":invite")) else {
        return Err(ApiError::new(
            ErrorCode::MethodNotAllowed,
            "POST is not a method of this resource.",
            vec![],
        ));
    };
    if !scope.caller_owns_org() {
        return Err(ApiError::user_unauthorized());
    }
    let account = scope.account(&state, raw, true).await?;
    let Some(Roles::Project(roles)) = parse(&body, &scope, &["roles"])?.roles else {
        return Err(missing("roles"));
    };
    state.store.set_service_account_project_roles(account.id, group, &roles).await?;
    let account = scope.account(&state, raw, false).await?;
    Ok(answer(StatusCode::OK, &view::account(&scope, &account, None)))
}
