//! A project's audit events, newest first: which integration changed, by which key or
//! service account, from where.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::page::{Chrome, error_page, render};
use super::project::project_page;
use super::user::ConsoleUser;
use crate::domain::dates::iso_date;
use crate::domain::event::EventFilter;
use crate::http::AppState;

/// The most events the page lists.
const LIMIT: u64 = 500;

/// An event as the list shows it.
pub struct EventRow {
    /// When.
    pub created: String,
    /// What happened.
    pub event_type: &'static str,
    /// To which integration type.
    pub integration_type: &'static str,
    /// By whom.
    pub public_key: String,
    /// From where.
    pub remote_address: String,
}

#[derive(Template)]
#[template(path = "console/events.html")]
struct EventsPage {
    chrome: Chrome,
    events: Vec<EventRow>,
    total: u64,
}

/// `GET /projects/{groupId}/events`.
pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path(group): Path<String>,
) -> Response {
    let (project, chrome) = match project_page(&state, &user, &group, "Events", "events").await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let (events, total) = match state.store.list_events(project.id, &EventFilter::default(), 0, LIMIT).await {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, error.into()),
    };
    let events = events
        .into_iter()
        .map(|event| EventRow {
            created: iso_date(event.created_ms),
            event_type: event.event_type.as_str(),
            integration_type: event.integration_type.as_str(),
            public_key: event.public_key,
            remote_address: event.remote_address.unwrap_or_default(),
        })
        .collect();
    render(StatusCode::OK, &EventsPage { chrome, events, total })
}
