//! `GET /groups/{groupId}/alertConfigs` (paginated, oldest first) and
//! `GET /groups/{groupId}/alertConfigs/{alertConfigId}`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::target::TargetConfig;
use crate::domain::alerts::alert::{AlertFilter, AlertStatus};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{SelfLink, TargetGroup};
use crate::http::mount::Mount;
use crate::http::pagination::paginated;
use crate::http::query::{Flags, Page};
use crate::http::routes::alerting_json::alert_json;
use crate::http::routes::alerting_json::config_json;
use crate::http::routes::integrations::ok;

/// One page of the project's configurations.
pub async fn list(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    page: Page,
    at: SelfLink,
) -> Result<Response, ApiError> {
    let (configs, total) =
        state.store.list_alert_configs(group, page.offset() as u64, page.items_per_page as u64).await?;
    let results = configs.iter().map(|config| config_json(mount, &at, config)).collect();
    Ok(ok(mount, StatusCode::OK, &paginated(mount, &at, &page, results, total as usize)))
}

/// One configuration; 404 `ALERT_CONFIG_NOT_FOUND` if the project has none of that id.
pub async fn get(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    target: TargetConfig,
    _flags: Flags,
    at: SelfLink,
) -> Result<Response, ApiError> {
    let id = target.id.ok_or_else(|| target.not_found(group))?;
    let config = state.store.get_alert_config(group, id).await?.ok_or_else(|| target.not_found(group))?;
    Ok(ok(mount, StatusCode::OK, &config_json(mount, &at, &config)))
}

/// The open alerts a configuration raised, newest first, paginated.
pub async fn alerts(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    target: TargetConfig,
    page: Page,
    at: SelfLink,
) -> Result<Response, ApiError> {
    let id = target.id.ok_or_else(|| target.not_found(group))?;
    state.store.get_alert_config(group, id).await?.ok_or_else(|| target.not_found(group))?;
    let filter = AlertFilter { status: Some(AlertStatus::Open), alert_config_id: Some(id) };
    let (alerts, total) =
        state.store.list_alerts(group, filter, page.offset() as u64, page.items_per_page as u64).await?;
    let results = alerts.iter().map(|alert| alert_json(mount, &at, alert)).collect();
    Ok(ok(mount, StatusCode::OK, &paginated(mount, &at, &page, results, total as usize)))
}
