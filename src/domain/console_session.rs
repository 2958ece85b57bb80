//! A web console session: who signed in, when, and when it was last used. It ends 12 hours
//! after sign-in or after an hour unused, whichever comes first; the cookie carries a random
//! secret of which only a hash is kept.

use sha2::{Digest, Sha256};

use crate::domain::ids::ObjectId;

/// The longest a session lives.
pub const MAX_AGE_MS: i64 = 12 * 3_600_000;
/// The longest a session may go unused.
pub const MAX_IDLE_MS: i64 = 3_600_000;
/// How stale `seen_ms` may grow before a request records its use (so that reading pages
/// does not write on every request).
pub const TOUCH_AFTER_MS: i64 = 60_000;

/// What a session signed in with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignedIn {
    /// An API key, by its public key.
    ApiKey(String),
    /// A service account, by its id and the secret that signed in.
    ServiceAccount {
        /// The account.
        account: ObjectId,
        /// The secret used; deleting it ends the session.
        secret: ObjectId,
    },
}

/// A stored session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleSession {
    /// The hash of the cookie's secret.
    pub id: String,
    /// The credential.
    pub signed_in: SignedIn,
    /// When it began (ms since the epoch).
    pub created_ms: i64,
    /// When it was last used.
    pub seen_ms: i64,
}

impl ConsoleSession {
    /// A session beginning now; returns it with the cookie's secret.
    pub fn begin(signed_in: SignedIn, now_ms: i64) -> (ConsoleSession, String) {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the system's random source works");
        let secret = hex::encode(bytes);
        (ConsoleSession { id: session_id(&secret), signed_in, created_ms: now_ms, seen_ms: now_ms }, secret)
    }

    /// Whether it is still good at `now_ms`.
    pub fn is_live(&self, now_ms: i64) -> bool {
        now_ms - self.created_ms < MAX_AGE_MS && now_ms - self.seen_ms < MAX_IDLE_MS
    }

    /// Whether a request at `now_ms` should record the use.
    pub fn needs_touch(&self, now_ms: i64) -> bool {
        now_ms - self.seen_ms >= TOUCH_AFTER_MS
    }

    /// The seconds the cookie should last from `now_ms`.
    pub fn cookie_seconds(&self, now_ms: i64) -> i64 {
        ((self.created_ms + MAX_AGE_MS - now_ms) / 1_000).max(0)
    }
}

/// The stored id of the session a cookie's secret opens.
pub fn session_id(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_after_twelve_hours_or_an_idle_hour() {
        let start = 1_000_000_000;
        let (mut session, secret) = ConsoleSession::begin(SignedIn::ApiKey("abcdefgh".into()), start);
        assert_eq!(session.id, session_id(&secret));
        assert_ne!(session.id, secret);
        assert!(session.is_live(start + MAX_IDLE_MS - 1));
        assert!(!session.is_live(start + MAX_IDLE_MS));
        session.seen_ms = start + MAX_AGE_MS - 10;
        assert!(session.is_live(start + MAX_AGE_MS - 1));
        assert!(!session.is_live(start + MAX_AGE_MS), "used all along, it still ends at 12 hours");
    }

    #[test]
    fn use_is_recorded_at_most_once_a_minute() {
        let (session, _) = ConsoleSession::begin(SignedIn::ApiKey("abcdefgh".into()), 0);
        assert!(!session.needs_touch(TOUCH_AFTER_MS - 1));
        assert!(session.needs_touch(TOUCH_AFTER_MS));
        assert_eq!(session.cookie_seconds(0), 12 * 3_600);
    }

    #[test]
    fn each_session_has_its_own_secret() {
        let (a, _) = ConsoleSession::begin(SignedIn::ApiKey("abcdefgh".into()), 0);
        let (b, _) = ConsoleSession::begin(SignedIn::ApiKey("abcdefgh".into()), 0);
        assert_ne!(a.id, b.id);
    }
}
