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

pub use json::ok;

/// The resource's routes, relative to a mount.
pub fn routes() -> Router<AppState> {
    Router::new().route("/groups/{group_id}/integrations", get_route(list::list)).route(
        "/groups/{group_id}/integrations/{integration_type}",
        get_route(get::get).post(create::create).put(update::update).delete(delete::delete),
    )
}
