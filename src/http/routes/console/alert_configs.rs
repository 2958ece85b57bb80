//! A project's alert configurations: each one's event type, whether it is on, whom it
//! notifies; Enable and Disable for those who may change the project (the API's
//! `PATCH …/alertConfigs/{id}`).

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::confirm::{Question, ask, is_confirmed};
use super::form::SessionForm;
use super::page::{Chrome, error_page, render};
use super::project::{can_write, project, project_page};
use super::user::ConsoleUser;
use crate::domain::api_key::Access;
use crate::domain::dates::iso_date;
use crate::domain::ids::ObjectId;
use crate::domain::project::Project;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;

/// A configuration as the list shows it.
pub struct ConfigRow {
    /// Its id.
    pub id: String,
    /// The event type it watches.
    pub event_type: String,
    /// Whether it raises alerts.
    pub enabled: bool,
    /// The notification types it sends to.
    pub notifies: String,
    /// When it last changed.
    pub updated: String,
}

#[derive(Template)]
#[template(path = "console/alert_configs.html")]
struct ConfigsPage {
    chrome: Chrome,
    writable: bool,
    configs: Vec<ConfigRow>,
    total: u64,
}

/// The most configurations a page lists.
const LIMIT: u64 = 500;

/// `GET /projects/{groupId}/alert-configs`.
pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path(group): Path<String>,
) -> Response {
    let (project, chrome) =
        match project_page(&state, &user, &group, "Alert configurations", "alert-configs").await {
            Ok(found) => found,
            Err(refused) => return refused,
        };
    let (configs, total) = match state.store.list_alert_configs(project.id, 0, LIMIT).await {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, error.into()),
    };
    let configs = configs
        .into_iter()
        .map(|config| ConfigRow {
            id: config.id.to_string(),
            event_type: config.settings.event_type_name.clone(),
            enabled: config.settings.enabled,
            notifies: config
                .settings
                .notifications
                .iter()
                .map(|notification| notification.type_name)
                .collect::<Vec<_>>()
                .join(", "),
            updated: iso_date(config.updated_ms),
        })
        .collect();
    let writable = can_write(&state, &user, &project).await;
    render(StatusCode::OK, &ConfigsPage { chrome, writable, configs, total })
}

/// `POST /projects/{groupId}/alert-configs/{id}/enabled` with `enabled=true|false`.
pub async fn toggle(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, id)): Path<(String, String)>,
    SessionForm(form): SessionForm,
) -> Response {
    let chrome = Chrome::of("Alert configurations", &user);
    let (project, config) = match writable_config(&state, &user, &group, &id).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let not_found = || not_found(&id);
    let enabled = match form.get("enabled") {
        Some("true") => true,
        Some("false") => false,
        _ => {
            return error_page(
                &chrome,
                ApiError::new(
                    ErrorCode::InvalidAttribute,
                    "The form must say enabled=true or enabled=false.",
                    vec![],
                ),
            );
        }
    };
    match state.store.set_alert_config_enabled(project.id, config, enabled).await {
        Ok(Some(_)) => Redirect::to(&format!("/projects/{}/alert-configs", project.id)).into_response(),
        Ok(None) => error_page(&chrome, not_found()),
        Err(error) => error_page(&chrome, error.into()),
    }
}

/// A project the user may change and the id of one of its configurations (not yet looked
/// up), or the page saying why not.
async fn writable_config(
    state: &AppState,
    user: &ConsoleUser,
    group: &str,
    id: &str,
) -> Result<(Project, ObjectId), Response> {
    let chrome = Chrome::of("Alert configurations", user);
    let project =
        project(state, user, group, Access::Write).await.map_err(|error| error_page(&chrome, error))?;
    let config = ObjectId::parse(id).ok_or_else(|| error_page(&chrome, not_found(id)))?;
    Ok((project, config))
}

fn not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::AlertConfigNotFound,
        format!("No alert configuration with ID {id} exists in this project."),
        vec![id.to_owned()],
    )
}

/// `POST /projects/{groupId}/alert-configs/{id}/delete`: asks first, then deletes it (the
/// API's `DELETE`).
pub async fn delete(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, id)): Path<(String, String)>,
    SessionForm(form): SessionForm,
) -> Response {
    let chrome = Chrome::of("Alert configurations", &user);
    let (project, config_id) = match writable_config(&state, &user, &group, &id).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let config = match state.store.get_alert_config(project.id, config_id).await {
        Ok(Some(config)) => config,
        Ok(None) => return error_page(&chrome, not_found(&id)),
        Err(error) => return error_page(&chrome, error.into()),
    };
    let list = format!("/projects/{}/alert-configs", project.id);
    if !is_confirmed(&form) {
        let event_type = &config.settings.event_type_name;
        return ask(
            Chrome::of("Delete an alert configuration", &user).in_project(&project, "alert-configs"),
            Question {
                heading: format!("Delete the {event_type} alert configuration?"),
                consequence: "It raises no more alerts and notifies no one; the alerts it raised keep \
                              their history."
                    .to_owned(),
                action: format!("{list}/{id}/delete"),
                button: "Delete",
                cancel: format!("{list}#config-{id}"),
            },
        );
    }
    match state.store.delete_alert_config(project.id, config_id).await {
        Ok(true) => Redirect::to(&list).into_response(),
        Ok(false) => error_page(&chrome, not_found(&id)),
        Err(error) => error_page(&chrome, error.into()),
    }
}
