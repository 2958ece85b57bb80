//! Creating and editing an alert configuration in the console: first its event type (grouped
//! by kind, in words), then a form with what that kind takes. Buttons other than Save add or
//! remove a matcher or a notification and show the form again; Save goes through the API's
//! checks and store calls (`POST` and `PUT …/alertConfigs`), and a refusal shows the form
//! again with each reason beside its part.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::alert_config_body::{Step, apply_step, body, fields_of, new_fields, rows};
use super::alert_config_form::{Choice, ConfigForm};
use super::alert_configs::{self, not_found};
use super::alert_words;
use super::form::{Fields, SessionForm};
use super::page::{Chrome, error_page, render, sentence};
use super::project::project;
use super::user::ConsoleUser;
use crate::domain::alerts::catalog::family_of;
use crate::domain::alerts::config::{AlertConfig, AlertSettings, MAX_MATCHERS, MAX_NOTIFICATIONS};
use crate::domain::alerts::families::FAMILIES;
use crate::domain::alerts::family::Family;
use crate::domain::alerts::notification::SENT_TYPES;
use crate::domain::api_key::Access;
use crate::domain::integration::Integration;
use crate::domain::project::Project;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::routes::alert_configs::names_own;

/// Event types under the name of their kind.
pub struct EventGroup {
    /// The kind in words.
    pub words: &'static str,
    /// Its event types.
    pub event_types: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "console/alert_config_event.html")]
struct EventPage {
    chrome: Chrome,
    action: String,
    groups: Vec<EventGroup>,
    notify: Option<Vec<Choice>>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/alert_config_form.html")]
struct FormPage {
    chrome: Chrome,
    action: String,
    change_event: String,
    editing: bool,
    form: ConfigForm,
}

/// `GET /projects/{groupId}/alert-configs/new`: the event type, then (`?eventTypeName=`,
/// `&notify=`) the form.
pub async fn new(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path(group): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let project = match writable(&state, &user, &group).await {
        Ok(project) => project,
        Err(refused) => return refused,
    };
    let action = format!("/projects/{}/alert-configs/new", project.id);
    let chosen = query.get("eventTypeName").map(String::as_str);
    let Some((event_type, family)) = chosen.and_then(|name| family_of(name).map(|family| (name, family)))
    else {
        let error =
            chosen.map(|name| format!("{name:?} is not an Atlas alert event type; choose one of the list."));
        return choose_event(&user, &project, action, chosen.unwrap_or("HOST_DOWN"), true, error);
    };
    let fields = new_fields(query.get("notify").map(String::as_str));
    show_form(&state, &user, &project, action, event_type, family, &fields, None, StatusCode::OK).await
}

/// `GET /projects/{groupId}/alert-configs/{id}/edit` (`?eventTypeName=` to change it, and
/// `?choose` for the list of event types).
pub async fn edit(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (project, config) = match alert_configs::stored_config(&state, &user, &group, &id).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let action = format!("/projects/{}/alert-configs/{id}/edit", project.id);
    let current = config.settings.event_type_name.as_str();
    if query.contains_key("choose") {
        return choose_event(&user, &project, action, current, false, None);
    }
    let event_type = query.get("eventTypeName").map_or(current, String::as_str);
    let Some(family) = family_of(event_type) else {
        let error = format!("{event_type:?} is not an Atlas alert event type; choose one of the list.");
        return choose_event(&user, &project, action, current, false, Some(error));
    };
    let fields = fields_of(&config.settings);
    let previous = Some(&config.settings);
    show_form(&state, &user, &project, action, event_type, family, &fields, previous, StatusCode::OK).await
}

/// `POST /projects/{groupId}/alert-configs/new`.
pub async fn create(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path(group): Path<String>,
    SessionForm(fields): SessionForm,
) -> Response {
    let project = match writable(&state, &user, &group).await {
        Ok(project) => project,
        Err(refused) => return refused,
    };
    let action = format!("/projects/{}/alert-configs/new", project.id);
    submit(&state, &user, &project, action, fields, None).await
}

/// `POST /projects/{groupId}/alert-configs/{id}/edit`.
pub async fn update(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, id)): Path<(String, String)>,
    SessionForm(fields): SessionForm,
) -> Response {
    let (project, config) = match alert_configs::stored_config(&state, &user, &group, &id).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let action = format!("/projects/{}/alert-configs/{id}/edit", project.id);
    submit(&state, &user, &project, action, fields, Some(config)).await
}

