//! The Third-Party Service Integrations resource: list, get one, create, update (upsert)
//! and delete, one file each; and `POST …/integrations/{type}:test` (an extension).

mod create;
mod delete;
mod get;
mod json;
mod list;
mod send_test;
mod update;

use axum::Router;
use axum::routing::get as get_route;

use crate::http::AppState;

pub use json::{no_content, ok};

/// The resource's routes under a mount's `prefix`.
pub fn routes(prefix: &str) -> Router<AppState> {
    Router::new().route(&format!("{prefix}/groups/{{group_id}}/integrations"), get_route(list::list)).route(
        &format!("{prefix}/groups/{{group_id}}/integrations/{{integration_type}}"),
        get_route(get::get).post(send_test::create_or_test).put(update::update).delete(delete::delete),
    )
}
