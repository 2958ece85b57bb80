//! Hostile clients for measuring what the server does under them (`bench/abuse.sh` runs it
//! beside a legitimate client). Every attack runs for a bounded time and stops by itself; it
//! targets only the `--base` given, which must be a server of ours on this machine.
//!
//! - `slowloris`: connections that send a request head one header every `--interval-ms`;
//!   reports how long the server let each live.
//! - `connection-flood`: connections that send nothing, held open.
//! - `login-flood`: Digest answers under random user names as fast as they are answered.
//! - `big-body`: PUTs of a 100,000-key body, authenticated with a real key.
//! - `token-flood`: `POST /api/oauth/token` with random client ids and secrets (no client
//!   exists: the guesses a password sprayer makes).
//! - `prometheus-flood`: Prometheus discovery of `--group` with HTTP Basic and random
//!   passwords.
//!
//! ```sh
//! cargo run --release --example abuse -- --base http://127.0.0.1:8080 --attack slowloris \
//!     --connections 500 --duration-secs 15
//! ```

use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[path = "common/digest.rs"]
mod digest;
#[path = "common/tally.rs"]
mod tally;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Attack {
    Slowloris,
    ConnectionFlood,
    LoginFlood,
    BigBody,
    TokenFlood,
    PrometheusFlood,
}

/// Hostile clients for atlas-integrations.
#[derive(Parser, Debug)]
struct Args {
    /// Server origin, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    base: String,
    #[arg(long, value_enum)]
    attack: Attack,
    /// Connections held (slowloris, connection-flood).
    #[arg(long, default_value_t = 500)]
    connections: usize,
    /// Concurrent workers (the floods, big-body).
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Seconds between the header lines of a slowloris connection.
    #[arg(long, default_value_t = 3000)]
    interval_ms: u64,
    /// How long the attack lasts.
    #[arg(long, default_value_t = 10.0)]
    duration_secs: f64,
    /// Spread a login flood over this many source addresses of 127.1.0.0/16, each used for
    /// 50 requests in turn (a flood from many hosts); 0: all from one address.
    #[arg(long, default_value_t = 0)]
    spread_addresses: u32,
    /// A key of the project (big-body); `--group` is also the project a Prometheus flood
    /// guesses at.
    #[arg(long, default_value = "")]
    public_key: String,
    #[arg(long, default_value = "")]
    private_key: String,
    #[arg(long, default_value = "")]
    group: String,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    atlas_integrations::delivery::client::install_crypto_provider();
    let until = Instant::now() + Duration::from_secs_f64(args.duration_secs);
    let report = match args.attack {
        Attack::Slowloris => hold_connections(&args, until, true).await,
        Attack::ConnectionFlood => hold_connections(&args, until, false).await,
        Attack::LoginFlood | Attack::BigBody | Attack::TokenFlood | Attack::PrometheusFlood => {
            requests(&args, until).await
        }
    };
    println!("{report}");
}

fn authority(base: &str) -> &str {
    base.trim_start_matches("http://")
}

/// Opens the connections, trickles a head on each (slowloris) or nothing, and reports when
/// the server closed them.
async fn hold_connections(args: &Args, until: Instant, trickle: bool) -> serde_json::Value {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.connections {
        let (address, interval) = (authority(&args.base).to_owned(), Duration::from_millis(args.interval_ms));
        tasks.push(tokio::spawn(async move {
            let Ok(mut stream) = TcpStream::connect(&address).await else { return Err(()) };
            let opened = Instant::now();
            if trickle
                && stream
                    .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\n").as_bytes())
                    .await
                    .is_err()
            {
                return Ok(Some(opened.elapsed()));
            }
            let mut buffer = [0u8; 1024];
            let mut line = 0u64;
            loop {
                let wait = match trickle {
                    true => interval,
                    false => until.saturating_duration_since(Instant::now()),
                };
                match tokio::time::timeout(wait, stream.read(&mut buffer)).await {
                    Ok(Ok(0)) | Ok(Err(_)) => return Ok(Some(opened.elapsed())),
                    Ok(Ok(_)) => continue,
                    Err(_) if Instant::now() >= until => return Ok(None),
                    Err(_) => {
                        line += 1;
                        if trickle
                            && stream.write_all(format!("X-Line-{line}: x\r\n").as_bytes()).await.is_err()
                        {
                            return Ok(Some(opened.elapsed()));
                        }
                    }
                }
            }
        }));
    }
    let (mut closed, mut open, mut failed) = (Vec::new(), 0, 0);
    for task in tasks {
        match task.await.expect("a connection task ends") {
            Ok(Some(lived)) => closed.push(lived.as_millis() as u64),
            Ok(None) => open += 1,
            Err(()) => failed += 1,
        }
    }
    closed.sort_unstable();
    let at = |p: f64| closed.get(((closed.len() as f64 - 1.0) * p).round() as usize).copied();
    json!({
        "attack": if trickle { "slowloris" } else { "connection-flood" },
        "connections": args.connections, "connect_failures": failed,
        "closed_by_server": closed.len(), "still_open_at_end": open,
        "lived_ms_p50": at(0.5), "lived_ms_max": closed.last(),
        "secs": started.elapsed().as_secs_f64(),
    })
}

/// A small xorshift generator: random user names need no cryptographic quality.
struct Names(u64);

impl Names {
    fn next(&mut self) -> String {
        (0..8)
            .map(|_| {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                (b'a' + (self.0 % 26) as u8) as char
            })
            .collect()
    }

    /// 24 hex digits, as a client id's.
    fn hex24(&mut self) -> String {
        let (high, low) = (self.next(), self.next());
        let digits: String = high.bytes().chain(low.bytes()).map(|b| format!("{:x}", b % 16)).collect();
        format!("{digits}{:08x}", self.0 as u32)
    }
}

