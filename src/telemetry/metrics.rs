//! The server's own metrics, named and labelled in one place. Each function records through
//! the `metrics` facade, which does nothing until [`super::exporter`] installs a recorder
//! (`--metrics-listen`). Every label takes values from a fixed set: route templates, never
//! paths; reasons and outcomes from this code; never a project, key, client id or address.

use std::time::Duration;

use metrics::{counter, gauge, histogram};

/// Requests answered, by method, route template and status.
pub const HTTP_REQUESTS: &str = "atlas_integrations_http_requests_total";
/// Time from a request's head to its answer, by method and route template.
pub const HTTP_DURATION: &str = "atlas_integrations_http_request_duration_seconds";
/// Failed authentications, by scheme and reason.
pub const AUTH_FAILURES: &str = "atlas_integrations_auth_failures_total";
/// Authentications refused or slowed for too many failures, by reason.
pub const AUTH_THROTTLED: &str = "atlas_integrations_auth_throttled_total";
/// Service account secrets checked against their Argon2id verifiers (the token endpoint and
/// the console's sign-in), known clients or not.
pub const SECRET_VERIFICATIONS: &str = "atlas_integrations_secret_verifications_total";
/// Alert configurations opened from the database and compiled (their project's changed, or
/// were not held in memory).
pub const ALERT_CONFIGS_OPENED: &str = "atlas_integrations_alert_configs_opened_total";
/// Requests refused by the per-project (or per-organization) rate limit.
pub const RATE_LIMITED: &str = "atlas_integrations_rate_limited_total";
/// Database connections by engine and state (`in_use`, `idle`).
pub const DB_CONNECTIONS: &str = "atlas_integrations_db_pool_connections";
/// Time spent waiting for a database connection, by engine.
pub const DB_WAIT: &str = "atlas_integrations_db_pool_wait_seconds";
/// Transactions committed together by SQLite's group-commit writer.
pub const WRITE_BATCH: &str = "atlas_integrations_db_write_batch_size";
/// Notification attempts, by notification type and outcome.
pub const NOTIFICATIONS: &str = "atlas_integrations_notifications_total";
/// Time from sending a notification to the receiver's answer, by notification type.
pub const DELIVERY_DURATION: &str = "atlas_integrations_notification_attempt_seconds";
/// Notifications waiting to be delivered (pending, due now or later).
pub const OUTBOX_DEPTH: &str = "atlas_integrations_outbox_depth";
/// Age of the oldest notification that is due and not yet delivered (0 when none is).
pub const OUTBOX_OLDEST_DUE: &str = "atlas_integrations_outbox_oldest_due_age_seconds";

/// The methods counted by name; any other is counted as `OTHER`.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// One answered request.
pub fn request(method: &axum::http::Method, route: &str, status: u16, elapsed: Duration) {
    let method = method_label(method);
    let route = route.to_owned();
    counter!(HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => status.to_string())
        .increment(1);
    histogram!(HTTP_DURATION, "method" => method, "route" => route).record(elapsed.as_secs_f64());
}

/// One failed authentication: `scheme` is `digest`, `bearer`, `client_credentials`,
/// `prometheus_basic` or `console`; `reason` one of the caller's fixed words.
pub fn auth_failure(scheme: &'static str, reason: &'static str) {
    counter!(AUTH_FAILURES, "scheme" => scheme, "reason" => reason).increment(1);
}

/// One refusal or delay for too many failures: `key_from_address` (one key or client from
/// one address) or `address` (one address under any names).
pub fn auth_throttled(reason: &'static str) {
    counter!(AUTH_THROTTLED, "reason" => reason).increment(1);
}

/// One secret checked against a verifier.
pub fn secret_verification() {
    counter!(SECRET_VERIFICATIONS).increment(1);
}

/// `how_many` alert configurations opened and compiled.
pub fn alert_configs_opened(how_many: usize) {
    counter!(ALERT_CONFIGS_OPENED).increment(how_many as u64);
}

/// One request over the rate limit of a `project` or an `organization`.
pub fn rate_limited(scope: &'static str) {
    counter!(RATE_LIMITED, "scope" => scope).increment(1);
}

/// The connections of an engine's pool at this moment.
pub fn pool_connections(engine: &'static str, in_use: usize, idle: usize) {
    gauge!(DB_CONNECTIONS, "engine" => engine, "state" => "in_use").set(in_use as f64);
    gauge!(DB_CONNECTIONS, "engine" => engine, "state" => "idle").set(idle as f64);
}

/// The wait for one connection.
pub fn pool_wait(engine: &'static str, waited: Duration) {
    histogram!(DB_WAIT, "engine" => engine).record(waited.as_secs_f64());
}

/// One committed batch of `transactions`.
pub fn write_batch(transactions: usize) {
    histogram!(WRITE_BATCH).record(transactions as f64);
}

/// One notification attempt: `outcome` is `delivered`, `retry` or `failed`.
pub fn notification(type_name: &str, outcome: &'static str, took: Duration) {
    let type_name = notification_type_label(type_name);
    counter!(NOTIFICATIONS, "type" => type_name, "outcome" => outcome).increment(1);
    histogram!(DELIVERY_DURATION, "type" => type_name).record(took.as_secs_f64());
}

/// The outbox at this moment.
pub fn outbox(depth: u64, oldest_due_age: Duration) {
    gauge!(OUTBOX_DEPTH).set(depth as f64);
    gauge!(OUTBOX_OLDEST_DUE).set(oldest_due_age.as_secs_f64());
}

/// A notification type as a label: one of Atlas's names, or `OTHER`.
fn notification_type_label(type_name: &str) -> &'static str {
    crate::domain::alerts::known_type_name(type_name).unwrap_or("OTHER")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_fixed_sets_whatever_the_client_sends() {
        assert_eq!(method_label(&axum::http::Method::from_bytes(b"BREW").unwrap()), "OTHER");
        assert_eq!(method_label(&axum::http::Method::PATCH), "PATCH");
        assert_eq!(notification_type_label("SLACK"), "SLACK");
        assert_eq!(notification_type_label("slack-but-made-up"), "OTHER");
    }
}
