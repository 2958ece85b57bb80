//! A load generator that speaks HTTP Digest as Atlas's clients do, for measuring the server.
//!
//! Modes: `reuse` (one challenge per connection, then the nonce with nc 2, 3, … as Python
//! clients do), `fresh` (a new challenge before every request, as the Atlas Go SDK does with
//! API keys) and `bearer` (a service account's token, fetched once with `--client-id` and
//! `--client-secret`, as the SDK does with service accounts).
//! Scenarios: `healthz` (no authentication, no database: the HTTP ceiling), `get-one`, `list`,
//! `put-merge` (PUT changing one field), `create-delete`, `mixed` (90% reads) and
//! `raise-alert` (each request an observation on a new host: one alert opened and one webhook
//! notification planned; `--webhook URL` names where the notifications go) and
//! `alertmanager` (each request an Alertmanager payload of 50 firing alerts on new hosts: 50
//! alerts opened and 50 notifications planned).
//!
//! ```sh
//! cargo run --release --example loadgen -- --base http://127.0.0.1:8080 \
//!     --public-key abcdefgh --private-key 0000…-… --group 6b0a… \
//!     --scenario get-one --mode reuse --concurrency 64 --duration-secs 10 [--json]
//! ```
//! `--rate N` offers a fixed load instead of the most the server answers (for latency at a
//! given throughput). `--base` may be given more than once (connections are spread over the servers), and so may
//! `--group` (workers take groups in turn; `create-delete` wants one group per worker).

use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use reqwest::Method;
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Scenario {
    Healthz,
    GetOne,
    List,
    PutMerge,
    CreateDelete,
    Mixed,
    RaiseAlert,
    Alertmanager,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// Digest, each connection reusing its nonce with a rising count.
    Reuse,
    /// Digest, a fresh challenge for every request.
    Fresh,
    /// A service account's Bearer token, fetched once (`--client-id`, `--client-secret`).
    Bearer,
}

/// Load generator for atlas-integrations (and Atlas itself).
#[derive(Parser, Debug)]
struct Args {
    /// Server origin, e.g. http://127.0.0.1:8080 (repeat for several replicas).
    #[arg(long, required = true)]
    base: Vec<String>,
    /// API public key.
    #[arg(long, default_value = "")]
    public_key: String,
    /// API private key.
    #[arg(long, default_value = "")]
    private_key: String,
    /// Project id (repeat to spread workers over projects).
    #[arg(long)]
    group: Vec<String>,
    #[arg(long, value_enum, default_value = "get-one")]
    scenario: Scenario,
    #[arg(long, value_enum, default_value = "reuse")]
    mode: Mode,
    /// Concurrent workers, one connection each.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// How long to send requests.
    #[arg(long, default_value_t = 10.0)]
    duration_secs: f64,
    /// Offered load in requests per second over all workers (default: as fast as answered).
    /// Latency is then timed from when each request was due, so a stall that delays the
    /// requests behind it counts against them too (no coordinated omission).
    #[arg(long)]
    rate: Option<f64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// `--mode bearer`: the service account's client id.
    #[arg(long, default_value = "")]
    client_id: String,
    /// `--mode bearer`: the service account's secret.
    #[arg(long, default_value = "")]
    client_secret: String,
    /// `--mode bearer`: a token fetched already, used instead of fetching one (so that a
    /// profile of the run does not count the token request).
    #[arg(long)]
    access_token: Option<String>,
    /// `raise-alert`: the webhook the alert configuration notifies (signed with `--webhook-secret`).
    #[arg(long, default_value = "http://127.0.0.1:9000/hook")]
    webhook: String,
    /// `raise-alert`: the webhook's secret.
    #[arg(long, default_value = "bench-secret")]
    webhook_secret: String,
}

#[path = "common/digest.rs"]
mod digest;

use digest::nonce_of;

const ACCEPT: &str = "application/vnd.atlas.2023-01-01+json";

