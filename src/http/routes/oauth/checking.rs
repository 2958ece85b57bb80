//! Where secrets are checked: a few threads of their own (half the cores, at least one, at
//! most four), running at a lower scheduling priority than the rest of the server. Each
//! Argon2id check takes 19 MiB and tens of milliseconds of a core; a flood of guesses is
//! answered as fast as these threads allow while every other request keeps the processor
//! first, and memory stays bounded whatever arrives.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use tokio::sync::{Semaphore, oneshot};

/// How much lower than the server's other threads the checking threads run (a nice value).
const LOWER_PRIORITY: i32 = 10;

type Check = Box<dyn FnOnce() + Send>;

struct Checkers {
    checks: Sender<Check>,
    turns: Semaphore,
}

static CHECKERS: LazyLock<Checkers> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let threads = (cores / 2).clamp(1, 4);
    let (checks, waiting) = channel::<Check>();
    let waiting = Arc::new(Mutex::new(waiting));
    for n in 0..threads {
        let waiting = waiting.clone();
        let spawned =
            std::thread::Builder::new().name(format!("secret-check-{n}")).spawn(move || work(&waiting));
        if let Err(error) = spawned {
            tracing::error!(%error, "could not start a secret-checking thread");
        }
    }
    Checkers { checks, turns: Semaphore::new(threads) }
});

fn work(waiting: &Mutex<Receiver<Check>>) {
    // On Linux the nice value is each thread's own: this lowers only the checking thread.
    if let Err(error) = rustix::process::setpriority_process(None, LOWER_PRIORITY) {
        tracing::warn!(%error, "a secret-checking thread keeps the server's priority");
    }
    loop {
        let next = waiting.lock().unwrap_or_else(|e| e.into_inner()).recv();
        match next {
            Ok(check) => check(),
            Err(_) => return,
        }
    }
}

/// Every checking thread was busy for longer than the caller would wait.
#[derive(Debug)]
pub struct Busy;

/// Runs `check` on a checking thread once one is free, waiting at most `wait` for it.
pub async fn run<T: Send + 'static>(
    check: impl FnOnce() -> T + Send + 'static,
    wait: Duration,
) -> Result<T, Busy> {
    let turn =
        tokio::time::timeout(wait, CHECKERS.turns.acquire()).await.map_err(|_| Busy)?.map_err(|_| Busy)?;
    let (answer, answered) = oneshot::channel();
    let queued = CHECKERS.checks.send(Box::new(move || {
        let _ = answer.send(check());
    }));
    queued.map_err(|_| Busy)?;
    let checked = answered.await.map_err(|_| Busy);
    drop(turn);
    checked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_check_runs_on_a_checking_thread_and_answers() {
        let name =
            run(|| std::thread::current().name().map(str::to_owned), Duration::from_secs(5)).await.unwrap();
        assert!(name.is_some_and(|name| name.starts_with("secret-check-")));
    }

    #[tokio::test]
    async fn a_caller_that_cannot_get_a_turn_in_time_is_told_so() {
        let threads = CHECKERS.turns.available_permits();
        let held: Vec<_> = (0..threads).map(|_| CHECKERS.turns.try_acquire().unwrap()).collect();
        assert!(run(|| (), Duration::from_millis(20)).await.is_err());
        drop(held);
        assert!(run(|| (), Duration::from_secs(5)).await.is_ok());
    }
}
