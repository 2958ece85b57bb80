//! Atlas's Alerts resource on each mount: a project's alerts (list with `status`, get),
//! acknowledge and unacknowledge (`PATCH`, media types 2023-01-01 and 2024-05-30), the
//! configurations of an alert; and two extensions, raising alerts from an observation
//! (`POST /groups/{groupId}/alerts`) and closing one (`POST …/alerts/{alertId}:close`), both
//! `GROUP_OWNER` only; and each alert's notification log (`GET …/alerts/{alertId}/notifications`,
//! an extension) with `…/notifications/{notificationId}:redeliver` to send one again; and
//! Alertmanager's webhook (`…/alerts:alertmanager`, [`super::alertmanager`]).

mod acknowledge;
mod raise;
mod read;
mod redeliver;
mod target;

use axum::Router;
use axum::routing::{get, post};

use crate::http::AppState;

/// The resource's routes under a mount's `prefix`.
pub fn routes(prefix: &str) -> Router<AppState> {
    Router::new()
        .route(&format!("{prefix}/groups/{{group_id}}/alerts"), get(read::list).post(raise::raise))
        .route(
            &format!("{prefix}/groups/{{group_id}}/alerts:alertmanager"),
            post(super::alertmanager::receive),
        )
        // `{alert_id}` is also `{alertId}:close` for the close extension's POST.
        .route(
            &format!("{prefix}/groups/{{group_id}}/alerts/{{alert_id}}"),
            get(read::get).patch(acknowledge::acknowledge).post(raise::close),
        )
        .route(&format!("{prefix}/groups/{{group_id}}/alerts/{{alert_id}}/alertConfigs"), get(read::configs))
        .route(
            &format!("{prefix}/groups/{{group_id}}/alerts/{{alert_id}}/notifications"),
            get(read::notifications),
        )
        .route(
            &format!("{prefix}/groups/{{group_id}}/alerts/{{alert_id}}/notifications/{{notification_id}}"),
            axum::routing::post(redeliver::redeliver),
        )
}
