//! A webhook receiver for the tests: a real HTTP server on 127.0.0.1 that keeps every
//! request's bytes and answers as the test scripts it (a status, a `Retry-After`, or never).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Received {
    /// The method.
    pub method: String,
    /// The path and query.
    pub path: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, byte for byte.
    pub body: Vec<u8>,
    /// When it arrived.
    pub at: std::time::Instant,
}

impl Received {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// How the receiver answers one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// This status.
    Status(u16),
    /// This status with `Retry-After` in seconds.
    RetryAfter(u16, u64),
    /// A redirect elsewhere on this receiver.
    Redirect(&'static str),
    /// This status with this JSON body.
    Json(u16, &'static str),
    /// Nothing, ever.
    Hang,
}

#[derive(Clone)]
struct Shared {
    received: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
    usual: Arc<Mutex<Reply>>,
}

/// A running receiver, stopped when dropped.
pub struct Receiver {
    /// `http://127.0.0.1:PORT/hook`.
    pub url: String,
    shared: Shared,
    server: tokio::task::JoinHandle<()>,
}

async fn receive(
    State(shared): State<Shared>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let method = method.to_string();
    shared.received.lock().unwrap().push(Received {
        method,
        path,
        headers,
        body: body.to_vec(),
        at: std::time::Instant::now(),
    });
    let scripted = shared.script.lock().unwrap().pop_front();
    let reply = scripted.unwrap_or_else(|| shared.usual.lock().unwrap().clone());
    match reply {
        Reply::Status(status) => StatusCode::from_u16(status).unwrap().into_response(),
        Reply::RetryAfter(status, secs) => {
            (StatusCode::from_u16(status).unwrap(), [("retry-after", secs.to_string())], "busy")
                .into_response()
        }
        Reply::Redirect(location) => (StatusCode::FOUND, [("location", location)], "").into_response(),
        Reply::Json(status, body) => {
            (StatusCode::from_u16(status).unwrap(), [("content-type", "application/json")], body)
                .into_response()
        }
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(3_600)).await;
            StatusCode::OK.into_response()
        }
    }
}

impl Receiver {
    /// A receiver answering 200 unless scripted otherwise.
    pub async fn start() -> Receiver {
        Receiver::answering(Reply::Status(200)).await
    }

    /// A receiver answering `usual` unless scripted otherwise.
    pub async fn answering(usual: Reply) -> Receiver {
        let shared =
            Shared { received: Arc::default(), script: Arc::default(), usual: Arc::new(Mutex::new(usual)) };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let app = Router::new().fallback(receive).with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { url, shared, server }
    }

    /// Answers the next requests with `replies`, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.shared.script.lock().unwrap().extend(replies);
    }

    /// `http://127.0.0.1:PORT`, for a service's origin.
    pub fn origin(&self) -> String {
        self.url.trim_end_matches("/hook").to_owned()
    }

    /// What arrived so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// When request `index` (from 0) arrived.
    pub fn received_at(&self, index: usize) -> std::time::Instant {
        self.shared.received.lock().unwrap()[index].at
    }

    /// Waits (up to `within`) until `count` requests arrived; what arrived.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= count || tokio::time::Instant::now() >= deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}
