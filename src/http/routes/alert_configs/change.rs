//! `POST /groups/{groupId}/alertConfigs`, `PUT` and `PATCH` (`{"enabled": …}`) and `DELETE`
//! of `/groups/{groupId}/alertConfigs/{alertConfigId}`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::target::{TargetConfig, invalid};
use crate::domain::alerts::config::AlertSettings;
use crate::domain::ids::GroupId;
use crate::domain::integration::Integration;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, SelfLink, TargetGroup};
use crate::http::mount::Mount;
use crate::http::routes::alerting_json::config_json;
use crate::http::routes::integrations::ok;

/// Creates a configuration; 200 with it, as the spec has it.
pub async fn create(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    at: SelfLink,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let settings = AlertSettings::parse(&body, None).map_err(invalid)?;
    check_integrations(&state, group, &settings).await?;
    let config =
        state.store.create_alert_config(group, settings, state.limits.alert_configs_per_project).await?;
    Ok(ok(mount, StatusCode::OK, &config_json(mount, &at, &config)))
}

/// Replaces a configuration's settings (credentials sent back masked stay as they are).
pub async fn replace(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    target: TargetConfig,
    at: SelfLink,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let id = target.id.ok_or_else(|| target.not_found(group))?;
    let current = state.store.get_alert_config(group, id).await?.ok_or_else(|| target.not_found(group))?;
    let settings = AlertSettings::parse(&body, Some(&current.settings)).map_err(invalid)?;
    check_integrations(&state, group, &settings).await?;
    let config = state
        .store
        .replace_alert_config(group, id, settings)
        .await?
        .ok_or_else(|| target.not_found(group))?;
    Ok(ok(mount, StatusCode::OK, &config_json(mount, &at, &config)))
}

/// Turns a configuration on or off: the body is `{"enabled": true|false}`.
pub async fn toggle(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    target: TargetConfig,
    at: SelfLink,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let id = target.id.ok_or_else(|| target.not_found(group))?;
    let enabled = match body.as_object().map(|object| (object.len(), object.get("enabled"))) {
        Some((1, Some(Value::Bool(enabled)))) => *enabled,
        _ => return Err(invalid("the body must be {\"enabled\": true} or {\"enabled\": false}".into())),
    };
    let config = state
        .store
        .set_alert_config_enabled(group, id, enabled)
        .await?
        .ok_or_else(|| target.not_found(group))?;
    Ok(ok(mount, StatusCode::OK, &config_json(mount, &at, &config)))
}

/// Removes a configuration; 204 with no body.
pub async fn delete(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    target: TargetConfig,
) -> Result<Response, ApiError> {
    let id = target.id.ok_or_else(|| target.not_found(group))?;
    if !state.store.delete_alert_config(group, id).await? {
        return Err(target.not_found(group));
    }
    Ok(crate::http::routes::integrations::no_content(mount))
}

/// Every `integrationId` a notification names must be the project's integration of the
/// notification's type (the console's form is checked the same way, with [`names_own`]).
async fn check_integrations(
    state: &AppState,
    group: GroupId,
    settings: &AlertSettings,
) -> Result<(), ApiError> {
    if settings.notifications.iter().all(|n| n.integration_id.is_none()) {
        return Ok(());
    }
    names_own(&state.store.list_integrations(group).await?, settings)
}

/// Whether every `integrationId` in `settings` is one of `integrations` (the project's) of the
/// notification's type.
pub fn names_own(integrations: &[Integration], settings: &AlertSettings) -> Result<(), ApiError> {
    for notification in &settings.notifications {
        let Some(id) = notification.integration_id else { continue };
        let found = integrations.iter().any(|i| i.id == id && i.kind.as_str() == notification.type_name);
        if !found {
            return Err(invalid(format!(
                "notifications.integrationId {id} is not a {} integration of this project",
                notification.type_name
            )));
        }
    }
    Ok(())
}
