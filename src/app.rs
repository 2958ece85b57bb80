//! The application: `App::build(config)` opens the database, binds the listener (port 0
//! allowed) and builds the router; `App::serve(shutdown)` runs until `shutdown` resolves.
//! The binary and the tests take exactly this path.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::database::{self, OpenError};
use crate::http::auth::nonce::NonceSigner;
use crate::http::peer::PeerAddr;
use crate::http::rate_limit::RateLimits;
use crate::http::tls::{TlsListener, server_config};
use crate::http::{AppState, router};
use crate::store::Store;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened.
    #[error(transparent)]
    Database(#[from] OpenError),
    /// The certificate or key is unusable.
    #[error(transparent)]
    Tls(#[from] crate::http::tls::TlsError),
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
}

impl App {
    /// Opens the database, binds the listener and builds the router.
    pub async fn build(config: Config) -> Result<App, StartError> {
        let tls = config.tls.as_ref().map(|files| server_config(&files.cert, &files.key)).transpose()?;
        let database = database::open(&config.database).await?;
        let listener = TcpListener::bind(&config.listen)
            .await
            .map_err(|error| StartError::Listen { address: config.listen.clone(), error })?;
        let state = AppState {
            store: database.store.clone(),
            nonces: Arc::new(NonceSigner::new(
                database.master_key.derive("digest-nonce"),
                config.nonce_ttl_secs,
            )),
            public_url: config.public_url.map(|url| Arc::from(url.trim_end_matches('/'))),
            limits: Arc::new(RateLimits::new(config.limits)),
            trusted_proxies: config.trusted_proxies.into(),
            tls: tls.is_some(),
        };
        let address = listener
            .local_addr()
            .map_err(|error| StartError::Listen { address: config.listen.clone(), error })?;
        if tls.is_none() && !address.ip().is_loopback() {
            tracing::warn!(
                %address,
                "serving plain HTTP on a non-loopback address: Digest does not hide request bodies, \
                 which carry integration secrets; use --tls-cert and --tls-key, or a TLS-terminating proxy"
            );
        }
        Ok(App { listener, tls, router: router(state), store: database.store })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// The store, for administrative operations beside the server.
    pub fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    /// Whether the server speaks HTTPS.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Serves until `shutdown` resolves, then finishes the requests in flight.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let service = self.router.into_make_service_with_connect_info::<PeerAddr>();
        match self.tls {
            None => axum::serve(self.listener, service).with_graceful_shutdown(shutdown).await,
            Some(config) => {
                let listener = TlsListener::new(self.listener, config)?;
                axum::serve(listener, service).with_graceful_shutdown(shutdown).await
            }
        }
    }
}
