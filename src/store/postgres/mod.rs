//! The PostgreSQL engine, for any number of stateless replicas on one database. A write that
//! names a lock takes a transaction-scoped advisory lock on it first, so read-merge-writes
//! of one integration from different replicas queue instead of overwriting each other, and
//! creations of one type race to exactly one winner. Digest replays are kept in a table
//! every replica sees.

mod claims;
mod connection;

use std::str::FromStr;
use std::sync::Weak;
use std::time::{Duration, Instant};

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};

use self::connection::PgReader;
use super::error::StoreError;
use super::read_cache::{CHANNEL, ReadCache};
use super::settings::{Durability, PoolSettings};
use super::sql::{Engine, Sql, Work, text};
use crate::telemetry::metrics;

const LOCK: &str = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

/// The engine's name in the metrics.
const ENGINE: &str = "postgres";

/// The PostgreSQL engine on one database.
pub struct PostgresEngine {
    pool: PgPool,
    claims: claims::Claims,
}

impl PostgresEngine {
    /// Connects to the database at `url` (TLS as its `sslmode` says) and applies migrations.
    pub async fn open(url: &str, settings: PoolSettings) -> Result<Self, StoreError> {
        let statement_timeout = settings.statement_timeout.as_millis().to_string();
        let options = PgConnectOptions::from_str(url)?.application_name("atlas-integrations").options([
            ("statement_timeout", statement_timeout.as_str()),
            ("synchronous_commit", if settings.durability == Durability::Full { "on" } else { "off" }),
        ]);
        let missing = missing_database_message(&options);
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections.max(1))
            .acquire_timeout(settings.acquire_timeout)
            .test_before_acquire(true)
            .connect_with(options)
            .await
            .map_err(|error| match &error {
                // SQLSTATE 3D000: invalid_catalog_name, the database does not exist.
                sqlx::Error::Database(db) if db.code().as_deref() == Some("3D000") => {
                    StoreError::NotFound(missing)
                }
                _ => StoreError::from(error),
            })?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        let claims = claims::Claims::start(pool.clone());
        Ok(PostgresEngine { pool, claims })
    }
}

/// How long a listener waits between looking whether its cache still lives.
const LISTEN_TICK: Duration = Duration::from_secs(1);

/// Tells `cache` of every change announced on the database, on a connection of its own, until
/// the cache is dropped. While that connection is down the cache is told not to trust itself;
/// once it is listening again, it starts from empty.
async fn listen(pool: PgPool, cache: Weak<ReadCache>) {
    while cache.strong_count() > 0 {
        let connected = match PgListener::connect_with(&pool).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => Some(listener),
                Err(error) => {
                    tracing::warn!(%error, "could not listen for changes; reads go to the database");
                    None
                }
            },
            Err(error) => {
                tracing::warn!(%error, "could not connect to listen for changes; reads go to the database");
                None
            }
        };
        if let Some(mut listener) = connected {
            let Some(live) = cache.upgrade() else { return };
            live.listening();
            drop(live);
            loop {
                match tokio::time::timeout(LISTEN_TICK, listener.try_recv()).await {
                    Ok(Ok(Some(_))) => match cache.upgrade() {
                        Some(live) => live.changed(),
                        None => return,
                    },
                    Ok(Ok(None)) | Ok(Err(_)) => break,
                    Err(_) if cache.strong_count() == 0 => return,
                    Err(_) => {}
                }
            }
            tracing::warn!(
                "the connection listening for changes was lost; reads go to the database until it is back"
            );
        }
        match cache.upgrade() {
            Some(live) => live.deaf(),
            None => return,
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// What to say when the database the URL names does not exist on its server.
fn missing_database_message(options: &PgConnectOptions) -> String {
    let name = options.get_database().unwrap_or("(the user's name)");
    let (host, port, user) = (options.get_host(), options.get_port(), options.get_username());
    format!(
        "the database {name} does not exist on the PostgreSQL server at {host}:{port}. Create it first, \
         with `createdb -h {host} -p {port} -U {user} {name}` or `CREATE DATABASE \"{name}\";` in psql, \
         then run this again"
    )
}

impl Engine for PostgresEngine {
    const SHARED_BY_REPLICAS: bool = true;
    const DIALECT: crate::store::sql::Dialect = crate::store::sql::Dialect::Postgres;

    type Reader = PgReader;

    async fn reader(&self) -> Result<PgReader, StoreError> {
        let started = Instant::now();
        let connection = self.pool.acquire().await?;
        metrics::pool_wait(ENGINE, started.elapsed());
        Ok(PgReader(connection))
    }

    async fn write<T: Send + 'static>(&self, lock: Option<String>, work: Work<T>) -> Result<T, StoreError> {
        let started = Instant::now();
        let mut transaction = self.pool.begin().await?;
        metrics::pool_wait(ENGINE, started.elapsed());
        if let Some(lock) = lock {
            transaction.execute(LOCK, &[text(&lock)]).await?;
        }
        // An error drops the transaction, which rolls it back.
        let done = work(&mut *transaction).await?;
        transaction.commit().await?;
        Ok(done)
    }

    fn listen_for_changes(&self, cache: std::sync::Weak<ReadCache>) -> bool {
        tokio::spawn(listen(self.pool.clone(), cache));
        true
    }

    fn report_pool(&self) {
        let (size, idle) = (self.pool.size() as usize, self.pool.num_idle());
        metrics::pool_connections(ENGINE, size.saturating_sub(idle), idle);
    }

    async fn claim_digest_use(&self, nonce: &str, nc: &str, expires_ms: i64) -> Result<bool, StoreError> {
        self.claims.claim(nonce, nc, expires_ms).await
    }
}
