//! `Authorization: Bearer` with a service account's access token. The signature and expiry
//! are checked here, without the database; then the database says whether the account, the
//! secret the token was minted with, and the token itself still stand, so a revocation or a
//! deletion acts at once on every replica. The token is never logged.

use crate::crypto::tokens::TokenError;
use crate::domain::api_key::ApiKey;
use crate::http::AppState;
use crate::store::{StoreError, now_ms};

/// Why a token was refused.
#[derive(Debug)]
pub enum Refusal {
    /// Its signature, form or time.
    Token(TokenError),
    /// Revoked, or its secret or account deleted or expired.
    Withdrawn,
    /// The database could not say.
    Store(StoreError),
}

impl Refusal {
    /// The reason as a metric label.
    pub fn label(&self) -> &'static str {
        match self {
            Refusal::Token(_) => "invalid_token",
            Refusal::Withdrawn => "withdrawn",
            Refusal::Store(_) => "unavailable",
        }
    }

    /// The reason in words, for the log and `error_description`.
    pub fn reason(&self) -> String {
        match self {
            Refusal::Token(error) => error.to_string(),
            Refusal::Withdrawn => {
                "the token was revoked, or its secret or service account was deleted or has expired".into()
            }
            Refusal::Store(error) => error.to_string(),
        }
    }
}

/// The token of an `Authorization: Bearer` value, if that is its scheme.
pub fn bearer_token(authorization: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(authorization).ok()?;
    let (scheme, token) = text.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The key the token's service account acts as.
pub async fn verify(state: &AppState, token: &str) -> Result<ApiKey, Refusal> {
    let now = now_ms();
    let claims = state.tokens.verify(token, now / 1_000).map_err(Refusal::Token)?;
    let account = state
        .store
        .token_account(claims.account, claims.secret, claims.token, now)
        .await
        .map_err(Refusal::Store)?
        .ok_or(Refusal::Withdrawn)?;
    Ok(account.as_caller())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_bearer_scheme_gives_a_token() {
        assert_eq!(bearer_token(b"Bearer abc.def.ghi"), Some("abc.def.ghi"));
        assert_eq!(bearer_token(b"bearer  abc "), Some("abc"));
        assert_eq!(bearer_token(b"Digest username=\"x\""), None);
        assert_eq!(bearer_token(b"Bearer"), None);
    }
}
