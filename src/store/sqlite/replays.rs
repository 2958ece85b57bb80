//! Memory of the Digest responses already used, so that a captured request cannot be sent
//! again while its nonce lives. In-process for SQLite (one server per database file); the
//! PostgreSQL store keeps them in a table every replica sees.
//!
//! As RFC 7616 has it, a nonce's count `nc` may be used once. Each nonce in use has a
//! window: the highest count seen and which of the 128 counts below it were used, so memory
//! grows with the nonces in use, not with the requests made (a client reusing its nonce
//! costs one entry however many requests it sends). Requests sharing a nonce may arrive out
//! of order by up to 127; a count older than that is refused like a replay, and the client
//! answers the fresh challenge. Expired nonces are forgotten in the order they were first
//! used, a few at each claim, so no claim scans the whole memory.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::sync::Mutex;

/// The counts used with one nonce.
struct Window {
    expires_ms: i64,
    highest: u32,
    /// Bit `i` set: count `highest - i` was used.
    used: u128,
}

const WIDTH: u32 = u128::BITS;

impl Window {
    fn new(nc: u32, expires_ms: i64) -> Self {
        Window { expires_ms, highest: nc, used: 1 }
    }

    /// Marks `nc` used; `false` if it was used before or is too far behind to tell.
    fn claim(&mut self, nc: u32) -> bool {
        if nc > self.highest {
            let ahead = nc - self.highest;
            self.used = if ahead >= WIDTH { 0 } else { self.used << ahead };
            self.used |= 1;
            self.highest = nc;
            return true;
        }
        let behind = self.highest - nc;
        if behind >= WIDTH {
            return false;
        }
        let bit = 1u128 << behind;
        let fresh = self.used & bit == 0;
        self.used |= bit;
        fresh
    }
}

#[derive(Default)]
struct Uses {
    /// Nonces by a keyed hash (a collision between two live nonces is a 2⁻⁶⁴ event).
    windows: HashMap<u64, Window>,
    /// Nonces in the order they were first used, with their expiry, for forgetting.
    order: VecDeque<(i64, u64)>,
}

/// Used (nonce, nc) pairs, per nonce, until the nonce expires.
#[derive(Default)]
pub struct ReplayMemory {
    hasher: RandomState,
    uses: Mutex<Uses>,
}

/// Expired nonces forgotten per claim at most (more than are added, so the memory keeps up).
const FORGET_PER_CLAIM: usize = 8;

impl ReplayMemory {
    /// Records a use of `nc` (hexadecimal) with `nonce`; `false` if that count was used with
    /// that nonce before and the nonce has not expired.
    pub fn claim(&self, nonce: &str, nc: &str, expires_ms: i64, now_ms: i64) -> bool {
        let Ok(nc) = u32::from_str_radix(nc, 16) else { return false };
        let key = self.hasher.hash_one(nonce);
        let mut uses = self.uses.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        uses.forget_expired(now_ms);
        match uses.windows.entry(key) {
            Entry::Occupied(mut entry) if entry.get().expires_ms > now_ms => entry.get_mut().claim(nc),
            Entry::Occupied(mut entry) => {
                entry.insert(Window::new(nc, expires_ms));
                uses.order.push_back((expires_ms, key));
                true
            }
            Entry::Vacant(entry) => {
                entry.insert(Window::new(nc, expires_ms));
                uses.order.push_back((expires_ms, key));
                true
            }
        }
    }

    /// How many nonces are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.uses.lock().unwrap().windows.len()
    }
}

impl Uses {
    fn forget_expired(&mut self, now_ms: i64) {
        for _ in 0..FORGET_PER_CLAIM {
            match self.order.front() {
                Some(&(expires_ms, key)) if expires_ms <= now_ms => {
                    self.order.pop_front();
                    // Only if the entry is that use's (a nonce used again after expiring has a
                    // later entry in the queue).
                    if self.windows.get(&key).is_some_and(|window| window.expires_ms == expires_ms) {
                        self.windows.remove(&key);
                    }
                }
                _ => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_is_claimed_once_per_nonce_until_the_nonce_expires() {
        let memory = ReplayMemory::default();
        assert!(memory.claim("n", "00000001", 1_000, 0));
        assert!(!memory.claim("n", "00000001", 1_000, 10));
        assert!(memory.claim("n", "00000002", 1_000, 10), "another nc is another request");
        assert!(memory.claim("m", "00000001", 1_000, 10), "another nonce is another request");
        assert!(memory.claim("n", "00000001", 3_000, 1_000), "expired entries may be used again");
    }

    #[test]
    fn counts_may_arrive_out_of_order_within_the_window() {
        let memory = ReplayMemory::default();
        for nc in [5, 3, 9, 4, 1, 2, 8, 6, 7] {
            assert!(memory.claim("n", &format!("{nc:08x}"), 1_000, 0), "nc {nc}");
        }
        for nc in 1..=9 {
            assert!(!memory.claim("n", &format!("{nc:08x}"), 1_000, 0), "nc {nc} again");
        }
        assert!(memory.claim("n", "000000c8", 1_000, 0), "200 moves the window");
        assert!(memory.claim("n", "00000049", 1_000, 0), "73 is inside it, unused");
        assert!(!memory.claim("n", "00000048", 1_000, 0), "72 is too far behind to tell");
    }

    #[test]
    fn counts_are_hexadecimal_in_either_case_and_garbage_is_refused() {
        let memory = ReplayMemory::default();
        assert!(memory.claim("n", "0000000a", 1_000, 0));
        assert!(!memory.claim("n", "0000000A", 1_000, 0));
        assert!(!memory.claim("n", "zzzzzzzz", 1_000, 0));
    }

    #[test]
    fn memory_grows_with_nonces_not_requests_and_expired_nonces_are_forgotten() {
        let memory = ReplayMemory::default();
        for nc in 1..=10_000u32 {
            assert!(memory.claim("reused", &format!("{nc:08x}"), 1_000, 0));
        }
        assert_eq!(memory.len(), 1);
        for i in 0..100 {
            memory.claim(&format!("fresh {i}"), "00000001", 2_000, 500);
        }
        assert_eq!(memory.len(), 101);
        for i in 0..20 {
            memory.claim(&format!("later {i}"), "00000001", 9_000, 5_000);
        }
        assert_eq!(memory.len(), 20, "everything that expired by 5,000 ms is gone");
    }
}
