//! The project reads and writes Terraform's `mongodbatlas_project` makes besides the project:
//! settings and limits (kept), managed slow ms (kept), teams (none: this server has no
//! teams), IP addresses and clusters (none: it keeps no clusters).

use axum::extract::{RawPathParams, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::views::list_answer;
use crate::domain::project_options::{
    LimitSpec, OptionsChange, limit_spec, parse_limit_value, parse_settings_patch,
};
use crate::http::AppState;
use crate::http::attributes::invalid_attribute;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::{JsonBody, ListReply, TargetGroup};
use crate::http::mount::Mount;
use crate::http::query::Flags;
use crate::http::routes::integrations::{no_content, ok};

/// The media type of `GET /groups/{groupId}/clusters` as Terraform asks for it.
pub const CLUSTERS_MEDIA_TYPE: &str = "application/vnd.atlas.2024-08-05+json;charset=utf-8";

/// The project's settings, each as set or as its default.
pub async fn settings(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let options = state.store.project_options(group).await?;
    Ok(ok(mount, StatusCode::OK, &options.settings_view()))
}

/// Sets the settings the body names; the others stay.
pub async fn update_settings(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let patch = parse_settings_patch(&body).map_err(invalid_attribute)?;
    let options = state.store.change_project_options(group, OptionsChange::Settings(patch)).await?;
    Ok(ok(mount, StatusCode::OK, &options.settings_view()))
}

/// Every limit that has a value (Data Federation's only once set).
pub async fn limits(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let options = state.store.project_options(group).await?;
    Ok(ok(mount, StatusCode::OK, &options.limits_view()))
}

fn named_limit(params: &RawPathParams) -> Result<&'static LimitSpec, ApiError> {
    let name =
        params.iter().find(|(key, _)| *key == "limit_name").map(|(_, value)| value).unwrap_or_default();
    limit_spec(name).ok_or_else(|| ApiError::invalid_enum_value(name))
}

fn limit_not_set(spec: &LimitSpec) -> ApiError {
    ApiError::new(
        ErrorCode::ResourceNotFound,
        format!("The limit {} has no value in this project.", spec.name),
        vec![spec.name.to_owned()],
    )
}

/// One limit.
pub async fn limit(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    params: RawPathParams,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let spec = named_limit(&params)?;
    let options = state.store.project_options(group).await?;
    let view = options.limit_view(spec).ok_or_else(|| limit_not_set(spec))?;
    Ok(ok(mount, StatusCode::OK, &view))
}

/// Sets one limit, within its bounds.
pub async fn set_limit(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    params: RawPathParams,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let spec = named_limit(&params)?;
    let value = parse_limit_value(spec, &body).map_err(invalid_attribute)?;
    let options =
        state.store.change_project_options(group, OptionsChange::SetLimit(spec.name, value)).await?;
    Ok(ok(mount, StatusCode::OK, &options.limit_view(spec).unwrap_or(Value::Null)))
}

/// Returns one limit to its default (Data Federation's to none).
pub async fn reset_limit(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    params: RawPathParams,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let name = named_limit(&params)?.name;
    state.store.change_project_options(group, OptionsChange::ResetLimit(name)).await?;
    Ok(no_content(mount))
}

/// The project's teams: none (this server has no teams).
pub async fn teams(reply: ListReply, TargetGroup(_group): TargetGroup) -> Result<Response, ApiError> {
    Ok(list_answer(&reply, &[], |_, _, none: &Value| none.clone()))
}

/// The project's IP addresses: no clusters, so none.
pub async fn ip_addresses(
    mount: Mount,
    TargetGroup(group): TargetGroup,
    _flags: Flags,
) -> Result<Response, ApiError> {
    Ok(ok(mount, StatusCode::OK, &json!({"groupId": group.to_string(), "services": {"clusters": []}})))
}

/// Whether managed slow ms is on (a bare JSON boolean).
pub async fn managed_slow_ms(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let options = state.store.project_options(group).await?;
    Ok(ok(mount, StatusCode::OK, &options.managed_slow_ms))
}

async fn set_managed_slow_ms(
    state: &AppState,
    mount: Mount,
    group: crate::domain::ids::GroupId,
    on: bool,
) -> Result<Response, ApiError> {
    state.store.change_project_options(group, OptionsChange::ManagedSlowMs(on)).await?;
    Ok(no_content(mount))
}

/// Turns managed slow ms on.
pub async fn enable_managed_slow_ms(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    _flags: Flags,
) -> Result<Response, ApiError> {
    set_managed_slow_ms(&state, mount, group, true).await
}

/// Turns managed slow ms off.
pub async fn disable_managed_slow_ms(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    _flags: Flags,
) -> Result<Response, ApiError> {
    set_managed_slow_ms(&state, mount, group, false).await
}

/// The project's clusters: none. Answered in the 2024-08-05 media type on v2, as the
/// Terraform provider asks before it deletes a project.
pub async fn clusters(reply: ListReply, TargetGroup(_group): TargetGroup) -> Result<Response, ApiError> {
    let mut response = list_answer(&reply, &[], |_, _, none: &Value| none.clone());
    if reply.mount.is_versioned() {
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CLUSTERS_MEDIA_TYPE));
    }
    Ok(response.into_response())
}
