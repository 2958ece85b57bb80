//! The accounts of an organization or a project: list, create, get, update, and delete (at
//! a project: unassign, the account stays in its organization).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;

use super::body::{Roles, missing, parse};
use super::scope::Scope;
use super::{answer, no_content, view};
use crate::accounts::{AccountRequest, create_account};
use crate::admin::AdminError;
use crate::domain::api_key::OrgRole;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::{JsonBody, ListReply};
use crate::http::pagination::paginated;
use crate::store::{AccountChange, StoreError};

/// An administrative failure as the API answers it.
pub fn admin_error(error: AdminError) -> ApiError {
    match error {
        AdminError::Invalid(reason) => {
            ApiError::new(ErrorCode::InvalidAttribute, format!("Invalid attribute: {reason}."), vec![reason])
        }
        AdminError::Store(StoreError::Conflict(reason)) => {
            ApiError::new(ErrorCode::ServiceAccountSecretLimit, reason.clone(), vec![reason])
        }
        AdminError::Store(error) => error.into(),
    }
}

/// `GET …/serviceAccounts`.
pub async fn list(
    State(state): State<AppState>,
    scope: Scope,
    reply: ListReply,
) -> Result<Response, ApiError> {
    let all = state.store.list_service_accounts(Some(scope.org)).await?;
    let shown: Vec<_> = all
        .iter()
        .filter(|account| scope.group.is_none_or(|group| !account.roles_in(group).is_empty()))
        .collect();
    let page = &reply.page;
    let results = shown
        .iter()
        .skip(page.offset())
        .take(page.items_per_page)
        .map(|a| view::account(&scope, a, None))
        .collect();
    Ok(answer(StatusCode::OK, &paginated(reply.mount, &reply.at, page, results, shown.len())))
}

/// `POST …/serviceAccounts`: 201 with the account and its first secret, shown once. At a
/// project, the account joins the organization as `ORG_MEMBER` with the roles given there.
pub async fn create(
    State(state): State<AppState>,
    scope: Scope,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let parsed = parse(&body, &scope, &["name", "description", "roles", "secretExpiresAfterHours"])?;
    let name = parsed.name.ok_or_else(|| missing("name"))?;
    let description = parsed.description.ok_or_else(|| missing("description"))?;
    let roles = parsed.roles.ok_or_else(|| missing("roles"))?;
    let secret_hours = parsed.secret_hours.ok_or_else(|| missing("secretExpiresAfterHours"))?;
    let (org_roles, project_roles) = match roles {
        Roles::Org(roles) => (roles, Vec::new()),
        Roles::Project(roles) => (vec![OrgRole::OrgMember], roles),
    };
    let request = AccountRequest { org_id: scope.org, name, description, org_roles, secret_hours };
    let (mut account, secret) = create_account(state.store.as_ref(), request).await.map_err(admin_error)?;
    if let Some(group) = scope.group {
        state.store.set_service_account_project_roles(account.id, group, &project_roles).await?;
        account = state.store.find_service_account(account.id).await?.unwrap_or(account);
    }
    Ok(answer(StatusCode::CREATED, &view::account(&scope, &account, Some(&secret))))
}

/// `GET …/serviceAccounts/{clientId}`.
pub async fn get(
    State(state): State<AppState>,
    scope: Scope,
    Path(path): Path<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let account = scope.account(&state, &path["client_id"], false).await?;
    Ok(answer(StatusCode::OK, &view::account(&scope, &account, None)))
}

/// `PATCH …/serviceAccounts/{clientId}`: name, description, and the roles of the scope.
pub async fn update(
    State(state): State<AppState>,
    scope: Scope,
    Path(path): Path<HashMap<String, String>>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let account = scope.account(&state, &path["client_id"], false).await?;
    let parsed = parse(&body, &scope, &["name", "description", "roles"])?;
    let mut change = AccountChange { name: parsed.name, description: parsed.description, org_roles: None };
    match parsed.roles {
        Some(Roles::Org(roles)) => change.org_roles = Some(roles),
        Some(Roles::Project(roles)) => {
            let group = scope.group.ok_or_else(ApiError::unexpected)?;
            state.store.set_service_account_project_roles(account.id, group, &roles).await?;
        }
        None => {}
    }
    let updated = state.store.update_service_account(account.id, change).await?;
    let updated = updated.ok_or_else(|| super::scope::account_not_found(&path["client_id"]))?;
    Ok(answer(StatusCode::OK, &view::account(&scope, &updated, None)))
}

/// `DELETE …/serviceAccounts/{clientId}`: at an organization the account and its tokens go;
/// at a project it is unassigned from the project.
pub async fn remove(
    State(state): State<AppState>,
    scope: Scope,
    Path(path): Path<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let account = scope.account(&state, &path["client_id"], false).await?;
    match scope.group {
        Some(group) => state.store.set_service_account_project_roles(account.id, group, &[]).await?,
        None => {
            state.store.delete_service_account(account.id).await?;
        }
    }
    Ok(no_content())
}
