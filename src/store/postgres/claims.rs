//! Digest replay claims, batched: each request's (nonce, count) must be recorded in the
//! database so that every replica refuses a replay, but one statement records every claim
//! waiting at that moment. Nothing waits to fill a batch: while one statement runs, the claims
//! that arrive queue and go together in the next, so a lone request costs one round trip as
//! before and a busy replica a fraction of one per request.

use std::collections::HashSet;

use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};

use crate::store::error::StoreError;
use crate::store::sql::{Param, Sql};

/// The most claims one statement records.
const MOST_PER_BATCH: usize = 1_000;

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
        match record(&pool, &fresh).await {
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

/// Records every claim of `batch` in one statement, the same text for every batch size (the
/// claims travel as three arrays), so it is prepared once per connection; the (nonce, nc)
/// pairs that were new (or whose earlier record had expired).
async fn record(pool: &PgPool, batch: &[Claim]) -> Result<HashSet<(String, String)>, StoreError> {
    let now = crate::store::clock::now_ms();
    let nonces: Vec<&str> = batch.iter().map(|claim| claim.nonce.as_str()).collect();
    let counts: Vec<&str> = batch.iter().map(|claim| claim.nc.as_str()).collect();
    let expiries: Vec<i64> = batch.iter().map(|claim| claim.expires_ms).collect();
    let mut connection = pool.acquire().await?;
    // Forget expired uses now and then (about one batch in 1,000), not on every request.
    if now % 1000 == 0 {
        connection.execute(FORGET_EXPIRED, &[Param::Int(Some(now))]).await?;
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
