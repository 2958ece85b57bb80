//! A project's alert configurations in words: each one's event type, targets, threshold,
//! whom it notifies and whether it is on; for those who may change the project, Edit
//! ([`super::alert_config_editor`]), Enable and Disable (the API's
//! `PATCH …/alertConfigs/{id}`) and Delete, confirmed first.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::alert_config_body::limit_words;
use super::alert_words;
use super::confirm::{Question, ask, is_confirmed};
use super::form::SessionForm;
use super::page::{Chrome, error_page, render};
use super::project::{can_write, project, project_page};
use super::user::ConsoleUser;
use crate::domain::alerts::config::AlertConfig;
use crate::domain::alerts::notification::Notification;
use crate::domain::api_key::Access;
use crate::domain::dates::{iso_date, relative};
use crate::domain::ids::ObjectId;
use crate::domain::project::Project;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::store::now_ms;

/// A configuration as the list shows it.
pub struct ConfigRow {
    /// Its id.
    pub id: String,
    /// The event type it watches, in words.
    pub event_words: String,
    /// Which targets, in words (`every target` when it has no matchers).
    pub targets: String,
    /// Its threshold, in words, if it has one.
    pub threshold: Option<String>,
    /// Whether it raises alerts.
    pub enabled: bool,
    /// Each notification, in words.
    pub notifies: Vec<String>,
    /// When it last changed, exactly.
    pub updated: String,
    /// How long ago that was.
    pub updated_ago: String,
    /// Whether it was just saved.
    pub saved: bool,
}

impl ConfigRow {
    fn of(config: &AlertConfig, saved: Option<&String>, now: i64) -> ConfigRow {
        let settings = &config.settings;
        let targets = settings
            .matchers
            .iter()
            .map(|matcher| {
                let field = alert_words::constant(&matcher.field_name);
                format!("{field} {} {}", alert_words::operator(matcher.operator.as_str()), matcher.value)
            })
            .collect::<Vec<_>>();
        let threshold = settings.metric_threshold.as_ref().or(settings.threshold.as_ref()).map(limit_words);
        ConfigRow {
            id: config.id.to_string(),
            event_words: alert_words::constant(&settings.event_type_name),
            targets: if targets.is_empty() { "Every target".to_owned() } else { targets.join("; ") },
            threshold,
            enabled: settings.enabled,
            notifies: settings.notifications.iter().map(notification_words).collect(),
            updated: iso_date(config.updated_ms),
            updated_ago: relative(config.updated_ms, now),
            saved: saved.is_some_and(|id| *id == config.id.to_string()),
        }
    }
}

/// `Slack, at once, every 60 min`.
fn notification_words(notification: &Notification) -> String {
    let mut words = alert_words::notification_type(notification.type_name);
    match notification.delay_min {
        0 => words.push_str(", at once"),
        delay => words.push_str(&format!(", after {delay} min")),
    }
    if let Some(interval) = notification.interval_min {
        words.push_str(&format!(", every {interval} min"));
    }
    words
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
    Query(query): Query<HashMap<String, String>>,
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
    let configs = configs.iter().map(|config| ConfigRow::of(config, query.get("saved"), now_ms())).collect();
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
pub(super) async fn writable_config(
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

/// A configuration of a project the user may change, as stored, or the page saying why not.
pub(super) async fn stored_config(
    state: &AppState,
    user: &ConsoleUser,
    group: &str,
    id: &str,
) -> Result<(Project, AlertConfig), Response> {
    let (project, config) = writable_config(state, user, group, id).await?;
    match state.store.get_alert_config(project.id, config).await {
        Ok(Some(config)) => Ok((project, config)),
        Ok(None) => Err(error_page(&Chrome::of("Alert configuration", user), not_found(id))),
        Err(error) => Err(error_page(&Chrome::of("Alert configuration", user), error.into())),
    }
}

pub(super) fn not_found(id: &str) -> ApiError {
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
    let (project, config) = match stored_config(&state, &user, &group, &id).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let config_id = config.id;
    let list = format!("/projects/{}/alert-configs", project.id);
    if !is_confirmed(&form) {
        let event_type = alert_words::constant(&config.settings.event_type_name);
        return ask(
            Chrome::of("Delete an alert configuration", &user).in_project(&project, "alert-configs"),
            Question {
                heading: format!("Delete the “{event_type}” alert configuration?"),
                consequence: "It raises no more alerts and notifies no one; the alerts it raised keep \
                              their history."
                    .to_owned(),
                action: format!("{list}/{id}/delete"),
                button: "Delete",
                cancel: format!("{list}#config-{id}"),
                kept: Vec::new(),
            },
        );
    }
    match state.store.delete_alert_config(project.id, config_id).await {
        Ok(true) => Redirect::to(&list).into_response(),
        Ok(false) => error_page(&chrome, not_found(&id)),
        Err(error) => error_page(&chrome, error.into()),
    }
}
