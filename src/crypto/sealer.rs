//! Sealing values at rest with XChaCha20-Poly1305. A sealed blob is
//! `version (1) ‖ key id (4) ‖ nonce (24) ‖ ciphertext and tag`; the associated data binds it
//! to where it is stored (row and purpose), so a blob moved elsewhere does not open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use super::MasterKey;
use super::opened::{OpenedMemo, memo_key};

const VERSION: u8 = 1;
const HEADER: usize = 1 + 4 + 24;

/// A sealed value could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// Too short, or of an unknown format version.
    #[error("the sealed value is malformed")]
    Malformed,
    /// Sealed under another master key.
    #[error(
        "the sealed value was sealed under another secret key (key id {0}); start with the key file it was written with"
    )]
    OtherKey(String),
    /// The tag does not verify: altered, or moved from where it was sealed.
    #[error("the sealed value does not verify: it was altered or moved")]
    Forged,
}

struct SealingKey {
    cipher: XChaCha20Poly1305,
    id: [u8; 4],
}

impl SealingKey {
    fn new(master: &MasterKey) -> Self {
        let key = master.derive("seal");
        let cipher = XChaCha20Poly1305::new_from_slice(key.as_ref()).expect("a 32-byte key");
        SealingKey { cipher, id: master.id() }
    }
}

/// Seals under the active master key's sealing subkey, and opens what that key or any
/// previous key (during a rotation) sealed.
pub struct Sealer {
    active: SealingKey,
    previous: Vec<SealingKey>,
    opened: OpenedMemo,
}

impl Sealer {
    /// A sealer for `master`.
    pub fn new(master: &MasterKey) -> Self {
        Sealer::with_previous(master, &[])
    }

    /// A sealer that also opens what `previous` keys sealed (while a rotation runs).
    pub fn with_previous(master: &MasterKey, previous: &[MasterKey]) -> Self {
        Sealer {
            active: SealingKey::new(master),
            previous: previous.iter().map(SealingKey::new).collect(),
            opened: OpenedMemo::default(),
        }
    }

    /// Whether the key with this id (hex, as [`SealError::OtherKey`] names it) is the active
    /// key or a previous one.
    pub fn knows_key(&self, id: &str) -> bool {
        std::iter::once(&self.active).chain(&self.previous).any(|key| hex::encode(key.id) == id)
    }

    /// The active key's id, in hex.
    pub fn active_key_id(&self) -> String {
        hex::encode(self.active.id)
    }

    /// Whether `sealed` was sealed under the active key (a rotation leaves it alone).
    pub fn is_current(&self, sealed: &[u8]) -> bool {
        sealed.get(1..5) == Some(&self.active.id[..])
    }

    /// Seals `plain`, bound to `context`.
    pub fn seal(&self, plain: &[u8], context: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).expect("the operating system's random source failed");
        let sealed = self
            .active
            .cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad: context })
            .expect("XChaCha20-Poly1305 seals any message of this service's sizes");
        let mut out = Vec::with_capacity(HEADER + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&self.active.id);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a value sealed by [`Sealer::seal`] with the same `context` (or remembers having
    /// opened exactly these bytes in this context before).
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let key = memo_key(sealed, context);
        if let Some(plain) = self.opened.get(&key) {
            return Ok(plain);
        }
        let plain = self.decrypt(sealed, context)?;
        self.opened.remember(key, &plain);
        Ok(plain)
    }

    fn decrypt(&self, sealed: &[u8], context: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
        if sealed.len() < HEADER || sealed[0] != VERSION {
            return Err(SealError::Malformed);
        }
        let key = std::iter::once(&self.active)
            .chain(&self.previous)
            .find(|key| sealed[1..5] == key.id)
            .ok_or_else(|| SealError::OtherKey(hex::encode(&sealed[1..5])))?;
        let nonce = XNonce::try_from(&sealed[5..HEADER]).map_err(|_| SealError::Malformed)?;
        key.cipher
            .decrypt(&nonce, Payload { msg: &sealed[HEADER..], aad: context })
            .map(Zeroizing::new)
            .map_err(|_| SealError::Forged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_in_its_own_context() {
        let sealer = Sealer::new(&MasterKey::generate());
        let sealed = sealer.seal(b"xoxb-token", b"row-1");
        assert_eq!(sealer.open(&sealed, b"row-1").unwrap().as_slice(), b"xoxb-token");
        assert!(matches!(sealer.open(&sealed, b"row-2"), Err(SealError::Forged)), "even once remembered");
        assert_eq!(sealer.open(&sealed, b"row-1").unwrap().as_slice(), b"xoxb-token", "again, from memory");
        assert!(!sealed.windows(10).any(|w| w == b"xoxb-token"));
    }

    #[test]
    fn during_a_rotation_both_keys_open_and_only_the_new_one_seals() {
        let (old, new) = (MasterKey::generate(), MasterKey::generate());
        let before = Sealer::new(&old).seal(b"value", b"ctx");
        let rotating = Sealer::with_previous(&new, &[old]);
        assert_eq!(rotating.open(&before, b"ctx").unwrap().as_slice(), b"value");
        assert!(!rotating.is_current(&before));
        let after = rotating.seal(b"value", b"ctx");
        assert!(rotating.is_current(&after));
        assert!(Sealer::new(&new).open(&after, b"ctx").is_ok());
    }

    #[test]
    fn another_key_and_tampering_are_detected() {
        let sealer = Sealer::new(&MasterKey::generate());
        let mut sealed = sealer.seal(b"value", b"ctx");
        assert!(sealer.open(&sealed, b"ctx").is_ok(), "opened once, so remembered");
        let stranger = Sealer::new(&MasterKey::generate());
        assert!(matches!(stranger.open(&sealed, b"ctx"), Err(SealError::OtherKey(_))));
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(matches!(sealer.open(&sealed, b"ctx"), Err(SealError::Forged)));
        assert!(matches!(sealer.open(&sealed[..10], b"ctx"), Err(SealError::Malformed)));
    }
}
