//! Plaintexts already opened, remembered by the exact sealed bytes and context they came from.
//!
//! Every request unseals its key's verifier and the integrations it reads, and after the
//! database that is the largest cost of a read (`bench/callgrind.sh`). Each sealing draws a
//! fresh nonce, so the sealed bytes change whenever the value does: a memo keyed by them (and
//! by the context a blob is bound to) is never stale and needs no invalidation, and a blob
//! moved to another row still fails to open. It holds nothing that someone able to read the
//! process's memory lacks, since the master key that opens every row is there too. It is
//! bounded, and emptied when full; plaintexts are zeroized when dropped.

use std::collections::HashMap;
use std::sync::Mutex;

use zeroize::Zeroizing;

/// Plaintexts remembered at most.
const CAPACITY: usize = 4096;

/// Plaintexts by [`memo_key`].
type Entries = HashMap<Box<[u8]>, Zeroizing<Vec<u8>>>;

/// Opened plaintexts by (context, sealed bytes).
#[derive(Default)]
pub struct OpenedMemo {
    entries: Mutex<Entries>,
}

/// The memo's key: the context's length, the context, the sealed bytes (unambiguous).
pub fn memo_key(sealed: &[u8], context: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(4 + context.len() + sealed.len());
    key.extend_from_slice(&(context.len() as u32).to_be_bytes());
    key.extend_from_slice(context);
    key.extend_from_slice(sealed);
    key
}

impl OpenedMemo {
    /// The plaintext remembered for `key`, if any.
    pub fn get(&self, key: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        self.lock().get(key).cloned()
    }

    /// Remembers `plain` for `key`.
    pub fn remember(&self, key: Vec<u8>, plain: &Zeroizing<Vec<u8>>) {
        let mut entries = self.lock();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key.into_boxed_slice(), plain.clone());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tell_context_from_sealed_bytes() {
        assert_ne!(memo_key(b"bc", b"a"), memo_key(b"c", b"ab"));
    }

    #[test]
    fn a_full_memo_starts_again() {
        let memo = OpenedMemo::default();
        let plain = Zeroizing::new(b"secret".to_vec());
        for i in 0..CAPACITY {
            memo.remember(memo_key(&(i as u32).to_be_bytes(), b"ctx"), &plain);
        }
        assert_eq!(memo.len(), CAPACITY);
        memo.remember(memo_key(b"one more", b"ctx"), &plain);
        assert_eq!(memo.len(), 1);
        assert_eq!(
            memo.get(&memo_key(b"one more", b"ctx")).as_deref().map(Vec::as_slice),
            Some(&b"secret"[..])
        );
        assert_eq!(memo.get(&memo_key(b"one more", b"other")), None);
    }
}
