//! Atlas's Events API for this service's audit trail: `GET /groups/{groupId}/events`
//! (paginated, newest first, filtered by `eventType`, `minDate`, `maxDate`) and
//! `GET /groups/{groupId}/events/{eventId}`, with the same read access as integrations.

mod get;
mod json;
mod list;
mod query;

use axum::Router;
use axum::routing::get as get_route;

use crate::http::AppState;

/// The events routes under a mount's `prefix`.
pub fn routes(prefix: &str) -> Router<AppState> {
    Router::new()
        .route(&format!("{prefix}/groups/{{group_id}}/events"), get_route(list::list))
        .route(&format!("{prefix}/groups/{{group_id}}/events/{{event_id}}"), get_route(get::get))
}
