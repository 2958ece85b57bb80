//! A project's alerts, open first, and one alert's page: what was observed, its
//! acknowledgement, Acknowledge (for 1 to 24 hours, with a comment), Unacknowledge and
//! Close for those who may change the project, and the log of its notifications (each
//! attempt's status, answer and error), as the API's alert resource and its extensions have.

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
use crate::domain::alerts::alert::{Acknowledgement, Alert, AlertFilter, AlertStatus};
use crate::domain::alerts::config::AlertConfig;
use crate::domain::alerts::delivery::{Severity, measured};
use crate::domain::api_key::Access;
use crate::domain::dates::{iso_date, relative};
use crate::domain::ids::ObjectId;
use crate::domain::project::Project;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::mount::Mount;
use crate::http::routes::alerting_json::notification_base;
use crate::store::now_ms;

/// The most alerts the list shows.
const LIMIT: u64 = 500;

/// An alert as the pages show it.
pub struct AlertRow {
    /// Its id.
    pub id: String,
    /// Its event type.
    pub event_type: String,
    /// `OPEN` or `CLOSED`.
    pub status: &'static str,
    /// Where: the host and port, or the cluster, or the replica set.
    pub target: String,
    /// Its severity: the configuration's `severityOverride`, else `WARNING`.
    pub severity: &'static str,
    /// The host and port, if observed.
    pub host: String,
    /// The cluster, if observed.
    pub cluster: String,
    /// The replica set, if observed.
    pub replica_set: String,
    /// The metric's value against the configuration's threshold, if measured.
    pub metric: String,
    /// The configuration that raised it, if it still exists.
    pub config_id: String,
    /// When it opened.
    pub created: String,
    /// How long ago it opened.
    pub created_ago: String,
    /// When it closed.
    pub resolved: String,
    /// How long ago it closed.
    pub resolved_ago: String,
    /// Its acknowledgement, in words.
    pub acknowledged: String,
    /// What was observed, in words.
    pub summary: String,
}

impl AlertRow {
    /// `alert` as raised by `config` (if it still exists), as of `now_ms`.
    fn of(alert: &Alert, config: Option<&AlertConfig>, now_ms: i64) -> AlertRow {
        let observed = &alert.observation;
        let settings = config.map(|config| &config.settings);
        let limit =
            settings.and_then(|settings| settings.metric_threshold.as_ref().or(settings.threshold.as_ref()));
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let target = [&observed.hostname_and_port, &observed.cluster_name, &observed.replica_set_name]
            .into_iter()
            .flatten()
            .next()
            .cloned()
            .unwrap_or_default();
        let acknowledged = alert.acknowledgement.as_ref().map_or_else(String::new, |ack| {
            let comment = ack.comment.as_deref().map(|c| format!(": {c}")).unwrap_or_default();
            format!("by {} until {}{comment}", ack.username, iso_date(ack.until_ms))
        });
        AlertRow {
            id: alert.id.to_string(),
            event_type: observed.event_type_name.clone(),
            status: alert.status.as_str(),
            target,
            severity: Severity::from_override(settings.and_then(|s| s.severity_override.as_deref())).as_str(),
            host: text(&observed.hostname_and_port),
            cluster: text(&observed.cluster_name),
            replica_set: text(&observed.replica_set_name),
            metric: measured(observed, limit).unwrap_or_default(),
            config_id: config.map(|config| config.id.to_string()).unwrap_or_default(),
            created: iso_date(alert.created_ms),
            created_ago: relative(alert.created_ms, now_ms),
            resolved: alert.resolved_ms.map(iso_date).unwrap_or_default(),
            resolved_ago: alert.resolved_ms.map(|ms| relative(ms, now_ms)).unwrap_or_default(),
            acknowledged,
            summary: observed.human_readable.clone().unwrap_or_default(),
        }
    }
}

