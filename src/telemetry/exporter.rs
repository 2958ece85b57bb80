//! `--metrics-listen`: the Prometheus text of [`super::metrics`], served as `GET /metrics` on
//! an address of its own (unauthenticated, so it is kept apart from the API). The recorder
//! is installed once per process; the outbox and pool gauges are read at each scrape.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::metrics;
use crate::store::{Store, now_ms};

/// Bounds of the time histograms, in seconds: 0.5 ms to 10 s.
const SECONDS: [f64; 14] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// Bounds of the group-commit batch sizes.
const BATCH: [f64; 9] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];
/// How often histograms' recent samples are folded in, so memory stays flat between scrapes.
pub const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder (the first call does; later ones share it) and returns
/// the handle that renders it.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(&SECONDS)
                .and_then(|builder| {
                    builder.set_buckets_for_metric(Matcher::Full(metrics::WRITE_BATCH.into()), &BATCH)
                })
                .expect("the bucket lists are not empty")
                .build_recorder();
            let handle = recorder.handle();
            if ::metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder is installed; /metrics will show nothing of ours");
            }
            handle
        })
        .clone()
}

#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    store: Arc<dyn Store>,
}

/// The metrics listener's routes: `GET /metrics`, and 404 for anything else.
pub fn router(handle: PrometheusHandle, store: Arc<dyn Store>) -> Router {
    Router::new()
        .route("/metrics", get(render))
        .fallback(|| async { (StatusCode::NOT_FOUND, "Only /metrics is served here.\n") })
        .with_state(Scrape { handle, store })
}

async fn render(State(scrape): State<Scrape>) -> Response {
    scrape.store.report_pool();
    let now = now_ms();
    match scrape.store.outbox_backlog(now).await {
        Ok(backlog) => {
            let age_ms = backlog.oldest_due_ms.map_or(0, |due| now.saturating_sub(due).max(0));
            metrics::outbox(backlog.waiting, Duration::from_millis(age_ms as u64));
        }
        Err(error) => {
            tracing::warn!(%error, "reading the outbox for the metrics failed; its gauges keep their last values")
        }
    }
    let body = scrape.handle.render();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}
