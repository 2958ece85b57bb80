//! The Third-Party Service Integrations resource: list, get one, create, update (upsert)
//! and delete, one file each.

mod create;
mod delete;
mod get;
mod json;
mod list;
mod update;

use axum::Router;
use axum::routing::get as get_route;

use crate::http::AppState;

/// The resource's routes, relative to a mount, each counted against its project's limit.
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/groups/{group_id}/integrations", get_route(list::list))
        .route(
            "/groups/{group_id}/integrations/{integration_type}",
            get_route(get::get).post(create::create).put(update::update).delete(delete::delete),
        )
        .route_layer(axum::middleware::from_fn_with_state(state, crate::http::rate_limit::limit_requests))
}
