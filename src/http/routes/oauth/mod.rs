//! The OAuth 2.0 endpoints of service accounts, where Atlas has them (outside the API
//! mounts): `POST /api/oauth/token` (client credentials, RFC 6749 §4.4) and
//! `POST /api/oauth/revoke` (RFC 7009). Answers and errors in OAuth's shape, not Atlas's
//! envelope, as OAuth clients expect.

mod checking;
pub(crate) mod client;
pub(crate) mod error;
mod revoke;
mod token;

use axum::Router;
use axum::routing::post;

use crate::http::AppState;

/// The token and revocation routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/oauth/token", post(token::token))
        .route("/api/oauth/revoke", post(revoke::revoke))
}
