//! The test harness: the real application on `127.0.0.1:0` in a fresh data folder, seeded
//! with a project and keys, and a client that speaks HTTP Digest as Atlas's clients do.

mod console;
mod database;
mod digest_client;
mod logs;
mod mail_server;
mod process;
mod program;
mod proxy;
mod raw;
mod receiver;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use atlas_integrations::admin::{self, KeyGrant};
use atlas_integrations::app::App;
use atlas_integrations::config::{Config, DEFAULT_NONCE_TTL_SECS, DatabaseConfig};
use atlas_integrations::delivery::settings::DeliverySettings;
use atlas_integrations::domain::access_list::AccessEntry;
use atlas_integrations::domain::api_key::ProjectRole;
use atlas_integrations::domain::project::Project;
use atlas_integrations::http::rate_limit::Limits;
use atlas_integrations::store::Store;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use console::{ConsoleClient, Page};
pub use database::{TestDatabase, postgres_server};
pub use digest_client::{
    Credentials, DigestClient, Mode, TestResponse, challenge_nonce as challenge_nonce_of,
};
pub use logs::captured_logs;
pub use mail_server::{MailSecurity, MailServer};
pub use process::ServerProcess;
pub use program::{Program, installed};
pub use proxy::TcpProxy;
pub use raw::RawConnection;
pub use receiver::{Received, Receiver, Reply};

/// The v2 media type clients send in `Accept`.
pub const V2_ACCEPT: &str = "application/vnd.atlas.2023-01-01+json";

/// A running application and what the tests need to reach it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The store, for seeding and inspection.
    pub store: Arc<dyn Store>,
    /// The data folder (kept until the app is dropped).
    pub data_dir: Arc<TempDir>,
    /// The database (dropped with the app).
    pub database: TestDatabase,
    /// The URL the servers reach the database by (through a proxy, for outage tests).
    pub server_url: String,
    /// The limits and proxies the servers run with.
    pub tuning: Tuning,
    /// A project with an owner and a read-only key.
    pub project: Project,
    /// A `GROUP_OWNER` key of `project`.
    pub owner: Credentials,
    /// A `GROUP_READ_ONLY` key of `project`.
    pub reader: Credentials,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

/// Settings a test may change from their defaults.
#[derive(Clone, Debug, Default)]
pub struct Tuning {
    /// Request and failed-authentication limits.
    pub limits: Limits,
    /// Proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: Vec<AccessEntry>,
    /// Keys of a rotation in progress.
    pub previous_key_files: Vec<std::path::PathBuf>,
    /// Serve HTTPS with these files.
    pub tls: Option<atlas_integrations::config::TlsFiles>,
    /// Timeouts, the connection limit and the shutdown deadline.
    pub connections: atlas_integrations::http::server::ConnectionLimits,
    /// How notifications are delivered (default: to private addresses too, polling often).
    pub delivery: Option<DeliverySettings>,
    /// How long access tokens live (default: an hour).
    pub token_ttl_secs: Option<u64>,
    /// `--public-url` (default: none, so links use the address listened on).
    pub public_url: Option<String>,
}

/// The configuration of a server on `url` sealed with `key_file`, tuned.
pub fn config_with(
    data_dir: &Path,
    url: &str,
    key_file: &Path,
    nonce_ttl_secs: u64,
    tuning: &Tuning,
) -> Config {
    Config {
        listen: "127.0.0.1:0".into(),
        database: DatabaseConfig {
            data_dir: data_dir.to_owned(),
            database_url: Some(url.to_owned()),
            secret_key_file: Some(key_file.to_owned()),
            previous_key_files: tuning.previous_key_files.clone(),
            pool: Default::default(),
        },
        public_url: tuning.public_url.clone(),
        nonce_ttl_secs,
        limits: tuning.limits,
        trusted_proxies: tuning.trusted_proxies.clone(),
        tls: tuning.tls.clone(),
        connections: tuning.connections,
        delivery: tuning.delivery.clone().unwrap_or_else(|| DeliverySettings {
            allow_private_targets: true,
            idle_wait: std::time::Duration::from_millis(20),
            ..DeliverySettings::default()
        }),
        token_ttl_secs: tuning.token_ttl_secs.unwrap_or(atlas_integrations::config::DEFAULT_TOKEN_TTL_SECS),
        metrics_listen: None,
    }
}

