//! Service accounts' access tokens: compact JWTs (HS256) under a key derived from the master
//! key, so any replica checks a token's signature and expiry alone. What only the database
//! knows (a revocation, a deleted secret or account) the caller checks afterwards; tokens
//! are never stored. Tokens signed under a previous master key (during a rotation) still
//! verify.
//!
//! A client sends the same token with every request for up to an hour, so the signer
//! remembers the tokens it has verified (only those, so a flood of forged ones fills
//! nothing): a token seen before costs one map lookup instead of an HMAC and a JSON parse.
//! Expiry is checked on every use.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::domain::ids::ObjectId;
use crate::domain::service_account::{client_id_of, parse_client_id};

/// The issuer every token names.
const ISSUER: &str = "atlas-integrations";
/// `{"alg":"HS256","typ":"JWT"}`, encoded: the only header this service signs or accepts.
const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// What a token says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claims {
    /// The service account (its client id's hex digits).
    pub account: ObjectId,
    /// The secret it was minted with.
    pub secret: ObjectId,
    /// The token's own id (what revocation names).
    pub token: ObjectId,
    /// When it was minted (seconds since the epoch).
    pub issued_s: i64,
    /// When it stops working.
    pub expires_s: i64,
}

#[derive(Serialize, Deserialize)]
struct Payload {
    iss: String,
    sub: String,
    sid: String,
    jti: String,
    iat: i64,
    exp: i64,
}

/// Why a token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// It is not a token of this service's form.
    #[error("the token is malformed")]
    Malformed,
    /// Its signature is not this service's.
    #[error("the token's signature is not valid")]
    Forged,
    /// Its time is over.
    #[error("the token has expired")]
    Expired,
}

/// Tokens remembered as verified at most; past it, memory starts again empty.
const MOST_REMEMBERED: usize = 4_096;

/// Mints and checks tokens.
pub struct TokenSigner {
    keys: Vec<Hmac<Sha256>>,
    /// What each token verified so far says, by the whole token.
    verified: Mutex<HashMap<Box<str>, Claims>>,
}

impl TokenSigner {
    /// A signer under `key`, also accepting tokens signed under `previous` keys.
    pub fn new(key: Zeroizing<[u8; 32]>, previous: Vec<Zeroizing<[u8; 32]>>) -> Self {
        let keyed =
            |key: &Zeroizing<[u8; 32]>| Hmac::<Sha256>::new_from_slice(key.as_ref()).expect("any length");
        let keys = std::iter::once(&key).chain(previous.iter()).map(keyed).collect();
        TokenSigner { keys, verified: Mutex::default() }
    }

