//! `GET /groups/{groupId}/alerts` (newest first, `status` filter, paginated),
//! `GET …/alerts/{alertId}`, `GET …/alerts/{alertId}/alertConfigs` and
//! `GET …/alerts/{alertId}/notifications`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;

use super::target::TargetAlert;
use crate::domain::alerts::alert::{AlertFilter, AlertStatus};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{SelfLink, TargetGroup};
use crate::http::mount::Mount;
use crate::http::pagination::paginated;
use crate::http::query::{Flags, Page};
use crate::http::routes::alerting_json::{alert_json, config_json};
use crate::http::routes::integrations::ok;

/// The `status` filter of the list.
pub struct StatusFilter(pub Option<AlertStatus>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for StatusFilter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let status = url::form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "status");
        match status {
            None => Ok(StatusFilter(None)),
            Some((_, value)) => {
                AlertStatus::parse(&value).map(|status| StatusFilter(Some(status))).ok_or_else(|| {
                    ApiError::invalid_query_parameter("status", "expected OPEN, TRACKING or CLOSED")
                })
            }
        }
    }
}

/// One page of the project's alerts.
pub async fn list(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    page: Page,
    StatusFilter(status): StatusFilter,
    at: SelfLink,
) -> Result<Response, ApiError> {
    let filter = AlertFilter { status, alert_config_id: None };
    let (alerts, total) =
        state.store.list_alerts(group, filter, page.offset() as u64, page.items_per_page as u64).await?;
    let results = alerts.iter().map(|alert| alert_json(mount, &at, alert)).collect();
    Ok(ok(mount, StatusCode::OK, &paginated(mount, &at, &page, results, total as usize)))
}

/// One alert; 404 `ALERT_NOT_FOUND` if the project has none of that id.
pub async fn get(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    target: TargetAlert,
    _flags: Flags,
    at: SelfLink,
) -> Result<Response, ApiError> {
    let id = target.id("").ok_or_else(|| target.not_found(group))?;
    let alert = state.store.get_alert(group, id).await?.ok_or_else(|| target.not_found(group))?;
    Ok(ok(mount, StatusCode::OK, &alert_json(mount, &at, &alert)))
}

/// The configuration that raised an alert, as a paginated list (empty once it is deleted).
pub async fn configs(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    target: TargetAlert,
    page: Page,
    at: SelfLink,
) -> Result<Response, ApiError> {
    let id = target.id("").ok_or_else(|| target.not_found(group))?;
    let alert = state.store.get_alert(group, id).await?.ok_or_else(|| target.not_found(group))?;
    let config = state.store.get_alert_config(group, alert.alert_config_id).await?;
    let all: Vec<_> = config.iter().map(|config| config_json(mount, &at, config)).collect();
    let total = all.len();
    let results = all.into_iter().skip(page.offset()).take(page.items_per_page).collect();
    Ok(ok(mount, StatusCode::OK, &paginated(mount, &at, &page, results, total)))
}

/// The alert's notification log (an extension): each notification's type, event, status
/// and attempts, never a secret.
pub async fn notifications(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    target: TargetAlert,
    page: Page,
    at: SelfLink,
) -> Result<Response, ApiError> {
    let id = target.id("").ok_or_else(|| target.not_found(group))?;
    state.store.get_alert(group, id).await?.ok_or_else(|| target.not_found(group))?;
    let log = state.store.notification_log(group, id).await?;
    let total = log.len();
    let results =
        log.iter().skip(page.offset()).take(page.items_per_page).map(|record| record.to_wire()).collect();
    Ok(ok(mount, StatusCode::OK, &paginated(mount, &at, &page, results, total)))
}