/// One notification attempt as the log shows it.
pub struct NotificationRow {
    /// Its id.
    pub id: String,
    /// Whether it may be sent again (delivered or failed).
    pub redeliverable: bool,
    /// How many times it was sent again on request.
    pub redeliveries: u32,
    /// The notification type.
    pub type_name: String,
    /// The alert event it told of.
    pub event: String,
    /// `PENDING`, `SENDING`, `DELIVERED`, `FAILED`, `SKIPPED`.
    pub status: String,
    /// Attempts made.
    pub attempts: u32,
    /// When it was due (or is due next).
    pub due: String,
    /// When it was delivered.
    pub delivered: String,
    /// The last answer's status.
    pub status_code: String,
    /// The last error.
    pub error: String,
}

#[derive(Template)]
#[template(path = "console/alerts.html")]
struct AlertsPage {
    chrome: Chrome,
    alerts: Vec<AlertRow>,
    total: u64,
}

#[derive(Template)]
#[template(path = "console/alert.html")]
struct AlertPage {
    chrome: Chrome,
    writable: bool,
    open: bool,
    acknowledged: bool,
    alert: AlertRow,
    notifications: Vec<NotificationRow>,
}

/// `GET /projects/{groupId}/alerts`: open alerts, then closed ones, newest first in each.
pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path(group): Path<String>,
) -> Response {
    let (project, chrome) = match project_page(&state, &user, &group, "Alerts", "alerts").await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let (mut alerts, total) =
        match state.store.list_alerts(project.id, AlertFilter::default(), 0, LIMIT).await {
            Ok(found) => found,
            Err(error) => return error_page(&chrome, error.into()),
        };
    alerts.sort_by_key(|alert| (alert.status != AlertStatus::Open, std::cmp::Reverse(alert.created_ms)));
    let configs = match state.store.list_alert_configs(project.id, 0, u64::MAX).await {
        Ok((configs, _)) => configs,
        Err(error) => return error_page(&chrome, error.into()),
    };
    let now = now_ms();
    let alerts = alerts
        .iter()
        .map(|alert| {
            AlertRow::of(alert, configs.iter().find(|config| config.id == alert.alert_config_id), now)
        })
        .collect();
    render(StatusCode::OK, &AlertsPage { chrome, alerts, total })
}

fn not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::AlertNotFound,
        format!("No alert with ID {id} exists in this project."),
        vec![id.to_owned()],
    )
}

/// `GET /projects/{groupId}/alerts/{alertId}`.
pub async fn one(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, id)): Path<(String, String)>,
) -> Response {
    let (project, chrome) = match project_page(&state, &user, &group, "Alert", "alerts").await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let Some(alert_id) = ObjectId::parse(&id) else { return error_page(&chrome, not_found(&id)) };
    let alert = match state.store.get_alert(project.id, alert_id).await {
        Ok(Some(alert)) => alert,
        Ok(None) => return error_page(&chrome, not_found(&id)),
        Err(error) => return error_page(&chrome, error.into()),
    };
    let log = match state.store.notification_log(project.id, alert_id).await {
        Ok(log) => log,
        Err(error) => return error_page(&chrome, error.into()),
    };
    let notifications = log
        .into_iter()
        .map(|record| NotificationRow {
            id: record.id.to_string(),
            redeliverable: matches!(record.status.as_str(), "DELIVERED" | "FAILED"),
            redeliveries: record.redeliveries,
            type_name: record.type_name,
            event: record.event,
            status: record.status,
            attempts: record.attempts,
            due: iso_date(record.due_ms),
            delivered: record.delivered_ms.map(iso_date).unwrap_or_default(),
            status_code: record.last_status_code.map(|code| code.to_string()).unwrap_or_default(),
            error: record.last_error.unwrap_or_default(),
        })
        .collect();
    let config = match state.store.get_alert_config(project.id, alert.alert_config_id).await {
        Ok(config) => config,
        Err(error) => return error_page(&chrome, error.into()),
    };
    let writable = can_write(&state, &user, &project).await;
    let page = AlertPage {
        chrome,
        writable,
        open: alert.status == AlertStatus::Open,
        acknowledged: alert.acknowledgement.is_some(),
        alert: AlertRow::of(&alert, config.as_ref(), now_ms()),
        notifications,
    };
    render(StatusCode::OK, &page)
}