    /// A signed token saying `claims`.
    pub fn mint(&self, claims: &Claims) -> String {
        let payload = Payload {
            iss: ISSUER.into(),
            sub: client_id_of(claims.account),
            sid: claims.secret.to_string(),
            jti: claims.token.to_string(),
            iat: claims.issued_s,
            exp: claims.expires_s,
        };
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).expect("a payload serialises"));
        let signed = format!("{HEADER}.{body}");
        let mut mac = self.keys[0].clone();
        mac.update(signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    /// What `token` says, if this service signed it and it has not expired at `now_s`.
    pub fn verify(&self, token: &str, now_s: i64) -> Result<Claims, TokenError> {
        let remembered = self.verified().get(token).copied();
        let claims = match remembered {
            Some(claims) => claims,
            None => {
                let claims = self.read_signed(token)?;
                let mut verified = self.verified();
                if verified.len() >= MOST_REMEMBERED {
                    verified.clear();
                }
                verified.insert(token.into(), claims);
                claims
            }
        };
        match now_s < claims.expires_s {
            true => Ok(claims),
            false => Err(TokenError::Expired),
        }
    }

    fn verified(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Claims>> {
        self.verified.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What `token` says, if its signature is this service's and its form and issuer are.
    fn read_signed(&self, token: &str) -> Result<Claims, TokenError> {
        let mut parts = token.split('.');
        let (Some(header), Some(body), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        if header != HEADER {
            return Err(TokenError::Malformed);
        }
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| TokenError::Malformed)?;
        let signed = &token[..header.len() + 1 + body.len()];
        let genuine = self.keys.iter().any(|key| {
            let mut mac = key.clone();
            mac.update(signed.as_bytes());
            mac.verify_slice(&signature).is_ok()
        });
        if !genuine {
            return Err(TokenError::Forged);
        }
        let payload: Payload = URL_SAFE_NO_PAD
            .decode(body)
            .ok()
            .and_then(|json| serde_json::from_slice(&json).ok())
            .ok_or(TokenError::Malformed)?;
        if payload.iss != ISSUER {
            return Err(TokenError::Malformed);
        }
        Ok(Claims {
            account: parse_client_id(&payload.sub).ok_or(TokenError::Malformed)?,
            secret: ObjectId::parse(&payload.sid).ok_or(TokenError::Malformed)?,
            token: ObjectId::parse(&payload.jti).ok_or(TokenError::Malformed)?,
            issued_s: payload.iat,
            expires_s: payload.exp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Zeroizing<[u8; 32]> {
        Zeroizing::new([byte; 32])
    }

    fn claims() -> Claims {
        Claims {
            account: ObjectId::generate(),
            secret: ObjectId::generate(),
            token: ObjectId::generate(),
            issued_s: 1_000,
            expires_s: 4_600,
        }
    }

    #[test]
    fn a_minted_token_verifies_until_it_expires() {
        let signer = TokenSigner::new(key(1), vec![]);
        let claims = claims();
        let token = signer.mint(&claims);
        assert!(token.starts_with("eyJ"), "{token}");
        assert_eq!(signer.verify(&token, 4_599), Ok(claims));
        assert_eq!(signer.verify(&token, 4_600), Err(TokenError::Expired));
    }

    #[test]
    fn another_key_or_a_changed_byte_is_refused() {
        let token = TokenSigner::new(key(1), vec![]).mint(&claims());
        assert_eq!(TokenSigner::new(key(2), vec![]).verify(&token, 0), Err(TokenError::Forged));
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let (header, body) = signed.split_once('.').unwrap();
        let mut payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).unwrap()).unwrap();
        payload["exp"] = serde_json::json!(i64::MAX);
        let longer = URL_SAFE_NO_PAD.encode(payload.to_string());
        let forged = format!("{header}.{longer}.{signature}");
        assert_eq!(TokenSigner::new(key(1), vec![]).verify(&forged, 0), Err(TokenError::Forged));
        let none_alg = format!("eyJhbGciOiJub25lIn0.{body}.");
        assert_eq!(TokenSigner::new(key(1), vec![]).verify(&none_alg, 0), Err(TokenError::Malformed));
        assert_eq!(TokenSigner::new(key(1), vec![]).verify("abc", 0), Err(TokenError::Malformed));
    }

    #[test]
    fn a_remembered_token_still_expires_and_a_changed_copy_of_it_is_still_refused() {
        let signer = TokenSigner::new(key(1), vec![]);
        let claims = claims();
        let token = signer.mint(&claims);
        assert_eq!(signer.verify(&token, 0), Ok(claims));
        assert_eq!(signer.verified().len(), 1, "remembered once verified");
        assert_eq!(signer.verify(&token, 4_599), Ok(claims));
        assert_eq!(signer.verify(&token, 4_600), Err(TokenError::Expired), "expiry holds from memory");
        let other = if token.ends_with('A') { 'B' } else { 'A' };
        let changed = format!("{}{other}", &token[..token.len() - 1]);
        assert_ne!(signer.verify(&changed, 0), Ok(claims));
        assert_eq!(signer.verified().len(), 1, "a refused token is not remembered");
    }

    #[test]
    fn tokens_of_the_previous_key_verify_during_a_rotation() {
        let token = TokenSigner::new(key(1), vec![]).mint(&claims());
        assert!(TokenSigner::new(key(2), vec![key(1)]).verify(&token, 0).is_ok());
    }
}