/// Requests sent from one source address before the next (with --spread-addresses).
const REQUESTS_PER_ADDRESS: u32 = 50;

fn big_body() -> String {
    let members: Vec<String> = (0..100_000).map(|i| format!("\"{i:x}\":1")).collect();
    format!("{{\"type\":\"SLACK\",{}}}", members.join(","))
}

/// An unauthenticated guess of a flood that needs no challenge first, else `None`.
fn guess(attack: Attack, base: &str, group: &str, names: &mut Names) -> Option<Guess> {
    match attack {
        Attack::TokenFlood => Some(Guess {
            url: format!("{base}/api/oauth/token"),
            method: Method::POST,
            user: format!("mdb_sa_id_{}", names.hex24()),
            password: format!("mdb_sa_sk_{}", names.next()),
            body: Some("grant_type=client_credentials"),
        }),
        Attack::PrometheusFlood => Some(Guess {
            url: format!("{base}/prometheus/v1.0/groups/{group}/discovery"),
            method: Method::GET,
            user: "prom_user".into(),
            password: names.next(),
            body: None,
        }),
        _ => None,
    }
}

/// One guessed request with HTTP Basic.
struct Guess {
    url: String,
    method: Method,
    user: String,
    password: String,
    body: Option<&'static str>,
}

impl Guess {
    fn build(self, http: &reqwest::Client) -> reqwest::Request {
        let mut request = http.request(self.method, self.url).basic_auth(self.user, Some(self.password));
        if let Some(body) = self.body {
            request = request.header("content-type", "application/x-www-form-urlencoded").body(body);
        }
        request.build().expect("a well-formed request")
    }
}

async fn requests(args: &Args, until: Instant) -> serde_json::Value {
    let started = Instant::now();
    let body = big_body();
    let mut workers = Vec::new();
    for worker in 0..args.concurrency {
        let (spread, workers_total) = (args.spread_addresses, args.concurrency as u32);
        let client_from = move |turn: u32| {
            let builder = reqwest::Client::builder().pool_max_idle_per_host(1);
            let builder = match spread {
                0 => builder,
                _ => {
                    let index = (turn * workers_total + worker as u32) % spread + 1;
                    builder.local_address(std::net::IpAddr::from([127, 1, (index >> 8) as u8, index as u8]))
                }
            };
            builder.build().unwrap()
        };
        let mut http = client_from(0);
        let (base, attack, body) = (args.base.clone(), args.attack, body.clone());
        let (user, ha1) = (args.public_key.clone(), digest::ha1(&args.public_key, &args.private_key));
        let path = format!("/api/atlas/v2/groups/{}/integrations/SLACK", args.group);
        let args_group = args.group.clone();
        let mut names =
            Names(0x9e37_79b9_7f4a_7c15 ^ (worker as u64 + 1) ^ started.elapsed().as_nanos() as u64);
        workers.push(tokio::spawn(async move {
            let mut statuses = tally::Statuses::new();
            let (mut step, mut kept_nonce) = (0u32, None::<String>);
            while Instant::now() < until {
                step += 1;
                if spread > 0 && step % REQUESTS_PER_ADDRESS == 0 {
                    http = client_from(step / REQUESTS_PER_ADDRESS);
                    kept_nonce = None;
                }
                if let Some(guess) = guess(attack, &base, &args_group, &mut names) {
                    let status = match http.execute(guess.build(&http)).await {
                        Ok(response) => {
                            let status = response.status().as_u16().to_string();
                            let _ = response.bytes().await;
                            status
                        }
                        Err(_) => "transport-error".into(),
                    };
                    *statuses.entry(status).or_default() += 1;
                    continue;
                }
                // A flood of failed logins keeps one nonce (its answers are wrong anyway); a
                // real key asks a fresh challenge each time, as the Go SDK does.
                let nonce = match (&kept_nonce, attack) {
                    (Some(nonce), Attack::LoginFlood) => Some(nonce.clone()),
                    _ => http.request(Method::GET, format!("{base}{path}")).send().await.ok().and_then(|r| {
                        r.headers().get("www-authenticate")?.to_str().ok().and_then(digest::nonce_of)
                    }),
                };
                let Some(nonce) = nonce else {
                    *statuses.entry("transport-error".into()).or_default() += 1;
                    continue;
                };
                kept_nonce = Some(nonce.clone());
                let cnonce = format!("{worker:08x}{step:08x}");
                let (method, request_body) = match attack {
                    Attack::BigBody => (Method::PUT, Some(body.clone())),
                    _ => (Method::GET, None),
                };
                let (name, secret) = match attack {
                    Attack::BigBody => (user.clone(), ha1.clone()),
                    _ => (names.next(), digest::hex_md5("wrong")),
                };
                let auth =
                    digest::authorization(&name, &secret, method.as_str(), &path, &nonce, step, &cnonce);
                let mut request = http.request(method, format!("{base}{path}")).header("authorization", auth);
                if let Some(request_body) = request_body {
                    request = request.header("content-type", "application/json").body(request_body);
                }
                let status = match request.send().await {
                    Ok(response) => {
                        let status = response.status().as_u16().to_string();
                        let _ = response.bytes().await;
                        status
                    }
                    Err(_) => "transport-error".into(),
                };
                *statuses.entry(status).or_default() += 1;
            }
            statuses
        }));
    }
    let (statuses, total) = tally::gather(workers).await;
    let secs = started.elapsed().as_secs_f64();
    json!({
        "attack": args.attack.to_possible_value().map(|value| value.get_name().to_owned()),
        "source_addresses": args.spread_addresses.max(1),
        "requests": total, "rps": total as f64 / secs, "statuses": statuses, "secs": secs,
    })
}
