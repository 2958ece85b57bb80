//! Memory of the Digest responses already used, so that a captured request cannot be sent
//! again while its nonce lives. In-process for SQLite (one server per database file); the
//! PostgreSQL store keeps them in a table every replica sees.

use std::collections::HashMap;
use std::sync::Mutex;

/// Used (nonce, nc, cnonce) triples and when each can be forgotten.
#[derive(Default)]
pub struct ReplayMemory {
    used: Mutex<HashMap<(String, String, String), i64>>,
}

/// Sweep expired entries once the memory holds this many.
const SWEEP_ABOVE: usize = 100_000;

impl ReplayMemory {
    /// Records a use; `false` if the same triple was used before and has not expired.
    pub fn claim(&self, nonce: &str, nc: &str, cnonce: &str, expires_ms: i64, now_ms: i64) -> bool {
        let mut used = self.used.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if used.len() > SWEEP_ABOVE {
            used.retain(|_, expires| *expires > now_ms);
        }
        let key = (nonce.to_owned(), nc.to_ascii_lowercase(), cnonce.to_owned());
        match used.get(&key) {
            Some(expires) if *expires > now_ms => false,
            _ => {
                used.insert(key, expires_ms);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_triple_is_claimed_once_until_it_expires() {
        let memory = ReplayMemory::default();
        assert!(memory.claim("n", "00000001", "c", 1_000, 0));
        assert!(!memory.claim("n", "00000001", "c", 1_000, 10));
        assert!(memory.claim("n", "00000002", "c", 1_000, 10), "another nc is another request");
        assert!(memory.claim("n", "00000001", "c", 3_000, 1_000), "expired entries may be used again");
    }
}
