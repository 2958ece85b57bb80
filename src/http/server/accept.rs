//! Accepting connections: one place under the connection limit per connection, and accept
//! failures (`EMFILE` when descriptors run out, `ENOBUFS`, …) met with a growing pause
//! rather than a busy loop. Both are logged, at most once per interval.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::http::log_throttle::LogThrottle;

/// The first pause after a failed accept; it doubles up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(5);
const MAX_PAUSE: Duration = Duration::from_secs(1);
/// At most one line per this interval about the limit, and one about accept failures.
const LOG_INTERVAL: Duration = Duration::from_secs(10);

/// The listening socket and the places connections take.
pub struct Acceptor {
    listener: TcpListener,
    places: Arc<Semaphore>,
    max_connections: usize,
    pause: Duration,
    limit_log: LogThrottle,
    failure_log: LogThrottle,
}

impl Acceptor {
    /// Accepts on `listener`, at most `max_connections` at once (the permits of `places`).
    pub fn new(listener: TcpListener, places: Arc<Semaphore>, max_connections: usize) -> Self {
        Acceptor {
            listener,
            places,
            max_connections,
            pause: FIRST_PAUSE,
            limit_log: LogThrottle::new(LOG_INTERVAL),
            failure_log: LogThrottle::new(LOG_INTERVAL),
        }
    }

    /// The next connection, with its place; waits for a place first.
    pub async fn next(&mut self) -> (TcpStream, SocketAddr, OwnedSemaphorePermit) {
        let place = match self.places.clone().try_acquire_owned() {
            Ok(place) => place,
            Err(_) => {
                if let Some(suppressed) = self.limit_log.allow() {
                    tracing::warn!(
                        max_connections = self.max_connections,
                        times_since_last_line = suppressed + 1,
                        "connection limit reached: new connections wait until one closes"
                    );
                }
                self.places.clone().acquire_owned().await.expect("the semaphore is never closed")
            }
        };
        loop {
            match self.listener.accept().await {
                Ok((stream, peer)) => {
                    self.pause = FIRST_PAUSE;
                    let _ = stream.set_nodelay(true);
                    return (stream, peer, place);
                }
                // The peer gave up before we took the connection: nothing to wait for.
                Err(error) if is_peer_gone(&error) => continue,
                Err(error) => {
                    if let Some(suppressed) = self.failure_log.allow() {
                        tracing::error!(
                            %error,
                            failures_since_last_line = suppressed + 1,
                            pause_ms = self.pause.as_millis() as u64,
                            "cannot accept connections (out of file descriptors? see --max-connections); pausing"
                        );
                    }
                    tokio::time::sleep(self.pause).await;
                    self.pause = (self.pause * 2).min(MAX_PAUSE);
                }
            }
        }
    }
}

fn is_peer_gone(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(error.kind(), ConnectionAborted | ConnectionReset | ConnectionRefused)
}
