//! One connection from accept to close: the TLS handshake when there is one, then hyper
//! (HTTP/1.1 or HTTP/2) under a watchdog that closes slow heads and idle connections, and
//! that drains the connection when the server shuts down.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, watch};
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::Phase;
use super::activity::{Activity, Timeouts, Verdict, Watched};
use super::drain::answer_draining;
use crate::http::peer::PeerAddr;

/// How long a client may take over its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// What every connection is served with.
#[derive(Clone)]
pub struct Serving {
    /// The application.
    pub router: Router,
    /// HTTPS, when configured.
    pub tls: Option<TlsAcceptor>,
    /// Head and idle timeouts.
    pub timeouts: Timeouts,
}

/// Serves `stream` until it closes, times out, or the server's phase closes it. The
/// connection holds `permit` (its place under the connection limit) until then.
pub async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    serving: Serving,
    phase: watch::Receiver<Phase>,
    permit: OwnedSemaphorePermit,
) {
    let _permit = permit;
    let activity = Activity::new();
    match serving.tls.clone() {
        None => drive(Watched::new(stream, activity.clone()), peer, &serving, activity, phase).await,
        Some(acceptor) => {
            let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream));
            match handshake.await {
                Ok(Ok(tls)) => {
                    drive(Watched::new(tls, activity.clone()), peer, &serving, activity, phase).await
                }
                Ok(Err(error)) => tracing::debug!(%peer, %error, "TLS handshake failed"),
                Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
            }
        }
    }
}

/// The application as hyper calls it: each request gets the peer's address, counts as in
/// flight until answered, and has its unread body drained after the answer.
fn application(
    router: Router,
    peer: SocketAddr,
    activity: Arc<Activity>,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<axum::response::Response, std::convert::Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(PeerAddr(peer)));
        let in_flight = activity.request_started();
        let router = router.clone();
        async move {
            let answer = |request| async move {
                match router.oneshot(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            };
            let response = answer_draining(request.map(Body::new), answer).await;
            drop(in_flight);
            Ok(response)
        }
    })
}

/// Serves one connection under its watchdog until it ends, times out or is closed.
async fn drive<T>(
    io: Watched<T>,
    peer: SocketAddr,
    serving: &Serving,
    activity: Arc<Activity>,
    mut phase: watch::Receiver<Phase>,
) where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let builder = Builder::new(TokioExecutor::new());
    let service = application(serving.router.clone(), peer, activity.clone());
    let connection = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
    tokio::pin!(connection);
    // Set once the server drains: by then the connection must have finished on its own.
    let mut close_by: Option<Instant> = None;
    let sleep = tokio::time::sleep_until(Instant::now());
    tokio::pin!(sleep);
    loop {
        let now = Instant::now();
        if close_by.is_some_and(|at| now >= at) {
            return;
        }
        let wake_at = match activity.verdict(now, serving.timeouts) {
            Verdict::WaitUntil(at) => close_by.map_or(at, |close| close.min(at)),
            Verdict::HeadTooSlow => {
                tracing::debug!(%peer, "closing a connection whose request head did not arrive in time");
                return;
            }
            Verdict::Idle => return,
        };
        sleep.as_mut().reset(wake_at);
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%peer, %error, "connection ended with an error");
                }
                return;
            }
            () = sleep.as_mut() => {}
            changed = phase.changed() => {
                let phase_now = match changed {
                    Ok(()) => *phase.borrow_and_update(),
                    Err(_) => Phase::Closed,
                };
                match phase_now {
                    Phase::Serving => {}
                    Phase::Closed => return,
                    // Half a request head: nothing to finish, nothing to write.
                    Phase::Draining if activity.head_pending() => return,
                    Phase::Draining => {
                        // hyper finishes what is in flight, answering it with `Connection:
                        // close` (HTTP/1.1) or after a GOAWAY (HTTP/2), and closes an idle
                        // keep-alive connection at once. A connection with nothing in
                        // flight gets a moment to write its last answer, then is closed.
                        connection.as_mut().graceful_shutdown();
                        if activity.in_flight() == 0 {
                            close_by = Some(Instant::now() + LAST_WRITE_GRACE);
                        }
                    }
                }
            }
        }
    }
}

/// How long a draining connection with nothing in flight may take to finish writing.
const LAST_WRITE_GRACE: Duration = Duration::from_millis(250);