/// A posted form: a step shows it again; Save checks it and saves it, or shows why not.
async fn submit(
    state: &AppState,
    user: &ConsoleUser,
    project: &Project,
    action: String,
    mut fields: Fields,
    current: Option<AlertConfig>,
) -> Response {
    let chrome = Chrome::of("Alert configuration", user).in_project(project, "alert-configs");
    let event_type = fields.text("eventTypeName").to_owned();
    let Some(family) = family_of(&event_type) else {
        let refused = ApiError::new(
            ErrorCode::InvalidAttribute,
            format!("The form names no Atlas alert event type ({event_type:?}); start again from the list."),
            vec![],
        );
        return error_page(&chrome, refused);
    };
    let (matchers, notifications) = (rows(&fields, 'm').len(), rows(&fields, 'n').len());
    if matchers > MAX_MATCHERS || notifications > MAX_NOTIFICATIONS {
        let refused = ApiError::new(
            ErrorCode::InvalidAttribute,
            format!(
                "The form holds {matchers} matchers and {notifications} notifications; a configuration has at \
                 most {MAX_MATCHERS} of each. Nothing was saved."
            ),
            vec![],
        );
        return error_page(&chrome, refused);
    }
    let previous = current.as_ref().map(|config| &config.settings);
    if apply_step(&mut fields) == Step::Changed {
        return show_form(
            state,
            user,
            project,
            action,
            &event_type,
            family,
            &fields,
            previous,
            StatusCode::OK,
        )
        .await;
    }
    let integrations = match state.store.list_integrations(project.id).await {
        Ok(integrations) => integrations,
        Err(error) => return error_page(&chrome, error.into()),
    };
    let mut form = ConfigForm::new(&event_type, family, &fields, previous, &integrations);
    let request = body(&event_type, family, &fields, previous);
    let Some(settings) = form.check(family, &request, &fields, previous) else {
        return form_page(user, project, action, form, current.is_some(), StatusCode::BAD_REQUEST);
    };
    match save(state, project, settings, current.as_ref(), &integrations).await {
        Ok(config) => {
            let list =
                format!("/projects/{}/alert-configs?saved={}#config-{}", project.id, config.id, config.id);
            Redirect::to(&list).into_response()
        }
        Err(error) => {
            form.error = Some(sentence(&error.detail));
            form_page(user, project, action, form, current.is_some(), error.code.status())
        }
    }
}

async fn save(
    state: &AppState,
    project: &Project,
    settings: AlertSettings,
    current: Option<&AlertConfig>,
    integrations: &[Integration],
) -> Result<AlertConfig, ApiError> {
    names_own(integrations, &settings)?;
    match current {
        None => Ok(state
            .store
            .create_alert_config(project.id, settings, state.limits.alert_configs_per_project)
            .await?),
        Some(current) => state
            .store
            .replace_alert_config(project.id, current.id, settings)
            .await?
            .ok_or_else(|| not_found(&current.id.to_string())),
    }
}

#[allow(clippy::too_many_arguments)]
async fn show_form(
    state: &AppState,
    user: &ConsoleUser,
    project: &Project,
    action: String,
    event_type: &str,
    family: &Family,
    fields: &Fields,
    previous: Option<&AlertSettings>,
    status: StatusCode,
) -> Response {
    let integrations = match state.store.list_integrations(project.id).await {
        Ok(integrations) => integrations,
        Err(error) => return error_page(&Chrome::of("Alert configuration", user), error.into()),
    };
    let form = ConfigForm::new(event_type, family, fields, previous, &integrations);
    form_page(user, project, action, form, previous.is_some(), status)
}

fn form_page(
    user: &ConsoleUser,
    project: &Project,
    action: String,
    form: ConfigForm,
    editing: bool,
    status: StatusCode,
) -> Response {
    let title = if editing { "Edit an alert configuration" } else { "New alert configuration" };
    let chrome = Chrome::of(title, user).in_project(project, "alert-configs");
    let change_event = if editing { format!("{action}?choose") } else { action.clone() };
    render(status, &FormPage { chrome, action, change_event, editing, form })
}

fn choose_event(
    user: &ConsoleUser,
    project: &Project,
    action: String,
    selected: &str,
    creating: bool,
    error: Option<String>,
) -> Response {
    let chrome = Chrome::of("Choose an event type", user).in_project(project, "alert-configs");
    let notify = creating.then(|| {
        SENT_TYPES
            .iter()
            .map(|name| Choice {
                value: (*name).to_owned(),
                words: alert_words::notification_type(name),
                selected: *name == "WEBHOOK",
            })
            .chain(std::iter::once(Choice { value: "EMAIL".into(), words: "Email".into(), selected: false }))
            .collect()
    });
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    render(status, &EventPage { chrome, action, groups: event_groups(selected), notify, error })
}

/// Every event type, each once under its kind (the catch-all's last).
fn event_groups(selected: &str) -> Vec<EventGroup> {
    let mut groups: Vec<EventGroup> = FAMILIES
        .iter()
        .map(|family| {
            let own = family
                .event_types
                .iter()
                .filter(|name| family_of(name).is_some_and(|found| std::ptr::eq(found, family)));
            EventGroup {
                words: alert_words::family(family.schema),
                event_types: own
                    .map(|name| Choice {
                        value: (*name).to_owned(),
                        words: alert_words::constant(name),
                        selected: *name == selected,
                    })
                    .collect(),
            }
        })
        .filter(|group| !group.event_types.is_empty())
        .collect();
    groups.rotate_left(1);
    groups
}

async fn writable(state: &AppState, user: &ConsoleUser, group: &str) -> Result<Project, Response> {
    let chrome = Chrome::of("Alert configuration", user);
    project(state, user, group, Access::Write).await.map_err(|error| error_page(&chrome, error))
}
