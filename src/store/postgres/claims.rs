//! Digest replay claims, batched: each request's (nonce, count) must be recorded in the
//! database so that every replica refuses a replay, but one statement records every claim
//! waiting at that moment. Nothing waits to fill a batch: while one statement runs, the claims
//! that arrive queue and go together in the next, so a lone request costs one round trip as
//! before and a busy replica a fraction of one per request.

use std::collections::HashSet;

use sqlx::{ConnectOptions, PgConnection, PgPool};
use tokio::sync::{mpsc, oneshot};

use crate::store::error::StoreError;

/// The most claims one statement records.
const MOST_PER_BATCH: usize = 1_000;

/// Set once on the recording connection (see [`Recorder`]).
const ASYNCHRONOUS_COMMIT: &str = "SET synchronous_commit = off";

const RECORD: &str = "INSERT INTO digest_replays (nonce, nc, expires_ms) \
     SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[]) \
     ON CONFLICT (nonce, nc) DO UPDATE SET expires_ms = excluded.expires_ms \
     WHERE digest_replays.expires_ms < $1 RETURNING nonce, nc";

const FORGET_EXPIRED: &str = "DELETE FROM digest_replays WHERE expires_ms < $1";

/// One request's claim and where its answer goes.
pub struct Claim {
    nonce: String,
    nc: String,
    expires_ms: i64,
    answer: oneshot::Sender<Result<bool, StoreError>>,
}

/// Hands claims to the task that records them.
#[derive(Clone)]
pub struct Claims(mpsc::UnboundedSender<Claim>);

impl Claims {
    /// Starts the recording task on `pool`; it ends when the last sender is dropped.
    pub fn start(pool: PgPool) -> Claims {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(record_batches(pool, receiver));
        Claims(sender)
    }

    /// Records `(nonce, nc)` until `expires_ms`; `false` if it was recorded before (a replay).
    pub async fn claim(&self, nonce: &str, nc: &str, expires_ms: i64) -> Result<bool, StoreError> {
        let (answer, answered) = oneshot::channel();
        let claim = Claim { nonce: nonce.to_owned(), nc: nc.to_ascii_lowercase(), expires_ms, answer };
        self.0.send(claim).map_err(|_| StoreError::Unavailable("the replay recorder has stopped".into()))?;
        answered.await.map_err(|_| StoreError::Unavailable("the replay recorder has stopped".into()))?
    }
}

async fn record_batches(pool: PgPool, mut queue: mpsc::UnboundedReceiver<Claim>) {
    let mut recorder = Recorder { pool, connection: None };
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MOST_PER_BATCH {
            match queue.try_recv() {
                Ok(claim) => batch.push(claim),
                Err(_) => break,
            }
        }
        let mut seen = HashSet::new();
        let (fresh, repeated): (Vec<Claim>, Vec<Claim>) =
            batch.into_iter().partition(|claim| seen.insert((claim.nonce.clone(), claim.nc.clone())));
        for claim in repeated {
            // The same count twice in one batch: the second is a replay of the first.
            let _ = claim.answer.send(Ok(false));
        }
        match recorder.record(&fresh).await {
            Ok(recorded) => {
                for claim in fresh {
                    let new = recorded.contains(&(claim.nonce.clone(), claim.nc.clone()));
                    let _ = claim.answer.send(Ok(new));
                }
            }
            Err(error) => {
                for claim in fresh {
                    let shared = match &error {
                        StoreError::Unavailable(cause) => StoreError::Unavailable(cause.clone()),
                        other => StoreError::Failed(other.to_string()),
                    };
                    let _ = claim.answer.send(Err(shared));
                }
            }
        }
    }
}

/// The connection claims are recorded on: one of its own, since one statement runs at a
/// time, with asynchronous commit. A claim is seen by every replica as soon as it commits;
/// what asynchronous commit gives up is only the claims of the last moments before a crash of
/// the database itself (PostgreSQL flushes them within three `wal_writer_delay`s, 600 ms by
/// default), and it spares every request the wait for a disk flush.
struct Recorder {
    pool: PgPool,
    connection: Option<PgConnection>,
}

impl Recorder {
    /// The recording connection, connected (again) if need be.
    async fn connection(&mut self) -> Result<&mut PgConnection, StoreError> {
        if self.connection.is_none() {
            let options = self.pool.connect_options();
            let timeout = self.pool.options().get_acquire_timeout();
            let mut connection = tokio::time::timeout(timeout, options.connect()).await.map_err(|_| {
                StoreError::Unavailable("connecting to record Digest uses timed out".into())
            })??;
            sqlx::query(ASYNCHRONOUS_COMMIT).execute(&mut connection).await?;
            self.connection = Some(connection);
        }
        Ok(self.connection.as_mut().expect("connected above"))
    }

    /// Records every claim of `batch` in one statement, the same text for every batch size
    /// (the claims travel as three arrays), so it is prepared once; the (nonce, nc) pairs
    /// that were new (or whose earlier record had expired). A connection that fails is
    /// dropped; when it had served before (the database may have closed it meanwhile, as a
    /// restart or `pg_terminate_backend` does), the batch is tried once more on a new one. (A
    /// batch that had committed before its answer was lost then reads as replays: those
    /// clients are challenged again, never let through twice.)
    async fn record(&mut self, batch: &[Claim]) -> Result<HashSet<(String, String)>, StoreError> {
        let reused = self.connection.is_some();
        let mut recorded = self.try_record(batch).await;
        if recorded.is_err() {
            self.connection = None;
            if reused {
                recorded = self.try_record(batch).await;
                if recorded.is_err() {
                    self.connection = None;
                }
            }
        }
        recorded
    }

    async fn try_record(&mut self, batch: &[Claim]) -> Result<HashSet<(String, String)>, StoreError> {
        let now = crate::store::clock::now_ms();
        let nonces: Vec<&str> = batch.iter().map(|claim| claim.nonce.as_str()).collect();
        let counts: Vec<&str> = batch.iter().map(|claim| claim.nc.as_str()).collect();
        let expiries: Vec<i64> = batch.iter().map(|claim| claim.expires_ms).collect();
        let connection = self.connection().await?;
        // Forget expired uses now and then (about one batch in 1,000), not on every request.
        if now % 1000 == 0 {
            sqlx::query(FORGET_EXPIRED).bind(now).execute(&mut *connection).await?;
        }
        let recorded: Vec<(String, String)> = sqlx::query_as(RECORD)
            .bind(now)
            .bind(nonces)
            .bind(counts)
            .bind(expiries)
            .fetch_all(&mut *connection)
            .await?;
        Ok(recorded.into_iter().collect())
    }
}