struct Worker {
    http: reqwest::Client,
    base: String,
    group: String,
    user: String,
    /// MD5(user:realm:password), computed once as Digest clients may.
    ha1: String,
    mode: Mode,
    nonce: Option<(String, u32)>,
    /// `Authorization: Bearer …`, in bearer mode.
    bearer: Option<String>,
    step: u64,
}

impl Worker {
    fn authorization(&self, method: &Method, uri: &str, nonce: &str, nc: u32) -> String {
        let cnonce = format!("{:016x}", self.step.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ nc as u64);
        digest::authorization(&self.user, &self.ha1, method.as_str(), uri, nonce, nc, &cnonce)
    }

    async fn raw(
        &self,
        method: Method,
        uri: &str,
        auth: Option<String>,
        body: Option<&str>,
    ) -> Option<reqwest::Response> {
        let mut request = self.http.request(method, format!("{}{uri}", self.base)).header("accept", ACCEPT);
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_owned());
        }
        request.send().await.ok()
    }

    /// One authenticated request; the status, or `None` on a transport error.
    async fn send(&mut self, method: Method, uri: &str, body: Option<&str>) -> Option<u16> {
        if let Some(bearer) = self.bearer.clone() {
            let response = self.raw(method, uri, Some(bearer), body).await?;
            let status = response.status().as_u16();
            let _ = response.bytes().await;
            return Some(status);
        }
        if self.mode == Mode::Reuse
            && let Some((nonce, nc)) = self.nonce.as_mut()
        {
            *nc += 1;
            let (nonce, nc) = (nonce.clone(), *nc);
            let auth = self.authorization(&method, uri, &nonce, nc);
            let response = self.raw(method.clone(), uri, Some(auth), body).await?;
            let status = response.status().as_u16();
            let _ = response.bytes().await;
            if status != 401 {
                return Some(status);
            }
        }
        let challenge = self.raw(method.clone(), uri, None, None).await?;
        let header = challenge.headers().get("www-authenticate")?.to_str().ok()?.to_owned();
        let _ = challenge.bytes().await;
        let nonce = nonce_of(&header)?;
        self.nonce = Some((nonce.clone(), 1));
        let auth = self.authorization(&method, uri, &nonce, 1);
        let response = self.raw(method, uri, Some(auth), body).await?;
        let status = response.status().as_u16();
        let _ = response.bytes().await;
        Some(status)
    }

    fn path(&self, suffix: &str) -> String {
        match suffix {
            "" => format!("/api/atlas/v2/groups/{}/integrations", self.group),
            _ => format!("/api/atlas/v2/groups/{}/integrations/{suffix}", self.group),
        }
    }

    /// One step of the scenario; whether it succeeded.
    async fn step(&mut self, scenario: Scenario) -> bool {
        self.step += 1;
        let read = |s: &Self| !s.step.is_multiple_of(10);
        match scenario {
            Scenario::Healthz => {
                let Some(response) = self.raw(Method::GET, "/healthz", None, None).await else {
                    return false;
                };
                let ok = response.status().is_success();
                let _ = response.bytes().await;
                ok
            }
            Scenario::GetOne => self.send(Method::GET, &self.path("PAGER_DUTY"), None).await == Some(200),
            Scenario::List => self.send(Method::GET, &self.path(""), None).await == Some(200),
            Scenario::Mixed if read(self) => match self.step % 2 {
                0 => self.send(Method::GET, &self.path("PAGER_DUTY"), None).await == Some(200),
                _ => self.send(Method::GET, &self.path(""), None).await == Some(200),
            },
            Scenario::PutMerge | Scenario::Mixed => {
                let region = ["US", "EU", "US3", "US5", "AP1"][(self.step % 5) as usize];
                let body = json!({"type": "DATADOG", "region": region}).to_string();
                self.send(Method::PUT, &self.path("DATADOG"), Some(&body)).await == Some(200)
            }
            Scenario::RaiseAlert => {
                let uri = format!("/api/atlas/v2/groups/{}/alerts", self.group);
                let body = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": format!("db-{}:27017", self.step),
                    "humanReadable": "benchmark"})
                .to_string();
                self.send(Method::POST, &uri, Some(&body)).await == Some(200)
            }
            Scenario::Alertmanager => {
                let uri = format!("/api/atlas/v2/groups/{}/alerts:alertmanager", self.group);
                let step = self.step;
                let alerts: Vec<_> = (0..50)
                    .map(|n| {
                        json!({"status": "firing", "fingerprint": format!("{step:x}{n:02x}"),
                            "labels": {"alertname": "HostDown", "atlas_event_type": "HOST_DOWN",
                                       "instance": format!("db-{step}-{n}:27017"), "job": "mongodb"},
                            "annotations": {"summary": "benchmark", "description": "no scrape for 1m"},
                            "startsAt": "2026-12-03T07:00:00Z", "endsAt": "0001-01-01T00:00:00Z"})
                    })
                    .collect();
                let body = json!({"version": "4", "status": "firing", "receiver": "atlas",
                    "groupLabels": {"alertname": "HostDown"}, "alerts": alerts})
                .to_string();
                self.send(Method::POST, &uri, Some(&body)).await == Some(200)
            }
            Scenario::CreateDelete => {
                let body = json!({"type": "VICTOR_OPS", "apiKey": "fa07bbc8-eab2-4085-81af-daed47dc1c11"})
                    .to_string();
                let created =
                    self.send(Method::POST, &self.path("VICTOR_OPS"), Some(&body)).await == Some(200);
                let deleted = self.send(Method::DELETE, &self.path("VICTOR_OPS"), None).await == Some(204);
                created && deleted
            }
        }
    }
}