/// A further server (a replica) beside a [`TestApp`], stopped when dropped.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl TestApp {
    /// A new application on a fresh data folder.
    pub async fn spawn() -> TestApp {
        Self::spawn_with_ttl(DEFAULT_NONCE_TTL_SECS).await
    }

    /// A new application whose nonces live `ttl` seconds.
    pub async fn spawn_with_ttl(ttl: u64) -> TestApp {
        let data_dir = Arc::new(tempfile::tempdir().expect("a temporary folder"));
        let database = TestDatabase::create(data_dir.path()).await;
        let url = database.url.clone();
        Self::spawn_on(data_dir, database, url, ttl, Tuning::default()).await
    }

    /// A new application with `limits`.
    pub async fn spawn_with_limits(limits: Limits) -> TestApp {
        Self::spawn_tuned(Tuning { limits, ..Tuning::default() }).await
    }

    /// A new application with `tuning`.
    pub async fn spawn_tuned(tuning: Tuning) -> TestApp {
        let data_dir = Arc::new(tempfile::tempdir().expect("a temporary folder"));
        let database = TestDatabase::create(data_dir.path()).await;
        let url = database.url.clone();
        Self::spawn_on(data_dir, database, url, DEFAULT_NONCE_TTL_SECS, tuning).await
    }

    /// A new application on PostgreSQL that reaches its database through a proxy the test
    /// controls.
    pub async fn spawn_behind_proxy() -> (TestApp, TcpProxy) {
        let data_dir = Arc::new(tempfile::tempdir().expect("a temporary folder"));
        let database = TestDatabase::create(data_dir.path()).await;
        assert!(database.is_postgres(), "outage tests need TEST_DATABASE_URL");
        let mut url = url::Url::parse(&database.url).unwrap();
        let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
        let proxy = TcpProxy::start(target).await;
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(proxy.address.port())).unwrap();
        let app =
            Self::spawn_on(data_dir, database, url.to_string(), DEFAULT_NONCE_TTL_SECS, Tuning::default())
                .await;
        (app, proxy)
    }

    async fn spawn_on(
        data_dir: Arc<TempDir>,
        database: TestDatabase,
        server_url: String,
        ttl: u64,
        tuning: Tuning,
    ) -> TestApp {
        let (base, store, shutdown, server) =
            start(&config_with(data_dir.path(), &server_url, &database.key_file, ttl, &tuning)).await;
        let project = admin::create_project(store.as_ref(), "Integration tests", None).await.unwrap();
        let owner = new_key(store.as_ref(), KeyGrant::Project(project.id, ProjectRole::GroupOwner)).await;
        let reader = new_key(store.as_ref(), KeyGrant::Project(project.id, ProjectRole::GroupReadOnly)).await;
        TestApp {
            base,
            store,
            data_dir,
            database,
            server_url,
            tuning,
            project,
            owner,
            reader,
            shutdown: Some(shutdown),
            server: Some(server),
        }
    }

    /// The configuration this app's servers run with.
    pub fn config(&self) -> Config {
        config_with(
            self.data_dir.path(),
            &self.server_url,
            &self.database.key_file,
            DEFAULT_NONCE_TTL_SECS,
            &self.tuning,
        )
    }

    /// The database options of the command line that reach this app's database.
    pub fn database_args(&self) -> Vec<String> {
        vec![
            "--data-dir".into(),
            self.data_dir.path().display().to_string(),
            "--database".into(),
            self.database.url.clone(),
            "--secret-key-file".into(),
            self.database.key_file.display().to_string(),
        ]
    }

    /// Starts another server on the same database and key file: a replica.
    pub async fn replica(&self) -> Server {
        let (base, _, shutdown, _) = start(&self.config()).await;
        Server { base, shutdown: Some(shutdown) }
    }

    /// Stops the server gracefully and starts it again on the same data.
    pub async fn restart(&mut self) {
        self.stop().await;
        let (base, store, shutdown, server) = start(&self.config()).await;
        self.base = base;
        self.store = store;
        self.shutdown = Some(shutdown);
        self.server = Some(server);
    }

    /// Tells the server to shut down, as SIGTERM does, and hands back its task.
    pub fn shut_down(&mut self) -> JoinHandle<std::io::Result<()>> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.server.take().expect("the server runs")
    }

    async fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("the server task ends").expect("the server stops cleanly");
        }
    }

    /// A client with `credentials` that reuses nonces as Python clients do.
    pub fn client(&self, credentials: &Credentials) -> DigestClient {
        DigestClient::new(&self.base, credentials.clone(), Mode::Reuse)
    }

    /// The owner's client.
    pub fn owner(&self) -> DigestClient {
        self.client(&self.owner)
    }

    /// A key with `grant`.
    pub async fn key(&self, grant: KeyGrant) -> Credentials {
        new_key(self.store.as_ref(), grant).await
    }

    /// A service account of the project's organization called `name`, holding `role` in the
    /// project: the account and its first secret.
    pub async fn project_service_account(
        &self,
        name: &str,
        role: atlas_integrations::domain::api_key::ProjectRole,
    ) -> (
        atlas_integrations::domain::service_account::ServiceAccount,
        atlas_integrations::accounts::CreatedSecret,
    ) {
        let request = atlas_integrations::accounts::AccountRequest {
            org_id: self.project.org_id,
            name: name.into(),
            description: format!("{name} in the tests"),
            org_roles: vec![atlas_integrations::domain::api_key::OrgRole::OrgMember],
            secret_hours: 24,
        };
        let (account, secret) =
            atlas_integrations::accounts::create_account(self.store.as_ref(), request).await.unwrap();
        self.store.set_service_account_project_roles(account.id, self.project.id, &[role]).await.unwrap();
        (account, secret)
    }

    /// `/api/atlas/v2/groups/{project}/integrations[/{suffix}]`.
    pub fn v2(&self, suffix: &str) -> String {
        integrations_path("/api/atlas/v2", &self.project.id.to_string(), suffix)
    }

    /// `/api/atlas/v1.0/groups/{project}/integrations[/{suffix}]`.
    pub fn v1(&self, suffix: &str) -> String {
        integrations_path("/api/atlas/v1.0", &self.project.id.to_string(), suffix)
    }
}

