//! Every write on SQLite, by one thread with its own connection, in group commits: the
//! transactions waiting at a given moment are applied in one database transaction and made
//! durable by one flush, and each is answered only after that flush. Durable write
//! throughput then grows with concurrency instead of stopping at the disk's flush rate.
//! Transactions in a batch apply in order, each seeing the ones before it, and one that
//! fails (its savepoint rolled back) leaves the others untouched. SQLite takes one writer at
//! a time anyway, and a thread that only writes never holds up the ones answering requests.

use std::future::Future;
use std::path::Path;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::connection::connect;
use crate::store::error::StoreError;
use crate::store::settings::Durability;
use crate::store::sql::Work;

/// The most transactions one batch takes.
const MAX_BATCH: usize = 256;

/// How long the writer waits for another process (an admin command) to finish its write.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Answers a transaction's caller, given why its batch did not commit (if it did not).
type Answer = Box<dyn FnOnce(Option<&str>) + Send>;

/// A transaction's outcome, kept until the batch commits.
struct Applied {
    failed: bool,
    answer: Answer,
}

/// A transaction to apply on the writer's connection, or (given none) to answer as failed
/// with its batch.
type Job = Box<dyn FnOnce(Option<&mut Connection>) -> Applied + Send>;

/// The queue in front of the one writer thread.
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

/// Runs a future that never waits (SQLite's [`crate::store::sql::Sql`] completes every
/// statement in place) to its end; `None` if it would have waited.
pub fn run_now<T>(future: impl Future<Output = T>) -> Option<T> {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// The writer's connection to the database file at `path`, flushing each commit to disk
/// (`synchronous=FULL`) unless durability is relaxed (`NORMAL`: the log is flushed at
/// checkpoints, so a commit survives a crash of the process, not of the machine).
fn open_writer(path: &Path, durability: Durability) -> Result<Connection, StoreError> {
    let connection = connect(path, BUSY_TIMEOUT)?;
    connection.pragma_update(None, "foreign_keys", true)?;
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::Relaxed => "NORMAL",
    };
    connection.pragma_update(None, "synchronous", synchronous)?;
    Ok(connection)
}

impl Writer {
    /// Starts the writer thread on the database file at `path`; it stops when this is dropped.
    pub fn start(path: &Path, durability: Durability) -> Result<Self, StoreError> {
        let connection = open_writer(path, durability)?;
        let (jobs, queue) = mpsc::channel(4 * MAX_BATCH);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_batches(connection, queue))
            .map_err(|e| StoreError::Failed(format!("cannot start the database writer: {e}")))?;
        Ok(Writer { jobs })
    }

    /// Runs `work` as one transaction of a batch; returns once the batch is committed and
    /// flushed.
    pub async fn write<T: Send + 'static>(&self, work: Work<T>) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |connection| {
            let outcome = match connection {
                Some(connection) => run_now(work(connection)).unwrap_or_else(|| {
                    Err(StoreError::Failed("a write waited for something other than SQLite".into()))
                }),
                None => Err(StoreError::Failed("not applied: its batch failed".into())),
            };
            Applied {
                failed: outcome.is_err(),
                answer: Box::new(move |batch_failure| {
                    let _ = reply.send(match batch_failure {
                        None => outcome,
                        Some(cause) => Err(StoreError::Failed(cause.to_owned())),
                    });
                }),
            }
        });
        let stopped = || StoreError::Unavailable("the database writer has stopped".into());
        self.jobs.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn write_batches(mut connection: Connection, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let changes = batch.len();
        let mut jobs = batch.into_iter();
        let mut applied = Vec::with_capacity(changes);
        match commit(&mut connection, &mut jobs, &mut applied) {
            Ok(()) => {
                crate::telemetry::metrics::write_batch(changes);
                applied.into_iter().for_each(|applied| (applied.answer)(None))
            }
            Err(error) => {
                // Nothing of the batch is kept: roll back whatever is still open.
                let _ = connection.execute_batch("ROLLBACK");
                let cause = error.to_string();
                tracing::warn!(error = %cause, changes, "a batch of changes failed to commit");
                applied.extend(jobs.map(|job| job(None)));
                applied.into_iter().for_each(|applied| (applied.answer)(Some(&cause)));
            }
        }
    }
}

/// One transaction for the batch, each job in a savepoint of its own, their outcomes in
/// `applied` (valid once this returns `Ok`). On error, `jobs` holds those not run.
fn commit(
    connection: &mut Connection,
    jobs: &mut impl Iterator<Item = Job>,
    applied: &mut Vec<Applied>,
) -> Result<(), StoreError> {
    connection.execute_batch("BEGIN IMMEDIATE")?;
    for job in jobs {
        connection.execute_batch("SAVEPOINT change")?;
        let outcome = job(Some(connection));
        let failed = outcome.failed;
        applied.push(outcome);
        if failed {
            connection.execute_batch("ROLLBACK TO change")?;
        }
        connection.execute_batch("RELEASE change")?;
    }
    connection.execute_batch("COMMIT")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synchronous_of(durability: Durability) -> i64 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        Connection::open(&path).unwrap().pragma_update(None, "journal_mode", "WAL").unwrap();
        let writer = open_writer(&path, durability).unwrap();
        writer.query_row("PRAGMA synchronous", [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn the_writer_flushes_every_commit_unless_durability_is_relaxed() {
        assert_eq!(synchronous_of(Durability::Full), 2, "FULL");
        assert_eq!(synchronous_of(Durability::Relaxed), 1, "NORMAL");
    }

    #[test]
    fn a_future_that_would_wait_is_not_run_to_completion() {
        assert_eq!(run_now(async { 7 }), Some(7));
        assert_eq!(run_now(std::future::pending::<()>()), None);
    }

    #[tokio::test]
    async fn a_failed_transaction_leaves_nothing_and_the_others_of_its_batch_commit() {
        use crate::store::sql::{Param, work};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let setup = Connection::open(&path).unwrap();
        setup.pragma_update(None, "journal_mode", "WAL").unwrap();
        setup.execute_batch("CREATE TABLE t (n INTEGER)").unwrap();
        let writer = Writer::start(&path, Durability::Full).unwrap();
        let insert = |n: i64, fail: bool| {
            work(move |db| {
                Box::pin(async move {
                    db.execute("INSERT INTO t (n) VALUES ($1)", &[Param::Int(Some(n))]).await?;
                    match fail {
                        true => Err(StoreError::Conflict(format!("{n} refused after its insert"))),
                        false => Ok(n),
                    }
                })
            })
        };
        let (first, second, third) = tokio::join!(
            writer.write(insert(1, false)),
            writer.write(insert(2, true)),
            writer.write(insert(3, false))
        );
        assert_eq!(first.unwrap(), 1);
        assert!(matches!(second, Err(StoreError::Conflict(_))));
        assert_eq!(third.unwrap(), 3);
        let kept: Vec<i64> = setup
            .prepare("SELECT n FROM t ORDER BY n")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(kept, vec![1, 3]);
    }
}
