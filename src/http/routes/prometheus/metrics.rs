//! `GET /prometheus/v1.0/groups/{groupId}/metrics` (the discovery answer's target; an
//! extension, as Atlas's targets are its database hosts): the project's alerting health in
//! Prometheus's text format, so its own Prometheus sees whether alerts go out. Open alerts by
//! event type, notifications by type and status, and the delivery latency histogram.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::basic::PrometheusCaller;
use super::text_format::{CONTENT_TYPE, Exposition};
use crate::domain::alerts::stats::{AlertingStats, LATENCY_BOUNDS_MS};
use crate::http::AppState;
use crate::http::error::ApiError;

/// The metrics of the caller's project.
pub async fn metrics(State(state): State<AppState>, PrometheusCaller(project): PrometheusCaller) -> Response {
    match state.store.alerting_stats(project.id).await {
        Ok(stats) => {
            let mut response = render(&project.id.to_string(), &stats).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
            response
        }
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// The exposition of `stats`, every sample labelled with the project.
fn render(group: &str, stats: &AlertingStats) -> String {
    let mut out = Exposition::default();
    out.family("atlas_alerts_open", "gauge", "Open alerts of the project, by event type.");
    for (event_type, count) in &stats.open_alerts {
        out.sample("atlas_alerts_open", &[("group_id", group), ("event_type_name", event_type)], count);
    }
    out.family(
        "atlas_alert_notifications",
        "gauge",
        "Notifications of the project's alerts, by type and status.",
    );
    for ((type_name, status), count) in &stats.notifications {
        let labels = [("group_id", group), ("type_name", type_name.as_str()), ("status", status.as_str())];
        out.sample("atlas_alert_notifications", &labels, count);
    }
    let latency = &stats.latency;
    let name = "atlas_alert_notification_delivery_seconds";
    out.family(name, "histogram", "Time from a notification falling due to its delivery.");
    let bucket = format!("{name}_bucket");
    for (bound, count) in LATENCY_BOUNDS_MS.iter().zip(&latency.at_most) {
        let le = format!("{}", *bound as f64 / 1_000.0);
        out.sample(&bucket, &[("group_id", group), ("le", &le)], count);
    }
    out.sample(&bucket, &[("group_id", group), ("le", "+Inf")], latency.count);
    out.sample(&format!("{name}_sum"), &[("group_id", group)], latency.sum_ms as f64 / 1_000.0);
    out.sample(&format!("{name}_count"), &[("group_id", group)], latency.count);
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::alerts::stats::Latency;

    #[test]
    fn an_idle_project_still_shows_every_family_and_an_empty_histogram() {
        let stats = AlertingStats {
            latency: Latency { at_most: vec![0; LATENCY_BOUNDS_MS.len()], count: 0, sum_ms: 0 },
            ..AlertingStats::default()
        };
        let text = render("g1", &stats);
        assert!(text.contains("# TYPE atlas_alerts_open gauge"));
        assert!(
            text.contains("atlas_alert_notification_delivery_seconds_bucket{group_id=\"g1\",le=\"0.1\"} 0")
        );
        assert!(
            text.contains("atlas_alert_notification_delivery_seconds_bucket{group_id=\"g1\",le=\"+Inf\"} 0")
        );
        assert!(text.contains("atlas_alert_notification_delivery_seconds_count{group_id=\"g1\"} 0"));
    }
}