/// `{mount}/groups/{group}/integrations[/{suffix}]`.
pub fn integrations_path(mount: &str, group: &str, suffix: &str) -> String {
    match suffix {
        "" => format!("{mount}/groups/{group}/integrations"),
        _ => format!("{mount}/groups/{group}/integrations/{suffix}"),
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// A started server: its base URL, store, shutdown switch and task.
pub type Started = (String, Arc<dyn Store>, oneshot::Sender<()>, JoinHandle<std::io::Result<()>>);

/// Builds and serves an app with `config`.
pub async fn start(config: &Config) -> Started {
    logs::capture();
    let app = App::build(config.clone()).await.expect("the app builds");
    let address: SocketAddr = app.local_addr();
    let store = app.store();
    let (shutdown, signal) = oneshot::channel::<()>();
    let server = tokio::spawn(app.serve(async move {
        let _ = signal.await;
    }));
    let scheme = if config.tls.is_some() { "https" } else { "http" };
    (format!("{scheme}://{address}"), store, shutdown, server)
}

async fn new_key(store: &dyn Store, grant: KeyGrant) -> Credentials {
    let created = admin::create_api_key(store, grant, "test key").await.expect("a key is created");
    Credentials { public_key: created.key.public_key, private_key: created.private_key.expose().to_owned() }
}

/// Runs the real binary with `args` and the app's database; what it printed (it must succeed).
pub async fn run_cli(mut args: Vec<String>, app: &TestApp) -> Vec<u8> {
    args.extend(app.database_args());
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_atlas-integrations"))
            .args(&args)
            .env_remove("ATLAS_INTEGRATIONS_DATABASE_URL")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}