/// Seeds each group with five integrations (the `list` scenario's page) before measuring.
async fn seed(worker: &mut Worker) -> Result<(), String> {
    for body in [
        json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789abcdef"}),
        json!({"type": "SLACK", "apiToken": "xoxb-0000-1111-abcd", "channelName": "alerts"}),
        json!({"type": "DATADOG", "apiKey": "0123456789abcdef0123456789abcdef"}),
        json!({"type": "OPS_GENIE", "apiKey": "00000000-aaaa-2222-bbbb-333333333311"}),
        json!({"type": "WEBHOOK", "url": "https://example.com/hook/0123456789", "secret": "s3cr3t-0123"}),
    ] {
        let kind = body["type"].as_str().unwrap().to_owned();
        let status = worker.send(Method::PUT, &worker.path(&kind), Some(&body.to_string())).await;
        if status != Some(200) {
            return Err(format!("seeding {kind} in {} answered {status:?}", worker.group));
        }
    }
    let _ = worker.send(Method::DELETE, &worker.path("VICTOR_OPS"), None).await;
    Ok(())
}

/// An enabled HOST_DOWN configuration notifying `webhook` (the `raise-alert` scenario's).
async fn configure_alerts(worker: &mut Worker, webhook: &str, secret: &str) -> Result<(), String> {
    let uri = format!("/api/atlas/v2/groups/{}/alertConfigs", worker.group);
    let body = json!({"eventTypeName": "HOST_DOWN", "enabled": true, "notifications": [
        {"typeName": "WEBHOOK", "webhookUrl": webhook, "webhookSecret": secret, "delayMin": 0, "intervalMin": 60}]});
    match worker.send(Method::POST, &uri, Some(&body.to_string())).await {
        Some(200) => Ok(()),
        status => Err(format!("creating the alert configuration answered {status:?}")),
    }
}

