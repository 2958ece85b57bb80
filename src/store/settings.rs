//! How the store connects and when a write counts as done.

use std::time::Duration;

/// When an acknowledged write is safe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// Flushed to disk before the answer: survives power loss.
    #[default]
    Full,
    /// Handed to the operating system before the answer: survives a crash of the process,
    /// not of the machine (SQLite `synchronous=NORMAL`, PostgreSQL `synchronous_commit=off`).
    Relaxed,
}

/// Connection settings of a database (PostgreSQL uses all; SQLite the pool size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Most connections a process opens.
    pub max_connections: u32,
    /// How long a request waits for a connection (or to connect) before it fails with 503.
    pub acquire_timeout: Duration,
    /// Longest a statement may run (PostgreSQL's `statement_timeout`).
    pub statement_timeout: Duration,
    /// When writes are acknowledged.
    pub durability: Durability,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(2),
            statement_timeout: Duration::from_secs(10),
            durability: Durability::Full,
        }
    }
}
