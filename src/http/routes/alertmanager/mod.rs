//! Prometheus Alertmanager's webhook, received (an extension): `POST
//! {mount}/groups/{groupId}/alerts:alertmanager`, `GROUP_OWNER` only, authenticated like every
//! API call (Alertmanager's `oauth2` client credentials against `/api/oauth/token` give it a
//! Bearer token). Each alert of the payload is reported in one transaction: a firing one opens
//! or updates the Atlas alert of each configuration that catches it, a resolved one closes the
//! open ones of its target. Alertmanager resends firing alerts, so the same alert updates the
//! alert it opened rather than opening another. The answer says what happened to each.

mod payload;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::domain::alerts::catalog::family_of;
use crate::domain::alerts::report::{Change, Changes};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::{TargetGroup, TypedJson};
use crate::http::mount::Mount;
use crate::http::routes::alerting_json::notification_base;
use crate::http::routes::integrations::ok;
use payload::{MOST_ALERTS, Payload};

/// `POST …/groups/{groupId}/alerts:alertmanager[?eventTypeName=…]`.
pub async fn receive(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    RawQuery(query): RawQuery,
    TypedJson(payload): TypedJson<Payload>,
) -> Result<Response, ApiError> {
    let invalid = |detail: String| ApiError::new(ErrorCode::InvalidAttribute, detail, vec![]);
    if let Some(version) = payload.version.as_deref().filter(|version| *version != "4") {
        return Err(invalid(format!(
            "Alertmanager webhook payload version {version} is not supported; version 4 is (Alertmanager 0.7 and later)."
        )));
    }
    if payload.alerts.len() > MOST_ALERTS {
        return Err(invalid(format!(
            "The payload holds {} alerts; at most {MOST_ALERTS} are taken at once (set max_alerts in the webhook_config).",
            payload.alerts.len()
        )));
    }
    let event_type = event_type_parameter(query.as_deref())?;
    // Each alert's verdict (whether it ended, or why it was refused); the reports taken go to
    // the store in the payload's order.
    let mut taken = Vec::with_capacity(payload.alerts.len());
    let verdicts: Vec<Result<bool, String>> = payload
        .alerts
        .iter()
        .map(|alert| {
            alert.report(event_type.as_deref()).map(|report| {
                let ended = report.ended;
                taken.push(report);
                ended
            })
        })
        .collect();
    let mut applied =
        state.store.report_alerts(group, taken, &notification_base(&state, mount)).await?.into_iter();
    let mut counts = [0u64; 5];
    let results: Vec<Value> = payload
        .alerts
        .iter()
        .zip(&verdicts)
        .enumerate()
        .map(|(index, (alert, verdict))| {
            let mut result =
                json!({"index": index, "status": alert.status, "fingerprint": alert.fingerprint});
            let (outcome, extra) = match verdict {
                Err(reason) => ("REFUSED", json!({"reason": reason})),
                Ok(ended) => {
                    let changes = applied.next().unwrap_or_default();
                    let outcome = outcome_of(&changes, *ended);
                    (outcome, json!({"alerts": changes_json(&changes)}))
                }
            };
            let slot = ["OPENED", "UPDATED", "CLOSED", "REFUSED"]
                .iter()
                .position(|name| *name == outcome)
                .unwrap_or(4);
            counts[slot] += 1;
            result["outcome"] = json!(outcome);
            if let (Value::Object(result), Value::Object(extra)) = (&mut result, extra) {
                result.extend(extra);
            }
            result
        })
        .collect();
    let [opened, updated, closed, refused, unchanged] = counts;
    let body = json!({"received": payload.alerts.len(), "opened": opened, "updated": updated, "closed": closed,
        "unchanged": unchanged, "refused": refused, "results": results});
    Ok(ok(mount, StatusCode::OK, &body))
}

/// The `eventTypeName` query parameter, checked, if given.
fn event_type_parameter(query: Option<&str>) -> Result<Option<String>, ApiError> {
    let given = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(name, _)| name == "eventTypeName")
        .map(|(_, value)| value.into_owned());
    match given {
        Some(name) if family_of(&name).is_none() => Err(ApiError::invalid_query_parameter(
            "eventTypeName",
            &format!("{name} is not an Atlas alert event type"),
        )),
        other => Ok(other),
    }
}

/// One word for what a report did: the strongest change, or why it changed nothing.
fn outcome_of(changes: &Changes, ended: bool) -> &'static str {
    let has = |wanted: Change| changes.iter().any(|(_, change)| *change == wanted);
    match (has(Change::Opened), has(Change::Updated), has(Change::Closed)) {
        (true, _, _) => "OPENED",
        (_, true, _) => "UPDATED",
        (_, _, true) => "CLOSED",
        _ if ended => "NO_OPEN_ALERT",
        _ => "MATCHED_NO_CONFIGURATION",
    }
}

fn changes_json(changes: &Changes) -> Vec<Value> {
    changes
        .iter()
        .map(|(alert, change)| {
            json!({"id": alert.id.to_string(), "alertConfigId": alert.alert_config_id.to_string(), "change": change.as_str()})
        })
        .collect()
}
