//! `POST /groups/{groupId}/alerts/{alertId}/notifications/{notificationId}:redeliver`, an
//! extension (`GROUP_OWNER`): a delivered or failed notification is sent again, with the same
//! body and `webhook-id` and a fresh timestamp and signatures. Answered 202 with its log entry
//! as it now stands; the worker sends it in its alert's order.

use axum::extract::{RawPathParams, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::target::TargetAlert;
use crate::domain::alerts::outbox::Redelivery;
use crate::domain::ids::ObjectId;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::TargetGroup;
use crate::http::mount::Mount;
use crate::http::routes::integrations::ok;
use crate::store::now_ms;

const VERB: &str = ":redeliver";

/// Queues the notification the path names to be sent again.
pub async fn redeliver(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    target: TargetAlert,
    params: RawPathParams,
) -> Result<Response, ApiError> {
    let raw = params.iter().find(|(name, _)| *name == "notification_id").map_or("", |(_, value)| value);
    let Some(written) = raw.strip_suffix(VERB) else {
        return Err(ApiError::new(
            ErrorCode::MethodNotAllowed,
            "This method is not allowed on this resource.",
            vec![],
        ));
    };
    let alert = target.id("").ok_or_else(|| target.not_found(group))?;
    let not_found = || {
        ApiError::new(
            ErrorCode::NotificationNotFound,
            format!("No notification with ID {written} exists for alert {alert}."),
            vec![written.to_owned(), alert.to_string()],
        )
    };
    let notification = ObjectId::parse(written).ok_or_else(not_found)?;
    match state.store.redeliver_notification(group, alert, notification, now_ms()).await? {
        Redelivery::Queued(record) => Ok(ok(mount, StatusCode::ACCEPTED, &record.to_wire())),
        Redelivery::NotFound => Err(not_found()),
        Redelivery::NotFinished(status) => Err(ApiError::new(
            ErrorCode::NotificationNotRedeliverable,
            format!(
                "Notification {written} is {status}: only a delivered or failed notification can be sent again."
            ),
            vec![written.to_owned(), status],
        )),
    }
}
