//! Tokens that prove a form came from a page this server rendered for this session: an HMAC
//! of the session's id (or, before sign-in, of the sign-in cookie) under a key derived from
//! the master key, so every replica computes the same token and none is stored.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Computes and checks form tokens.
pub struct CsrfKey(Zeroizing<[u8; 32]>);

impl CsrfKey {
    /// A key from derived key material.
    pub fn new(key: Zeroizing<[u8; 32]>) -> Self {
        CsrfKey(key)
    }

    /// The token of forms bound to `binding` (a session's id, or a sign-in cookie).
    pub fn token(&self, purpose: &str, binding: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.0.as_ref()).expect("any key length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(binding.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `sent` is the token of `binding`, compared in constant time.
    pub fn accepts(&self, purpose: &str, binding: &str, sent: Option<&str>) -> bool {
        let expected = self.token(purpose, binding);
        sent.is_some_and(|sent| bool::from(expected.as_bytes().ct_eq(sent.as_bytes())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_accepted_only_for_its_binding_and_purpose() {
        let key = CsrfKey::new(Zeroizing::new([7; 32]));
        let token = key.token("session", "abc");
        assert!(key.accepts("session", "abc", Some(&token)));
        assert!(!key.accepts("session", "abd", Some(&token)));
        assert!(!key.accepts("sign-in", "abc", Some(&token)));
        assert!(!key.accepts("session", "abc", None));
        assert!(!key.accepts("session", "abc", Some("")));
    }
}
