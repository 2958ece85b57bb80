//! Length limits shared by the integration types where Atlas publishes none of its own.

use super::spec::{Shape, TextRule};

/// Keys, tokens and account identifiers.
pub const KEY: TextRule = TextRule::any(256);
/// Human-readable names (teams, flows, users, routing keys).
pub const NAME: TextRule = TextRule::any(256);
/// Webhook and Teams URLs.
pub const URL: TextRule = TextRule::shaped(2048, Shape::HttpUrl);
