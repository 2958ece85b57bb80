//! Group commit for SQLite: every integration change waiting at a given moment is applied in
//! one transaction and made durable by one flush, and each is answered only after that flush.
//! Durable write throughput then grows with concurrency instead of stopping at the disk's
//! flush rate. Changes in a batch apply in order, each seeing the ones before it, and a
//! refused change (a savepoint rolled back) leaves the others untouched. The writer is one
//! thread of its own with its own connection: SQLite takes one writer at a time anyway, and
//! a thread that only writes never holds up the ones answering requests.

use std::path::Path;
use std::sync::Arc;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::sqlite_writes::{apply_change, open_writer};
use super::{Durability, StoreError};
use crate::crypto::Sealer;
use crate::domain::event::Actor;
use crate::domain::ids::GroupId;
use crate::domain::integration::{Integration, IntegrationType, Operation, Patch};

/// The most changes one transaction takes.
const MAX_BATCH: usize = 256;

/// An [`Operation`] that owns its body, to travel to the writer.
enum OwnedOperation {
    Create(Patch),
    Upsert(Patch),
    Delete(IntegrationType),
}

impl OwnedOperation {
    fn from(operation: Operation<'_>) -> Self {
        match operation {
            Operation::Create(patch) => OwnedOperation::Create(patch.clone()),
            Operation::Upsert(patch) => OwnedOperation::Upsert(patch.clone()),
            Operation::Delete(kind) => OwnedOperation::Delete(kind),
        }
    }

    fn borrow(&self) -> Operation<'_> {
        match self {
            OwnedOperation::Create(patch) => Operation::Create(patch),
            OwnedOperation::Upsert(patch) => Operation::Upsert(patch),
            OwnedOperation::Delete(kind) => Operation::Delete(*kind),
        }
    }
}

type Answer = Result<Vec<Integration>, StoreError>;

struct Job {
    group: GroupId,
    operation: OwnedOperation,
    actor: Actor,
    reply: oneshot::Sender<Answer>,
}

/// The queue in front of the one writer task.
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer thread on the database file at `path`; it stops when this is dropped.
    pub fn start(path: &Path, durability: Durability, sealer: Arc<Sealer>) -> Result<Self, StoreError> {
        let connection = open_writer(path, durability)?;
        let (jobs, queue) = mpsc::channel(4 * MAX_BATCH);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_batches(connection, &sealer, queue))
            .map_err(|e| StoreError::Failed(format!("cannot start the database writer: {e}")))?;
        Ok(GroupCommit { jobs })
    }

    /// Applies one change; returns once it is committed and flushed.
    pub async fn submit(&self, group: GroupId, operation: Operation<'_>, actor: &Actor) -> Answer {
        let (reply, answer) = oneshot::channel();
        let job = Job { group, operation: OwnedOperation::from(operation), actor: actor.clone(), reply };
        let stopped = || StoreError::Unavailable("the database writer has stopped".into());
        self.jobs.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn write_batches(connection: Connection, sealer: &Sealer, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match commit(&connection, sealer, &batch) {
            Ok(answers) => {
                for (job, answer) in batch.into_iter().zip(answers) {
                    let _ = job.reply.send(answer);
                }
            }
            Err(error) => {
                // Nothing of the batch is kept: roll back whatever is still open.
                let _ = connection.execute_batch("ROLLBACK");
                tracing::warn!(%error, changes = batch.len(), "a batch of changes failed to commit");
                for job in batch {
                    let _ = job.reply.send(Err(StoreError::Failed(error.to_string())));
                }
            }
        }
    }
}

/// One transaction for the batch; the answers of its changes, valid once it returns `Ok`.
fn commit(connection: &Connection, sealer: &Sealer, batch: &[Job]) -> Result<Vec<Answer>, StoreError> {
    connection.execute_batch("BEGIN IMMEDIATE")?;
    let mut answers = Vec::with_capacity(batch.len());
    for job in batch {
        connection.execute_batch("SAVEPOINT change")?;
        let answer = apply_change(connection, sealer, job.group, job.operation.borrow(), &job.actor);
        if answer.is_err() {
            connection.execute_batch("ROLLBACK TO change")?;
        }
        connection.execute_batch("RELEASE change")?;
        answers.push(answer);
    }
    connection.execute_batch("COMMIT")?;
    Ok(answers)
}
