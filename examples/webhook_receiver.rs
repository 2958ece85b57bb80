//! A webhook receiver for atlas-integrations' (and Atlas's) alert notifications: it checks
//! each request's `X-MMS-Signature` (base64 of the body's HMAC-SHA1 under the shared secret)
//! and, where the request carries them, the Standard Webhooks headers (`webhook-signature`:
//! `v1,` + base64 of HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`, the timestamp
//! within five minutes of now), prints the event, the message id and the alert, and answers
//! 200 (401 to a bad signature). A message id seen before is printed as a repeat.
//! `GET /stats` answers what it received, for benchmarks.
//!
//! ```sh
//! cargo run --example webhook_receiver -- --listen 127.0.0.1:9000 --secret my-webhook-secret
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use base64::Engine as _;
use clap::Parser;
use hmac::{Hmac, KeyInit, Mac};

/// Receives alert notifications and checks their signatures.
#[derive(Parser, Debug)]
struct Args {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:9000")]
    listen: String,
    /// The secret set on the webhook (its notifications then carry `X-MMS-Signature`).
    #[arg(long)]
    secret: Option<String>,
    /// Print nothing per request.
    #[arg(long)]
    quiet: bool,
}

#[derive(Default)]
struct Counts {
    received: AtomicU64,
    refused: AtomicU64,
    first_ms: AtomicI64,
    last_ms: AtomicI64,
}

struct Receiver {
    secret: Option<String>,
    /// The message ids seen, to tell a retry or a redelivery from a new notification.
    seen: std::sync::Mutex<std::collections::HashSet<String>>,
    quiet: bool,
    counts: Counts,
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Whether one of the space-separated `signatures` (`v1,<base64>`) is the Standard Webhooks
/// signature of `id`, `timestamp` and `body` under `secret`'s bytes, and the timestamp is
/// within five minutes of now (compared in constant time).
fn standard_signed_by(secret: &str, id: &str, timestamp: &str, body: &[u8], signatures: &str) -> bool {
    let Ok(seconds) = timestamp.parse::<i64>() else { return false };
    if (now_ms() / 1000 - seconds).abs() > 300 {
        return false;
    }
    signatures.split(' ').filter_map(|signature| signature.strip_prefix("v1,")).any(|claimed| {
        let Ok(claimed) = base64::engine::general_purpose::STANDARD.decode(claimed) else { return false };
        let mut mac =
            Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        mac.verify_slice(&claimed).is_ok()
    })
}

/// Whether `signature` is the body's HMAC-SHA1 under `secret` (compared in constant time).
fn signed_by(secret: &str, body: &[u8], signature: &str) -> bool {
    let Ok(claimed) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
        return false;
    };
    let mut mac =
        Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.verify_slice(&claimed).is_ok()
}

async fn receive(State(receiver): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let id = header("webhook-id");
    if let Some(secret) = &receiver.secret {
        let atlas = signed_by(secret, &body, &header("x-mms-signature"));
        let standard = id.is_empty()
            || standard_signed_by(
                secret,
                &id,
                &header("webhook-timestamp"),
                &body,
                &header("webhook-signature"),
            );
        if !(atlas && standard) {
            receiver.counts.refused.fetch_add(1, Ordering::Relaxed);
            let which = if atlas { "webhook-signature" } else { "X-MMS-Signature" };
            eprintln!("refused: the {which} does not match the body");
            return StatusCode::UNAUTHORIZED;
        }
    }
    let repeat =
        !id.is_empty() && !receiver.seen.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone());
    let now = now_ms();
    let counts = &receiver.counts;
    let _ = counts.first_ms.compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
    counts.last_ms.store(now, Ordering::Relaxed);
    counts.received.fetch_add(1, Ordering::Relaxed);
    if !receiver.quiet {
        let alert: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        println!(
            "{}{} {} {} {} {} {}",
            header("x-mms-event"),
            if repeat { " (a repeat)" } else { "" },
            if id.is_empty() { "-" } else { id.as_str() },
            alert["id"].as_str().unwrap_or("?"),
            alert["status"].as_str().unwrap_or("?"),
            alert["eventTypeName"].as_str().unwrap_or("?"),
            alert["humanReadable"].as_str().unwrap_or("")
        );
    }
    StatusCode::OK
}

async fn stats(State(receiver): State<Arc<Receiver>>) -> String {
    let counts = &receiver.counts;
    serde_json::json!({
        "received": counts.received.load(Ordering::Relaxed),
        "refused": counts.refused.load(Ordering::Relaxed),
        "firstMs": counts.first_ms.load(Ordering::Relaxed),
        "lastMs": counts.last_ms.load(Ordering::Relaxed),
    })
    .to_string()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let receiver = Arc::new(Receiver {
        secret: args.secret,
        seen: Default::default(),
        quiet: args.quiet,
        counts: Counts::default(),
    });
    let listener = tokio::net::TcpListener::bind(&args.listen).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    let app = Router::new().route("/stats", get(stats)).fallback(receive).with_state(receiver);
    axum::serve(listener, app).await
}
