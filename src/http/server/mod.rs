//! The server loop, ours rather than `axum::serve` so that hostile and slow clients cannot
//! hold it: connections are accepted up to a limit (new ones wait in the kernel's backlog
//! beyond it), each is served under head and idle timeouts, accept failures such as
//! `EMFILE` back off instead of spinning, and shutdown drains within a deadline.

mod accept;
pub mod activity;
mod connection;
pub mod descriptors;
mod drain;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

pub use activity::Timeouts;
use connection::Serving;

/// How connections are kept in check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Head and idle timeouts.
    pub timeouts: Timeouts,
    /// Connections open at once; further ones wait to be accepted.
    pub max_connections: usize,
    /// How long shutdown waits for requests in flight before closing their connections.
    pub shutdown_timeout: Duration,
}

impl Default for ConnectionLimits {
    /// A 10 s head timeout, 60 s idle timeout, 10,000 connections, 30 s to shut down.
    fn default() -> Self {
        ConnectionLimits {
            timeouts: Timeouts { head: Duration::from_secs(10), idle: Duration::from_secs(60) },
            max_connections: 10_000,
            shutdown_timeout: Duration::from_secs(30),
        }
    }
}

/// Where the server is in its life; every connection watches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Accepting and serving.
    Serving,
    /// No longer accepting: finish what is in flight, close the rest.
    Draining,
    /// The deadline has passed: close everything now.
    Closed,
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let serving =
        Serving { router, tls: tls.map(tokio_rustls::TlsAcceptor::from), timeouts: limits.timeouts };
    let places = Arc::new(Semaphore::new(limits.max_connections));
    let (phase, watching) = watch::channel(Phase::Serving);
    let mut acceptor = accept::Acceptor::new(listener, places.clone(), limits.max_connections);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer, place) = tokio::select! {
            accepted = acceptor.next() => accepted,
            () = &mut shutdown => break,
        };
        tokio::spawn(connection::serve(stream, peer, serving.clone(), watching.clone(), place));
    }
    // Closing the listening socket stops new connections at once (they are refused).
    drop(acceptor);
    let _ = phase.send(Phase::Draining);
    let all_closed = places.acquire_many(limits.max_connections as u32);
    if tokio::time::timeout(limits.shutdown_timeout, all_closed).await.is_err() {
        let open = limits.max_connections - places.available_permits();
        tracing::warn!(
            open,
            deadline_secs = limits.shutdown_timeout.as_secs(),
            "closing connections still open at the shutdown deadline"
        );
        let _ = phase.send(Phase::Closed);
    }
    Ok(())
}
