//! The application: `App::build(config)` opens the database, binds the listener (port 0
//! allowed) and builds the router; `App::serve(shutdown)` runs until `shutdown` resolves.
//! The binary and the tests take exactly this path.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::crypto::TokenSigner;
use crate::database::{self, OpenError};
use crate::delivery::client::Sender;
use crate::delivery::worker::Worker;
use crate::http::auth::nonce::NonceSigner;
use crate::http::rate_limit::RateLimits;
use crate::http::refusal_log::RefusalLog;
use crate::http::routes::console::csrf::CsrfKey;
use crate::http::server::{self, ConnectionLimits, descriptors};
use crate::http::tls::server_config;
use crate::http::{AppState, router};
use crate::store::Store;
use crate::telemetry::exporter;

/// How often the counts of refusals left out of the log are written.
const SUMMARY_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened.
    #[error(transparent)]
    Database(#[from] OpenError),
    /// The certificate or key is unusable.
    #[error(transparent)]
    Tls(#[from] crate::http::tls::TlsError),
    /// The delivery worker could not start.
    #[error("cannot start delivering notifications: {0}")]
    Delivery(String),
    /// The address could not be bound.
    #[error("cannot listen on {address}: {error}")]
    Listen {
        /// The address asked for.
        address: String,
        /// What the system said.
        error: std::io::Error,
    },
}

/// A built, bound, not yet serving application.
pub struct App {
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    router: axum::Router,
    store: Arc<dyn Store>,
    connections: ConnectionLimits,
    refusals: Arc<RefusalLog>,
    worker: Arc<Worker>,
    run_worker: bool,
    metrics: Option<MetricsListener>,
    notifications_origin: String,
}

/// The metrics address and what it serves.
struct MetricsListener {
    listener: TcpListener,
    router: axum::Router,
    handle: metrics_exporter_prometheus::PrometheusHandle,
}

/// Connections the metrics address takes at once (scrapers, not clients).
const METRICS_CONNECTIONS: usize = 64;

/// The request limits: counted for the whole deployment when replicas share PostgreSQL.
fn request_limits(config: &Config, store: &Arc<dyn crate::store::Store>) -> RateLimits {
    let mut limits = RateLimits::new(config.limits);
    if config.database.database_url.as_deref().is_some_and(crate::store::is_postgres_url) {
        limits.shared_requests = Some(crate::http::shared_rate::SharedRequestLimit::new(
            config.limits.requests_per_window,
            config.limits.window,
            store.clone(),
        ));
    }
    limits
}

/// The label of the key that signs access tokens.
const TOKEN_KEY: &str = "oauth-access-token";

impl App {
    /// Opens the database, binds the listener and builds the router.
    pub async fn build(config: Config) -> Result<App, StartError> {
        let tls = config.tls.as_ref().map(|files| server_config(&files.cert, &files.key)).transpose()?;
        let database = database::open(&config.database).await?;
        let listener = TcpListener::bind(&config.listen)
            .await
            .map_err(|error| StartError::Listen { address: config.listen.clone(), error })?;
        let address = listener
            .local_addr()
            .map_err(|error| StartError::Listen { address: config.listen.clone(), error })?;
        let notifications_origin = match &config.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("{}://{address}", if tls.is_some() { "https" } else { "http" }),
        };
        if let Err(error) = database.store.record_notifications_url(&notifications_origin).await {
            tracing::warn!(%error, "recording the URL notifications link under failed; commands beside the server need --public-url");
        }
        let refusals = Arc::new(RefusalLog::default());
        let state = AppState {
            store: database.store.clone(),
            nonces: Arc::new(NonceSigner::new(
                database.master_key.derive("digest-nonce"),
                config.nonce_ttl_secs,
            )),
            public_url: config.public_url.as_ref().map(|url| Arc::from(url.trim_end_matches('/'))),
            notifications_origin: Arc::from(notifications_origin.as_str()),
            limits: Arc::new(request_limits(&config, &database.store)),
            refusals: refusals.clone(),
            trusted_proxies: config.trusted_proxies.into(),
            tls: tls.is_some(),
            sender: Sender::new(&config.delivery).map_err(StartError::Delivery)?,
            tokens: Arc::new(TokenSigner::new(
                database.master_key.derive(TOKEN_KEY),
                database.previous_keys.iter().map(|key| key.derive(TOKEN_KEY)).collect(),
            )),
            token_ttl_secs: config.token_ttl_secs,
            console_csrf: Arc::new(CsrfKey::new(database.master_key.derive("console-csrf"))),
        };
        if tls.is_none() && !address.ip().is_loopback() {
            tracing::warn!(
                %address,
                "serving plain HTTP on a non-loopback address: Digest does not hide request bodies, \
                 which carry integration secrets; use --tls-cert and --tls-key, or a TLS-terminating proxy"
            );
        }
        let mut connections = config.connections;
        connections.max_connections =
            descriptors::connections_within(connections.max_connections, descriptors::raise_limit());
        if connections.max_connections < config.connections.max_connections {
            tracing::warn!(
                max_connections = connections.max_connections,
                "the connection limit is lowered to fit the open-file limit"
            );
        }
        let base = format!("{notifications_origin}/api/atlas/v2");
        let metrics = match &config.metrics_listen {
            Some(address) => {
                let listener = TcpListener::bind(address)
                    .await
                    .map_err(|error| StartError::Listen { address: address.clone(), error })?;
                let handle = exporter::install();
                let router = exporter::router(handle.clone(), database.store.clone());
                Some(MetricsListener { listener, router, handle })
            }
            None => None,
        };
        let run_worker = config.delivery.run_worker;
        let worker =
            Worker::new(database.store.clone(), config.delivery, base).map_err(StartError::Delivery)?;
        Ok(App {
            listener,
            tls,
            router: router(state),
            store: database.store,
            connections,
            refusals,
            worker: Arc::new(worker),
            run_worker,
            metrics,
            notifications_origin,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// The origin notifications link under (`--public-url`, else the address listened on).
    pub fn notifications_origin(&self) -> &str {
        &self.notifications_origin
    }

    /// The address `GET /metrics` is served on, if any.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|metrics| metrics.listener.local_addr().ok())
    }

    /// The store, for administrative operations beside the server.
    pub fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    /// Whether the server speaks HTTPS.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Serves until `shutdown` resolves, then stops accepting, finishes the requests in
    /// flight (within the shutdown deadline) and returns.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let refusals = self.refusals.clone();
        let summaries = tokio::spawn(async move {
            let mut every = tokio::time::interval(SUMMARY_INTERVAL);
            loop {
                every.tick().await;
                refusals.summarize();
            }
        });
        let (stop_worker, stop) = tokio::sync::watch::channel(false);
        let metrics = self.metrics.map(|metrics| serve_metrics(metrics, self.connections));
        let worker = self.run_worker.then(|| tokio::spawn(self.worker.clone().run(stop)));
        let served = server::serve(self.listener, self.tls, self.router, self.connections, shutdown).await;
        summaries.abort();
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        let _ = stop_worker.send(true);
        if let Some(worker) = worker {
            let _ = worker.await;
        }
        self.refusals.summarize();
        served
    }
}

/// Serves the metrics address until the task is aborted (when the API stops), folding
/// histograms' samples in now and then.
fn serve_metrics(metrics: MetricsListener, connections: ConnectionLimits) -> tokio::task::JoinHandle<()> {
    let MetricsListener { listener, router, handle } = metrics;
    let limits = ConnectionLimits { max_connections: METRICS_CONNECTIONS, ..connections };
    tokio::spawn(async move {
        let upkeep = tokio::spawn(async move {
            let mut every = tokio::time::interval(exporter::UPKEEP_INTERVAL);
            loop {
                every.tick().await;
                handle.run_upkeep();
            }
        });
        if let Err(error) = server::serve(listener, None, router, limits, std::future::pending()).await {
            tracing::warn!(%error, "the metrics listener failed");
        }
        upkeep.abort();
    })
}
