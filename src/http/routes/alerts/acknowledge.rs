//! `PATCH /groups/{groupId}/alerts/{alertId}`: acknowledges an alert until a time, with an
//! optional comment, or (`"unacknowledgeAlert": true`) takes the acknowledgement back.
//! Accepts both bodies of the spec (2023-01-01's alert view, 2024-05-30's `AcknowledgeAlert`)
//! and answers in the media type asked for.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::target::TargetAlert;
use crate::domain::alerts::alert::{Acknowledgement, AlertStatus};
use crate::domain::event::Actor;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::{JsonBody, SelfLink, TargetGroup};
use crate::http::mount::Mount;
use crate::http::routes::alerting_json::{alert_json, notification_base};
use crate::http::routes::integrations::ok;

/// The newer media type of this operation.
const ACKNOWLEDGE_MEDIA_TYPE: &str = "application/vnd.atlas.2024-05-30+json;charset=utf-8";

fn invalid(reason: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidAttribute,
        format!("Invalid acknowledgement: {reason}."),
        vec![reason.to_owned()],
    )
}

/// What the body asks: `Some` to acknowledge, `None` to take the acknowledgement back.
fn parse(body: &Value, username: &str, now_ms: i64) -> Result<Option<Acknowledgement>, ApiError> {
    let object = body.as_object().ok_or_else(|| invalid("the body must be a JSON object"))?;
    match object.get("unacknowledgeAlert") {
        Some(Value::Bool(true)) => return Ok(None),
        None | Some(Value::Bool(false)) | Some(Value::Null) => {}
        Some(_) => return Err(invalid("unacknowledgeAlert must be a boolean")),
    }
    let until = object.get("acknowledgedUntil").and_then(Value::as_str).ok_or_else(|| {
        invalid("acknowledgedUntil (an ISO 8601 date and time) or unacknowledgeAlert is required")
    })?;
    let until = OffsetDateTime::parse(until, &Rfc3339).map_err(|_| {
        invalid("acknowledgedUntil must be an ISO 8601 date and time, e.g. 2026-12-01T00:00:00Z")
    })?;
    let until_ms = (until.unix_timestamp_nanos() / 1_000_000) as i64;
    if until_ms <= now_ms {
        return Err(invalid("acknowledgedUntil must be in the future"));
    }
    let comment = match object.get("acknowledgementComment") {
        None | Some(Value::Null) => None,
        Some(Value::String(comment)) if comment.chars().count() <= 200 => Some(comment.clone()),
        Some(_) => return Err(invalid("acknowledgementComment must be a string of at most 200 characters")),
    };
    Ok(Some(Acknowledgement { until_ms, comment, username: username.to_owned() }))
}

/// Whether the caller asked for the 2024-05-30 version (or a later date) of the answer.
fn wants_newer(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT).iter().filter_map(|value| value.to_str().ok()).any(|accept| {
        accept.split(',').any(|range| {
            let range = range.split(';').next().unwrap_or("").trim();
            range
                .strip_prefix("application/vnd.atlas.")
                .and_then(|rest| rest.strip_suffix("+json"))
                .is_some_and(|date| date >= "2024-05-30")
        })
    })
}

/// How the answer is given: the mount, the self link, and whether the newer media type was
/// asked for.
pub struct Reply {
    mount: Mount,
    at: SelfLink,
    newer: bool,
}

impl FromRequestParts<AppState> for Reply {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let mount = Mount::from_request_parts(parts, state).await?;
        let at = SelfLink::from_request_parts(parts, state).await?;
        Ok(Reply { newer: mount.is_versioned() && wants_newer(&parts.headers), mount, at })
    }
}

/// Acknowledges or unacknowledges an open alert.
pub async fn acknowledge(
    State(state): State<AppState>,
    TargetGroup(group): TargetGroup,
    target: TargetAlert,
    actor: Actor,
    reply: Reply,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let id = target.id("").ok_or_else(|| target.not_found(group))?;
    let alert = state.store.get_alert(group, id).await?.ok_or_else(|| target.not_found(group))?;
    if alert.status != AlertStatus::Open {
        return Err(invalid("only an open alert can be acknowledged"));
    }
    let acknowledgement = parse(&body, &actor.public_key, crate::store::now_ms())?;
    let alert = state
        .store
        .acknowledge_alert(group, id, acknowledgement, &notification_base(&state, reply.mount))
        .await?
        .ok_or_else(|| target.not_found(group))?;
    let mut response = ok(reply.mount, StatusCode::OK, &alert_json(reply.mount, &reply.at, &alert));
    if reply.newer {
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(ACKNOWLEDGE_MEDIA_TYPE));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_acknowledgement_needs_a_future_time_and_a_short_comment() {
        let now = 1_786_417_621_000;
        let ack = parse(
            &json!({"acknowledgedUntil": "2026-08-12T00:00:00Z", "acknowledgementComment": "on it"}),
            "k",
            now,
        )
        .unwrap()
        .unwrap();
        assert_eq!((ack.comment.as_deref(), ack.username.as_str()), (Some("on it"), "k"));
        assert!(parse(&json!({"unacknowledgeAlert": true}), "k", now).unwrap().is_none());
        assert!(
            parse(&json!({"acknowledgedUntil": "2026-08-10T00:00:00Z"}), "k", now).is_err(),
            "in the past"
        );
        assert!(parse(&json!({"acknowledgedUntil": "tomorrow"}), "k", now).is_err());
        assert!(parse(&json!({}), "k", now).is_err());
        let long = "x".repeat(201);
        assert!(
            parse(
                &json!({"acknowledgedUntil": "2026-08-12T00:00:00Z", "acknowledgementComment": long}),
                "k",
                now
            )
            .is_err()
        );
    }

    #[test]
    fn the_newer_media_type_is_answered_when_asked_for() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/vnd.atlas.2024-05-30+json"));
        assert!(wants_newer(&headers));
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/vnd.atlas.2023-01-01+json"));
        assert!(!wants_newer(&headers));
    }
}
