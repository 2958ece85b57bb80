//! A tenant whose alerting is costly, for `bench/abuse.sh`: it fills its own project the way
//! one project owner legitimately can, then raises observations against it while another
//! project's client is measured. Only the `--base` given is touched.
//!
//! Its notifications go to a loopback address, which the server's guard refuses: they fail at
//! once and cost nothing after.
//!
//! - `prepare-heavy`: one configuration with as many Unicode-heavy `REGEX` matchers as the
//!   server accepts (25, else 3), repeating every 5 minutes, and 600 alerts open on it.
//! - `prepare-many`: as many configurations of the event type as the server accepts (3,000,
//!   else until it refuses one), none matching what is raised.
//! - `raise-heavy`, `raise-many`: observations against those, `--concurrency` at a time,
//!   for `--duration-secs`.
//!
//! ```sh
//! cargo run --release --example tenant -- --base http://127.0.0.1:8080 --group G \
//!     --public-key K --private-key P --action prepare-heavy
//! ```

use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use reqwest::Method;
use serde_json::{Value, json};

#[path = "common/digest.rs"]
mod digest;
#[path = "common/tally.rs"]
mod tally;

/// Compiles to about 280 KiB (its `\w` is Unicode's) and matches `db000:27017`.
const HEAVY: &str = r"\w{5}:27017|a+";
const OPEN_ALERTS: usize = 600;
const MANY_CONFIGS: usize = 3_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Action {
    PrepareHeavy,
    PrepareMany,
    RaiseHeavy,
    RaiseMany,
}

/// A tenant with costly alerting.
#[derive(Parser, Debug)]
struct Args {
    #[arg(long)]
    base: String,
    #[arg(long)]
    group: String,
    #[arg(long)]
    public_key: String,
    #[arg(long)]
    private_key: String,
    #[arg(long, value_enum)]
    action: Action,
    /// Raises in flight at once.
    #[arg(long, default_value_t = 2)]
    concurrency: usize,
    /// How long the raising lasts.
    #[arg(long, default_value_t = 10.0)]
    duration_secs: f64,
}

/// One Digest session: a nonce kept and its count raised, a new one when the server says
/// the old one is stale.
struct Session {
    http: reqwest::Client,
    base: String,
    user: String,
    ha1: String,
    nonce: Option<String>,
    count: u32,
}

impl Session {
    fn new(args: &Args) -> Session {
        Session {
            http: reqwest::Client::new(),
            base: args.base.clone(),
            user: args.public_key.clone(),
            ha1: digest::ha1(&args.public_key, &args.private_key),
            nonce: None,
            count: 0,
        }
    }

    async fn send(&mut self, method: Method, path: &str, body: &Value) -> Option<u16> {
        for _ in 0..2 {
            if self.nonce.is_none() {
                let challenge = self.http.get(format!("{}{path}", self.base)).send().await.ok()?;
                self.nonce =
                    challenge.headers().get("www-authenticate")?.to_str().ok().and_then(digest::nonce_of);
                self.count = 0;
            }
            self.count += 1;
            let nonce = self.nonce.clone()?;
            let cnonce = format!("{:016x}", self.count);
            let auth = digest::authorization(
                &self.user,
                &self.ha1,
                method.as_str(),
                path,
                &nonce,
                self.count,
                &cnonce,
            );
            let answer = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .header("authorization", auth)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .ok()?;
            let status = answer.status().as_u16();
            let _ = answer.bytes().await;
            if status != 401 {
                return Some(status);
            }
            self.nonce = None;
        }
        Some(401)
    }
}

fn config(matchers: Vec<Value>) -> Value {
    json!({"eventTypeName": "HOST_DOWN", "enabled": true, "matchers": matchers,
           "notifications": [{"typeName": "WEBHOOK", "webhookUrl": "http://127.0.0.1:9/tenant",
                              "delayMin": 0, "intervalMin": 5}]})
}

fn host_down(host: &str) -> Value {
    json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": host, "humanReadable": "benchmark"})
}

async fn prepare_heavy(args: &Args) -> Value {
    let mut session = Session::new(args);
    let configs = format!("/api/atlas/v2/groups/{}/alertConfigs", args.group);
    let heavy =
        |n: usize| vec![json!({"fieldName": "HOSTNAME_AND_PORT", "operator": "REGEX", "value": HEAVY}); n];
    let mut matchers = 0;
    for n in [25, 3] {
        if session.send(Method::POST, &configs, &config(heavy(n))).await == Some(200) {
            matchers = n;
            break;
        }
    }
    let alerts = format!("/api/atlas/v2/groups/{}/alerts", args.group);
    let mut opened = 0;
    for host in 0..OPEN_ALERTS {
        opened += usize::from(
            session.send(Method::POST, &alerts, &host_down(&format!("db{host:03}:27017"))).await == Some(200),
        );
    }
    json!({"action": "prepare-heavy", "heavy_matchers": matchers, "alerts_open": opened})
}

async fn prepare_many(args: &Args) -> Value {
    let mut session = Session::new(args);
    let configs = format!("/api/atlas/v2/groups/{}/alertConfigs", args.group);
    let never = vec![json!({"fieldName": "HOSTNAME_AND_PORT", "operator": "EQUALS", "value": "never:1"})];
    let mut created = 0;
    let mut refused = None;
    while created < MANY_CONFIGS {
        match session.send(Method::POST, &configs, &config(never.clone())).await {
            Some(200) => created += 1,
            other => {
                refused = other;
                break;
            }
        }
    }
    json!({"action": "prepare-many", "configs": created, "refused_with": refused})
}

async fn raise(args: &Args) -> Value {
    let started = Instant::now();
    let until = started + Duration::from_secs_f64(args.duration_secs);
    let mut workers = Vec::new();
    for worker in 0..args.concurrency {
        let mut session = Session::new(args);
        let (path, action) = (format!("/api/atlas/v2/groups/{}/alerts", args.group), args.action);
        workers.push(tokio::spawn(async move {
            let mut statuses = tally::Statuses::new();
            let mut step = worker;
            while Instant::now() < until {
                step += 7;
                let host = match action {
                    Action::RaiseHeavy => format!("db{:03}:27017", step % OPEN_ALERTS),
                    _ => format!("nomatch-{step}:27017"),
                };
                let status = session.send(Method::POST, &path, &host_down(&host)).await;
                let status = status.map_or_else(|| "transport-error".to_owned(), |status| status.to_string());
                *statuses.entry(status).or_default() += 1;
            }
            statuses
        }));
    }
    let (statuses, total) = tally::gather(workers).await;
    let secs = started.elapsed().as_secs_f64();
    let name = if args.action == Action::RaiseHeavy { "raise-heavy" } else { "raise-many" };
    json!({"action": name, "requests": total, "rps": total as f64 / secs, "statuses": statuses})
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    atlas_integrations::delivery::client::install_crypto_provider();
    let report = match args.action {
        Action::PrepareHeavy => prepare_heavy(&args).await,
        Action::PrepareMany => prepare_many(&args).await,
        Action::RaiseHeavy | Action::RaiseMany => raise(&args).await,
    };
    println!("{report}");
}
