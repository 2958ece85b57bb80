//! Stateless server nonces: `base64(time ‖ random ‖ HMAC tag)`, 24 bytes, 32 characters in
//! the same alphabet as Atlas's. Any replica holding the shared key can check one.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Issue time (4 bytes) and randomness (8): two nonces of the same second are equal with a
/// chance of 2⁻⁶⁴. A count is used once per nonce, so clients must not share one by chance.
const BODY_BYTES: usize = 12;
/// Truncated HMAC-SHA-256: 96 bits to forge blindly.
const TAG_BYTES: usize = 12;

/// What a nonce turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceState {
    /// Issued by a replica of this service and not expired.
    Fresh,
    /// Issued by this service, but older than the time to live.
    Stale,
    /// Not issued by this service.
    Forged,
}

/// Issues and checks nonces.
pub struct NonceSigner {
    /// HMAC already keyed (its key blocks hashed once), cloned for each tag.
    keyed: Hmac<Sha256>,
    ttl_secs: u64,
}

impl NonceSigner {
    /// A signer with `key` whose nonces live `ttl_secs` seconds.
    pub fn new(key: Zeroizing<[u8; 32]>, ttl_secs: u64) -> Self {
        let keyed = Hmac::<Sha256>::new_from_slice(key.as_ref()).expect("HMAC takes any key length");
        NonceSigner { keyed, ttl_secs }
    }

    fn tag(&self, body: &[u8]) -> [u8; TAG_BYTES] {
        let mut mac = self.keyed.clone();
        mac.update(body);
        let full = mac.finalize().into_bytes();
        let mut tag = [0u8; TAG_BYTES];
        tag.copy_from_slice(&full[..TAG_BYTES]);
        tag
    }

    /// A new nonce stamped with `now` (seconds since the epoch).
    pub fn issue(&self, now: u64) -> String {
        let mut raw = [0u8; BODY_BYTES + TAG_BYTES];
        raw[..4].copy_from_slice(&(now as u32).to_be_bytes());
        getrandom::fill(&mut raw[4..BODY_BYTES]).expect("the operating system's random source failed");
        let tag = self.tag(&raw[..BODY_BYTES]);
        raw[BODY_BYTES..].copy_from_slice(&tag);
        STANDARD.encode(raw)
    }

    /// When a nonce issued at the time it carries stops being fresh (seconds since the epoch);
    /// `None` if the nonce is not one of ours.
    pub fn expiry(&self, nonce: &str) -> Option<u64> {
        let raw = STANDARD.decode(nonce).ok()?;
        let issued = u64::from(u32::from_be_bytes(raw.get(..4)?.try_into().ok()?));
        Some(issued + self.ttl_secs)
    }

    /// Checks a nonce a client sent back, at time `now`.
    pub fn check(&self, nonce: &str, now: u64) -> NonceState {
        let Ok(raw) = STANDARD.decode(nonce) else { return NonceState::Forged };
        if raw.len() != BODY_BYTES + TAG_BYTES
            || !bool::from(self.tag(&raw[..BODY_BYTES]).ct_eq(&raw[BODY_BYTES..]))
        {
            return NonceState::Forged;
        }
        let issued = u64::from(u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]));
        // A nonce from the future (clock skew between replicas) counts as fresh.
        if now.saturating_sub(issued) > self.ttl_secs { NonceState::Stale } else { NonceState::Fresh }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(byte: u8) -> NonceSigner {
        NonceSigner::new(Zeroizing::new([byte; 32]), 300)
    }

    #[test]
    fn nonces_have_atlas_shape_and_check_on_another_replica() {
        let nonce = signer(1).issue(1_000_000);
        assert_eq!(nonce.len(), 32);
        assert_eq!(signer(1).check(&nonce, 1_000_010), NonceState::Fresh);
    }

    #[test]
    fn old_nonces_are_stale_and_foreign_ones_forged() {
        let nonce = signer(1).issue(1_000_000);
        assert_eq!(signer(1).check(&nonce, 1_000_301), NonceState::Stale);
        assert_eq!(signer(2).check(&nonce, 1_000_000), NonceState::Forged);
        assert_eq!(signer(1).check("not base64!", 1_000_000), NonceState::Forged);
        let mut tampered = STANDARD.decode(&nonce).unwrap();
        tampered[0] ^= 1;
        assert_eq!(signer(1).check(&STANDARD.encode(tampered), 1_000_000), NonceState::Forged);
    }

    #[test]
    fn nonces_issued_in_the_same_second_do_not_repeat() {
        let signer = signer(1);
        let issued: std::collections::HashSet<String> =
            (0..100_000).map(|_| signer.issue(1_000_000)).collect();
        assert_eq!(issued.len(), 100_000);
    }
}
