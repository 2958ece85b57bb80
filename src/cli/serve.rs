//! `atlas-integrations serve`: runs the server until SIGINT or SIGTERM. On an empty
//! database it first creates a project and an owner key and prints them, once.

use std::time::Duration;

use anyhow::Context;
use clap::Args;

use super::DatabaseArgs;
use super::smtp::SmtpArgs;
use crate::admin;
use crate::app::App;
use crate::config::{Config, DEFAULT_NONCE_TTL_SECS, DEFAULT_TOKEN_TTL_SECS, TlsFiles};
use crate::delivery::endpoints::Endpoints;
use crate::delivery::settings::DeliverySettings;
use crate::http::rate_limit::Limits;
use crate::http::server::{ConnectionLimits, Timeouts};

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ATLAS_INTEGRATIONS_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Origin for self links, e.g. https://atlas.example.com [default: from each request].
    #[arg(long, env = "ATLAS_INTEGRATIONS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Seconds a Digest nonce lives before clients are asked to refresh it.
    #[arg(long, env = "ATLAS_INTEGRATIONS_NONCE_TTL_SECS", default_value_t = DEFAULT_NONCE_TTL_SECS)]
    pub nonce_ttl_secs: u64,
    /// Requests one project may receive per rate-limit window (per replica).
    #[arg(long, env = "ATLAS_INTEGRATIONS_RATE_LIMIT", default_value_t = 1200)]
    pub rate_limit: u32,
    /// The rate-limit window in seconds.
    #[arg(long, env = "ATLAS_INTEGRATIONS_RATE_LIMIT_WINDOW_SECS", default_value_t = 60)]
    pub rate_limit_window_secs: u64,
    /// Failed authentications of one key from one address per window before that pair is refused.
    #[arg(long, env = "ATLAS_INTEGRATIONS_AUTH_FAILURE_LIMIT", default_value_t = 20)]
    pub auth_failure_limit: u32,
    /// Failed authentications from one address (IPv6: its /64), under any names, per window
    /// before each further failure from it is answered only after a 250 ms delay.
    #[arg(long, env = "ATLAS_INTEGRATIONS_AUTH_FAILURE_ADDRESS_LIMIT", default_value_t = 100)]
    pub auth_failure_address_limit: u32,
    /// Alert configurations one project may hold (every raise reads its project's
    /// configurations of the event type, so this bounds what one project's raise costs).
    #[arg(long, env = "ATLAS_INTEGRATIONS_MAX_ALERT_CONFIGS_PER_PROJECT", default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_alert_configs_per_project: u32,
    /// The failed-authentication window in seconds.
    #[arg(long, env = "ATLAS_INTEGRATIONS_AUTH_FAILURE_WINDOW_SECS", default_value_t = 60)]
    pub auth_failure_window_secs: u64,
    /// A proxy (address or CIDR block) whose X-Forwarded-For is believed; repeat for several.
    #[arg(long = "trusted-proxy", env = "ATLAS_INTEGRATIONS_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// PEM certificate chain: serve HTTPS on the same port (needs --tls-key).
    #[arg(long, env = "ATLAS_INTEGRATIONS_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "ATLAS_INTEGRATIONS_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,
    /// Seconds a client may take from the first byte of a request head to its end.
    #[arg(long, env = "ATLAS_INTEGRATIONS_HEADER_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,
    /// Seconds a connection may stay open with no request in flight and none arriving.
    #[arg(long, env = "ATLAS_INTEGRATIONS_IDLE_TIMEOUT_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout_secs: u64,
    /// Connections open at once (kept below the open-file limit); further ones wait.
    #[arg(long, env = "ATLAS_INTEGRATIONS_MAX_CONNECTIONS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: u64,
    /// Seconds shutdown waits for requests in flight before closing their connections.
    #[arg(long, env = "ATLAS_INTEGRATIONS_SHUTDOWN_TIMEOUT_SECS", default_value_t = 30)]
    pub shutdown_timeout_secs: u64,
    /// Let alert notifications go to private, loopback and link-local addresses (private
    /// networks, tests); by default only public addresses are reached.
    #[arg(long, env = "ATLAS_INTEGRATIONS_ALLOW_PRIVATE_TARGETS")]
    pub allow_private_targets: bool,
    /// Serve the API without delivering notifications (other processes deliver them).
    #[arg(long, env = "ATLAS_INTEGRATIONS_NO_DELIVERY_WORKER")]
    pub no_delivery_worker: bool,
    /// Seconds a worker holds a notification it is sending before another may take it again
    /// (if the worker died).
    #[arg(long, env = "ATLAS_INTEGRATIONS_DELIVERY_LEASE_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub delivery_lease_secs: u64,
    /// Most notifications this process sends at once.
    #[arg(long, env = "ATLAS_INTEGRATIONS_DELIVERY_CONCURRENCY", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub delivery_concurrency: u32,
    /// Most notifications in flight to one destination (a URL's origin, or a service's API and
    /// region), across every process on the database.
    #[arg(long, env = "ATLAS_INTEGRATIONS_DELIVERY_PER_DESTINATION", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub delivery_per_destination: u32,
    /// Most notifications of one project in flight, across every process on the database.
    #[arg(long, env = "ATLAS_INTEGRATIONS_DELIVERY_PER_PROJECT", default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub delivery_per_project: u32,
    /// Seconds a service account's access token lives.
    #[arg(long, env = "ATLAS_INTEGRATIONS_TOKEN_TTL_SECS", default_value_t = DEFAULT_TOKEN_TTL_SECS, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub token_ttl_secs: u64,
    /// Send a service's notifications to another origin, as NAME=URL (pagerduty, slack,
    /// datadog, opsgenie, victorops): a proxy, a regional gateway, a test receiver. Repeatable;
    /// the variable takes a comma-separated list. Without it, each service's own hosts by region.
    #[arg(
        long = "endpoint",
        env = "ATLAS_INTEGRATIONS_ENDPOINTS",
        value_delimiter = ',',
        value_name = "NAME=URL"
    )]
    pub endpoints: Vec<String>,
    /// Serve `GET /metrics` (Prometheus text, unauthenticated) on this address of its own,
    /// e.g. 127.0.0.1:9464; without it no metrics are kept.
    #[arg(long, env = "ATLAS_INTEGRATIONS_METRICS_LISTEN")]
    pub metrics_listen: Option<String>,
    #[command(flatten)]
    pub smtp: SmtpArgs,
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let trusted_proxies = args
        .trusted_proxies
        .iter()
        .map(|entry| entry.parse().map_err(|e: String| anyhow::anyhow!("--trusted-proxy: {e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        _ => None,
    };
    let has_public_url = args.public_url.is_some();
    let config = Config {
        tls,
        trusted_proxies,
        listen: args.listen,
        database: args.database.into(),
        public_url: args.public_url,
        nonce_ttl_secs: args.nonce_ttl_secs,
        token_ttl_secs: args.token_ttl_secs,
        metrics_listen: args.metrics_listen,
        limits: Limits {
            requests_per_window: args.rate_limit,
            window: Duration::from_secs(args.rate_limit_window_secs),
            auth_failures: args.auth_failure_limit,
            auth_failure_window: Duration::from_secs(args.auth_failure_window_secs),
            address_failures: args.auth_failure_address_limit,
            alert_configs_per_project: args.max_alert_configs_per_project,
        },
        connections: ConnectionLimits {
            timeouts: Timeouts {
                head: Duration::from_secs(args.header_timeout_secs),
                idle: Duration::from_secs(args.idle_timeout_secs),
            },
            max_connections: args.max_connections as usize,
            shutdown_timeout: Duration::from_secs(args.shutdown_timeout_secs),
        },
        delivery: DeliverySettings {
            run_worker: !args.no_delivery_worker,
            allow_private_targets: args.allow_private_targets,
            lease: Duration::from_secs(args.delivery_lease_secs),
            concurrency: args.delivery_concurrency,
            per_destination: args.delivery_per_destination,
            per_project: args.delivery_per_project,
            endpoints: Endpoints::parse(&args.endpoints).map_err(|e| anyhow::anyhow!(e))?,
            smtp: args.smtp.settings()?,
            ..DeliverySettings::default()
        },
    };
    let app = App::build(config).await.context("cannot start the server")?;
    let address = app.local_addr();
    if let Some((project, key)) = admin::bootstrap(app.store().as_ref()).await? {
        let host = match address.ip().is_unspecified() {
            true => format!("127.0.0.1:{}", address.port()),
            false => address.to_string(),
        };
        let scheme = if app.is_tls() { "https" } else { "http" };
        println!("First start: created a project and an owner API key. The private key is shown only now.");
        println!("Project ID: {}", project.id);
        println!("Public key: {}", key.key.public_key);
        println!("Private key: {}", key.private_key.expose());
        println!("Try it:");
        println!(
            "  curl --digest -u \"{}:{}\" {scheme}://{host}/api/atlas/v2/groups/{}/integrations \
             -H 'Accept: application/vnd.atlas.2023-01-01+json'",
            key.key.public_key,
            key.private_key.expose(),
            project.id
        );
    }
    // Handlers are installed before "listening" is logged, so a signal sent as soon as the
    // server says it listens is a clean shutdown, not a kill.
    let shutdown = shutdown_signal().context("cannot handle SIGTERM")?;
    // Said before "listening", which scripts wait for, so that both are in the log by then.
    if let Some(metrics) = app.metrics_addr() {
        tracing::info!(%metrics, "serving metrics at /metrics");
    }
    let origin = app.notifications_origin();
    if !has_public_url && address.ip().is_unspecified() {
        tracing::warn!(%origin, "notifications link to an address no one can open: set --public-url");
    }
    tracing::info!(%origin, "notifications link to the console's alert pages under this URL");
    tracing::info!(%address, "listening");
    app.serve(shutdown).await.context("the server failed")?;
    tracing::info!("stopped");
    Ok(())
}

fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        tracing::info!("shutting down: no new connections; finishing requests in flight");
    })
}
