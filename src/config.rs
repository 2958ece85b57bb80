//! Configuration: where the database and its key live, and how the server listens.
//! Built from flags and environment by the command line, or directly by tests.

use std::path::PathBuf;

use crate::domain::access_list::AccessEntry;
use crate::http::rate_limit::Limits;
use crate::http::server::ConnectionLimits;
use crate::store::PoolSettings;

/// Where the data is and how it is sealed; every command that touches the database takes it.
#[derive(Clone, Debug)]
pub struct DatabaseConfig {
    /// Folder for the default SQLite file and the generated key file.
    pub data_dir: PathBuf,
    /// Database URL; default `sqlite://<data-dir>/atlas-integrations.db`.
    pub database_url: Option<String>,
    /// Master key file; default `<data-dir>/secret.key`, generated on first start (SQLite
    /// only: on PostgreSQL every replica must be given the same file).
    pub secret_key_file: Option<PathBuf>,
    /// Keys of a rotation in progress: what they sealed stays readable.
    pub previous_key_files: Vec<PathBuf>,
    /// Pool size and timeouts.
    pub pool: PoolSettings,
}

impl DatabaseConfig {
    /// The database URL in force.
    pub fn url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("atlas-integrations.db").display()))
    }

    /// The key file in force, and whether it is the generated default.
    pub fn key_file(&self) -> (PathBuf, bool) {
        match &self.secret_key_file {
            Some(path) => (path.clone(), false),
            None => (self.data_dir.join("secret.key"), true),
        }
    }
}

/// Everything the server needs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on; port 0 picks a free one.
    pub listen: String,
    /// The database.
    pub database: DatabaseConfig,
    /// Origin for self links (`https://atlas.example.com`); default: from each request.
    pub public_url: Option<String>,
    /// How long a Digest nonce lives before clients are asked to refresh it (`stale=true`).
    pub nonce_ttl_secs: u64,
    /// Request and failed-authentication limits.
    pub limits: Limits,
    /// Proxies (addresses or CIDR blocks) whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<AccessEntry>,
    /// PEM certificate chain and private key: serve HTTPS instead of HTTP.
    pub tls: Option<TlsFiles>,
    /// Timeouts, the connection limit and the shutdown deadline.
    pub connections: ConnectionLimits,
    /// How alert notifications are delivered.
    pub delivery: crate::delivery::settings::DeliverySettings,
    /// How long a service account's access token lives, in seconds.
    pub token_ttl_secs: u64,
    /// Where to serve `GET /metrics` (Prometheus text), if anywhere.
    pub metrics_listen: Option<String>,
}

/// The default lifetime of an access token, as Atlas's (an hour).
pub const DEFAULT_TOKEN_TTL_SECS: u64 = 3_600;

/// The PEM files of the server's certificate.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key.
    pub key: PathBuf,
}

/// The default nonce lifetime: five minutes.
pub const DEFAULT_NONCE_TTL_SECS: u64 = 300;
