//! `POST /projects/{groupId}/alerts/{alertId}/notifications/{notificationId}/redeliver`: the
//! console's "Send again" beside a delivered or failed notification, the API's `:redeliver`.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;

use super::alerts::{back_to, writable_alert};
use super::form::SessionForm;
use super::page::{Chrome, error_page};
use super::user::ConsoleUser;
use crate::domain::alerts::outbox::Redelivery;
use crate::domain::ids::ObjectId;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::store::now_ms;

/// Queues the notification to be sent again and returns to its alert.
pub async fn redeliver(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, id, notification)): Path<(String, String, String)>,
    _form: SessionForm,
) -> Response {
    let (project, alert) = match writable_alert(&state, &user, &group, &id).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let chrome = Chrome::of("Alert", &user);
    let not_found = || {
        ApiError::new(
            ErrorCode::NotificationNotFound,
            format!("No notification with ID {notification} exists for this alert."),
            vec![notification.clone()],
        )
    };
    let Some(notification_id) = ObjectId::parse(&notification) else {
        return error_page(&chrome, not_found());
    };
    match state.store.redeliver_notification(project.id, alert.id, notification_id, now_ms()).await {
        Ok(Redelivery::Queued(_)) => back_to(&project, &alert),
        Ok(Redelivery::NotFound) => error_page(&chrome, not_found()),
        Ok(Redelivery::NotFinished(status)) => error_page(
            &chrome,
            ApiError::new(
                ErrorCode::NotificationNotRedeliverable,
                format!("This notification is {status}: only a delivered or failed one can be sent again."),
                vec![status],
            ),
        ),
        Err(error) => error_page(&chrome, error.into()),
    }
}
