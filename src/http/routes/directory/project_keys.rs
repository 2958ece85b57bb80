//! A project's API keys: the organization keys with a role in it (listed by its readers);
//! made and assigned in one call, an existing key assigned, its roles there changed, or
//! unassigned, by the project's owners (Atlas's Project Access Manager is `GROUP_OWNER`
//! here) and the organization's.

use axum::extract::{RawPathParams, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::body::{description, object, project_roles, refuse_unknown};
use super::org_keys::key_param;
use super::scope::{key_in, key_not_found};
use super::views::{key_json, list_answer};
use crate::admin::issue_api_key;
use crate::domain::api_key::{ApiKey, OrgRole, ProjectRole};
use crate::domain::ids::GroupId;
use crate::domain::project::Project;
use crate::http::AppState;
use crate::http::attributes::{invalid_attribute, missing_attribute};
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, ListReply, SelfLink, TargetGroup};
use crate::http::mount::Mount;
use crate::http::query::Flags;
use crate::http::routes::integrations::{no_content, ok};

const READ_ONLY: &[&str] = &["id", "links", "privateKey", "publicKey"];

async fn project(state: &AppState, group: GroupId) -> Result<Project, ApiError> {
    state.store.find_project(group).await?.ok_or_else(|| ApiError::group_not_found(&group.to_string()))
}

fn assigned(key: &ApiKey, group: GroupId) -> bool {
    key.project_roles.iter().any(|(project, _)| *project == group)
}

/// The organization's keys with a role in the project, oldest first.
pub async fn list(
    State(state): State<AppState>,
    reply: ListReply,
    TargetGroup(group): TargetGroup,
) -> Result<Response, ApiError> {
    let project = project(&state, group).await?;
    let keys: Vec<ApiKey> = state
        .store
        .api_keys_of(project.org_id)
        .await?
        .into_iter()
        .filter(|key| assigned(key, group))
        .collect();
    Ok(list_answer(&reply, &keys, |mount, at, key| key_json(mount, at, key, None)))
}

/// Makes an organization key (`ORG_MEMBER`) with roles in this project; its private key is
/// in this answer and nowhere else.
pub async fn create(
    State(state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    TargetGroup(group): TargetGroup,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let project = project(&state, group).await?;
    let body = object(&body)?;
    refuse_unknown(body, &["desc", "roles"], READ_ONLY)?;
    let desc = description(body.get("desc").ok_or_else(|| missing_attribute("desc"))?)?;
    let roles = project_roles(body.get("roles").ok_or_else(|| missing_attribute("roles"))?)?;
    let grants = roles.into_iter().map(|role| (group, role)).collect();
    let created =
        issue_api_key(state.store.as_ref(), project.org_id, &desc, vec![OrgRole::OrgMember], grants).await?;
    Ok(ok(mount, StatusCode::OK, &key_json(mount, &at, &created.key, Some(&created.private_key))))
}

/// The roles of `[{"roles": [...]}, ...]` (v2; `userId`, read-only, is ignored) or of one
/// `{"roles": [...]}` (what the legacy v1.0 client sends), each once.
fn assignment_roles(body: &Value) -> Result<Vec<ProjectRole>, ApiError> {
    let items = match body {
        Value::Array(items) => items.as_slice(),
        Value::Object(_) => std::slice::from_ref(body),
        _ => {
            return Err(ApiError::invalid_json("the body must be a role assignment or a JSON array of them"));
        }
    };
    let mut roles = Vec::new();
    for item in items {
        let item = object(item)?;
        refuse_unknown(item, &["roles"], &["userId"])?;
        for role in project_roles(item.get("roles").ok_or_else(|| missing_attribute("roles"))?)? {
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
    }
    if roles.is_empty() {
        return Err(invalid_attribute("an assignment must name at least one role"));
    }
    Ok(roles)
}

/// Assigns an existing key of the project's organization, with the roles the body names.
pub async fn assign(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    params: RawPathParams,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let project = project(&state, group).await?;
    let key = key_in(&state, project.org_id, &key_param(&params)).await?;
    let roles = assignment_roles(&body)?;
    state.store.set_api_key_project_roles(key.id, group, roles).await?;
    Ok(no_content(mount))
}

/// Changes a key's roles in the project (assigning it if it was not) and/or its description.
pub async fn update(
    State(state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    TargetGroup(group): TargetGroup,
    params: RawPathParams,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let project = project(&state, group).await?;
    let key = key_in(&state, project.org_id, &key_param(&params)).await?;
    let body = object(&body)?;
    refuse_unknown(body, &["desc", "roles"], READ_ONLY)?;
    let desc = body.get("desc").filter(|value| !value.is_null()).map(description).transpose()?;
    let roles = body.get("roles").filter(|value| !value.is_null()).map(project_roles).transpose()?;
    if roles.is_none() && !assigned(&key, group) {
        // Without roles this only describes a key, which a project's owner may do to its own.
        return Err(key_not_found(&key_param(&params)));
    }
    let mut key = match desc {
        Some(desc) => state.store.update_api_key(key.id, Some(desc), None).await?,
        None => key,
    };
    if let Some(roles) = roles {
        key = state.store.set_api_key_project_roles(key.id, group, roles).await?;
    }
    Ok(ok(mount, StatusCode::OK, &key_json(mount, &at, &key, None)))
}

/// Takes every role the key has in the project; the key itself stays in the organization.
pub async fn unassign(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    params: RawPathParams,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let project = project(&state, group).await?;
    let raw = key_param(&params);
    let key = key_in(&state, project.org_id, &raw).await?;
    if !assigned(&key, group) {
        return Err(key_not_found(&raw));
    }
    state.store.set_api_key_project_roles(key.id, group, vec![]).await?;
    Ok(no_content(mount))
}
