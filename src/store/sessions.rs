//! What the store keeps of the web console: its sessions (see
//! [`crate::domain::console_session`]).

use async_trait::async_trait;

use super::error::StoreError;
use crate::domain::console_session::ConsoleSession;

/// Web console sessions.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session (and forgets those that have ended).
    async fn begin_session(&self, session: &ConsoleSession) -> Result<(), StoreError>;
    /// The session with this id (the hash of its cookie's secret), if there is one.
    async fn find_session(&self, id: &str) -> Result<Option<ConsoleSession>, StoreError>;
    /// Records that the session was used at `now_ms`.
    async fn touch_session(&self, id: &str, now_ms: i64) -> Result<(), StoreError>;
    /// Ends a session; whether there was one.
    async fn end_session(&self, id: &str) -> Result<bool, StoreError>;
}
