//! The wire: one route table, Atlas's error envelope, Digest authentication, and the
//! extractors that authorise a request before its handler runs.

mod access_log;
mod attributes;
pub mod auth;
pub mod bounded_json;
mod catch_panic;
pub mod client_ip;
pub mod counters;
pub mod error;
pub mod error_code;
pub mod extract;
pub mod log_throttle;
pub mod mount;
pub mod pagination;
pub mod peer;
pub mod present;
pub mod pretty;
pub mod query;
pub mod rate_limit;
pub mod refusal_log;
mod require_host;
pub mod routes;
pub mod security_headers;
pub mod server;
pub mod shared_rate;
pub mod tls;

use std::sync::Arc;

use crate::store::Store;
use auth::nonce::NonceSigner;

pub use routes::router;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// Where everything is kept.
    pub store: Arc<dyn Store>,
    /// Issues and checks Digest nonces.
    pub nonces: Arc<NonceSigner>,
    /// The origin for self links, when configured; otherwise taken from the request.
    pub public_url: Option<Arc<str>>,
    /// The origin notifications link under: `--public-url`, else the address listened on.
    pub notifications_origin: Arc<str>,
    /// Request and failed-authentication counters.
    pub limits: Arc<rate_limit::RateLimits>,
    /// Throttled log lines for what clients can repeat at will.
    pub refusals: Arc<refusal_log::RefusalLog>,
    /// Whether the server speaks HTTPS (answers then carry `Strict-Transport-Security`).
    pub tls: bool,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<[crate::domain::access_list::AccessEntry]>,
    /// Sends test notifications (`…/integrations/{type}:test`).
    pub sender: crate::delivery::client::Sender,
    /// Mints and checks service accounts' access tokens.
    pub tokens: Arc<crate::crypto::TokenSigner>,
    /// How long a token lives, in seconds.
    pub token_ttl_secs: u64,
    /// Computes and checks the web console's form tokens.
    pub console_csrf: Arc<routes::console::csrf::CsrfKey>,
}