/// An alert of a project the user may change.
pub(super) async fn writable_alert(
    state: &AppState,
    user: &ConsoleUser,
    group: &str,
    id: &str,
) -> Result<(Project, Alert), Response> {
    let chrome = Chrome::of("Alert", user);
    let project = project(state, user, group, Access::Write).await.map_err(|e| error_page(&chrome, e))?;
    let alert_id = ObjectId::parse(id).ok_or_else(|| error_page(&chrome, not_found(id)))?;
    match state.store.get_alert(project.id, alert_id).await {
        Ok(Some(alert)) => Ok((project, alert)),
        Ok(None) => Err(error_page(&chrome, not_found(id))),
        Err(error) => Err(error_page(&chrome, error.into())),
    }
}

pub(super) fn back_to(project: &Project, alert: &Alert) -> Response {
    Redirect::to(&format!("/projects/{}/alerts/{}", project.id, alert.id)).into_response()
}

fn refuse(user: &ConsoleUser, reason: &str) -> Response {
    let error =
        ApiError::new(ErrorCode::InvalidAttribute, format!("Invalid acknowledgement: {reason}."), vec![]);
    error_page(&Chrome::of("Alert", user), error)
}

/// `POST …/alerts/{alertId}/acknowledge` with `hours` (1 to 24) and an optional `comment`;
/// `unacknowledge=true` takes an acknowledgement back.
pub async fn acknowledge(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, id)): Path<(String, String)>,
    SessionForm(form): SessionForm,
) -> Response {
    let (project, alert) = match writable_alert(&state, &user, &group, &id).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    if alert.status != AlertStatus::Open {
        return refuse(&user, "only an open alert can be acknowledged");
    }
    let acknowledgement = match form.get("unacknowledge") {
        Some("true") => None,
        _ => {
            let hours = match form.get("hours").and_then(|h| h.parse::<i64>().ok()) {
                Some(hours @ 1..=24) => hours,
                _ => return refuse(&user, "choose for how long, 1 to 24 hours"),
            };
            let comment = form.get("comment").map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
            if comment.as_ref().is_some_and(|c| c.chars().count() > 200) {
                return refuse(&user, "the comment must have at most 200 characters");
            }
            let until_ms = now_ms() + hours * 3_600_000;
            Some(Acknowledgement { until_ms, comment, username: user.key.public_key.clone() })
        }
    };
    let base = notification_base(&state, Mount::AtlasV2);
    match state.store.acknowledge_alert(project.id, alert.id, acknowledgement, &base).await {
        Ok(Some(_)) => back_to(&project, &alert),
        Ok(None) => error_page(&Chrome::of("Alert", &user), not_found(&id)),
        Err(error) => error_page(&Chrome::of("Alert", &user), error.into()),
    }
}

/// `POST …/alerts/{alertId}/close`: closes the alert (the API's `:close` extension).
pub async fn close(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, id)): Path<(String, String)>,
    SessionForm(form): SessionForm,
) -> Response {
    let (project, alert) = match writable_alert(&state, &user, &group, &id).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    if !is_confirmed(&form) {
        let page = format!("/projects/{}/alerts/{}", project.id, alert.id);
        return ask(
            Chrome::of("Close an alert", &user).in_project(&project, "alerts"),
            Question {
                heading: format!("Close the {} alert?", alert.observation.event_type_name),
                consequence: "Each of its notifications is told that it closed; a later observation \
                              of the same target opens a new alert."
                    .to_owned(),
                action: format!("{page}/close"),
                button: "Close",
                cancel: page,
                kept: Vec::new(),
            },
        );
    }
    let base = notification_base(&state, Mount::AtlasV2);
    match state.store.close_alert(project.id, alert.id, &base).await {
        Ok(Some(_)) => back_to(&project, &alert),
        Ok(None) => error_page(&Chrome::of("Alert", &user), not_found(&id)),
        Err(error) => error_page(&Chrome::of("Alert", &user), error.into()),
    }
}
