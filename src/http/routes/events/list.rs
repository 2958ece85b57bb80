//! `GET /groups/{groupId}/events`: the project's events, newest first, paginated.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::json::event_json;
use super::query::Filter;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{SelfLink, TargetGroup};
use crate::http::mount::Mount;
use crate::http::pagination::paginated;
use crate::http::query::Page;
use crate::http::routes::integrations::ok;

/// Lists the project's events that pass the filter.
pub async fn list(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    page: Page,
    Filter(filter): Filter,
    at: SelfLink,
) -> Result<Response, ApiError> {
    let (events, total) =
        state.store.list_events(group, &filter, page.offset() as u64, page.items_per_page as u64).await?;
    let results = events.iter().map(|event| event_json(mount, &at, event)).collect();
    Ok(ok(mount, StatusCode::OK, &paginated(mount, &at, &page, results, total as usize)))
}
