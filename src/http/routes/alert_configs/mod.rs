//! Atlas's Alert Configurations resource: a project's configurations (list, create, get,
//! replace, toggle `enabled`, delete) and the matcher field names, on each mount. Reads need
//! read access to the project; changes need `GROUP_OWNER` (the spec's Project Alerts Manager
//! role is not one this server has).

mod change;
mod field_names;
mod read;
mod target;

pub use change::names_own;

use axum::Router;
use axum::routing::get;

use crate::http::AppState;

/// The resource's routes under a mount's `prefix`.
pub fn routes(prefix: &str) -> Router<AppState> {
    Router::new()
        .route(&format!("{prefix}/alertConfigs/matchers/fieldNames"), get(field_names::field_names))
        .route(&format!("{prefix}/groups/{{group_id}}/alertConfigs"), get(read::list).post(change::create))
        .route(
            &format!("{prefix}/groups/{{group_id}}/alertConfigs/{{alert_config_id}}"),
            get(read::get).put(change::replace).patch(change::toggle).delete(change::delete),
        )
        .route(
            &format!("{prefix}/groups/{{group_id}}/alertConfigs/{{alert_config_id}}/alerts"),
            get(read::alerts),
        )
}