/// A service account's access token from the first server's token endpoint.
async fn access_token(args: &Args) -> Result<String, String> {
    if let Some(token) = &args.access_token {
        return Ok(token.clone());
    }
    let answer = reqwest::Client::new()
        .post(format!("{}/api/oauth/token", args.base[0]))
        .basic_auth(&args.client_id, Some(&args.client_secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .map_err(|e| format!("the token request failed: {e}"))?;
    let text = answer.text().await.map_err(|e| format!("the token answer was cut off: {e}"))?;
    let body: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("the token answer is not JSON: {e}"))?;
    body["access_token"].as_str().map(str::to_owned).ok_or_else(|| format!("no access token: {body}"))
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    atlas_integrations::delivery::client::install_crypto_provider();
    let needs_group = args.scenario != Scenario::Healthz;
    if needs_group && (args.group.is_empty() || args.public_key.is_empty()) {
        return Err("this scenario needs --group, --public-key and --private-key".into());
    }
    let worker = |i: usize| Worker {
        http: reqwest::Client::builder().pool_max_idle_per_host(1).build().unwrap(),
        base: args.base[i % args.base.len()].clone(),
        group: args.group.get(i % args.group.len().max(1)).cloned().unwrap_or_default(),
        user: args.public_key.clone(),
        ha1: digest::ha1(&args.public_key, &args.private_key),
        mode: args.mode,
        nonce: None,
        bearer: None,
        step: i as u64 * 1_000_003,
    };
    let bearer = match args.mode {
        Mode::Bearer => Some(format!("Bearer {}", access_token(&args).await?)),
        _ => None,
    };
    if needs_group {
        for (i, _) in args.group.iter().enumerate() {
            seed(&mut worker(i)).await?;
            if matches!(args.scenario, Scenario::RaiseAlert | Scenario::Alertmanager) {
                configure_alerts(&mut worker(i), &args.webhook, &args.webhook_secret).await?;
            }
        }
    }
    // Every worker (and its HTTP client, whose TLS set-up reads the system's root certificates)
    // is made before the clock starts: made after, the set-up counted in the first requests'
    // latency, and a worker behind its schedule stays behind for many requests at a fixed rate.
    let workers: Vec<Worker> =
        (0..args.concurrency).map(|i| Worker { bearer: bearer.clone(), ..worker(i) }).collect();
    let deadline = Instant::now() + Duration::from_secs_f64(args.duration_secs);
    let started = Instant::now();
    // With --rate, each worker sends at its share of the rate, offset so the workers interleave.
    let interval = args.rate.map(|rate| Duration::from_secs_f64(args.concurrency as f64 / rate.max(0.001)));
    let tasks: Vec<_> = workers
        .into_iter()
        .enumerate()
        .map(|(i, mut worker)| {
            let scenario = args.scenario;
            let mut due = interval.map(|every| started + every.mul_f64(i as f64 / args.concurrency as f64));
            tokio::spawn(async move {
                let (mut latencies, mut errors) = (Vec::with_capacity(100_000), 0u64);
                while Instant::now() < deadline {
                    let begun = match (due, interval) {
                        (Some(at), Some(every)) => {
                            tokio::time::sleep_until(at.into()).await;
                            due = Some(at + every);
                            at
                        }
                        _ => Instant::now(),
                    };
                    if worker.step(scenario).await {
                        latencies.push(begun.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    } else {
                        errors += 1;
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let (mut latencies, mut errors) = (Vec::new(), 0u64);
    for task in tasks {
        let (mine, failed) = task.await.map_err(|e| e.to_string())?;
        latencies.extend(mine);
        errors += failed;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let scenario = args.scenario.to_possible_value().unwrap().get_name().to_owned();
    let mode = args.mode.to_possible_value().unwrap().get_name().to_owned();
    let report = json!({
        "scenario": scenario, "mode": mode, "concurrency": args.concurrency, "offered_rps": args.rate,
        "rps": (latencies.len() as f64 / elapsed * 10.0).round() / 10.0,
        "p50_ms": percentile(&latencies, 0.50), "p90_ms": percentile(&latencies, 0.90),
        "p99_ms": percentile(&latencies, 0.99), "max_ms": percentile(&latencies, 1.0),
        "errors": errors, "requests": latencies.len(),
    });
    if args.json {
        println!("{report}");
    } else {
        println!(
            "{scenario:>13} {mode:>5} c={:<4} {:>9.1} req/s  p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms  errors {errors}",
            args.concurrency,
            report["rps"].as_f64().unwrap(),
            report["p50_ms"].as_f64().unwrap(),
            report["p90_ms"].as_f64().unwrap(),
            report["p99_ms"].as_f64().unwrap(),
            report["max_ms"].as_f64().unwrap()
        );
    }
    Ok(())
}
