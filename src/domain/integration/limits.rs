//! Length limits shared by the integration types where Atlas publishes none of its own.

use super::spec::{Shape, TextRule};

/// Keys, tokens and account identifiers.
pub const KEY: TextRule = TextRule::any(256);
/// Human-readable names (teams, flows, users, routing keys).
pub const NAME: TextRule = TextRule::any(256);
/// A password Prometheus presents with HTTP Basic: long enough that guessing it through the
/// throttle is hopeless (8 characters, as common password rules ask at least).
pub const PASSWORD: TextRule = TextRule { min_chars: 8, max_chars: 256, shape: super::spec::Shape::Any };
/// Webhook and Teams URLs.
pub const URL: TextRule = TextRule::shaped(2048, Shape::HttpUrl);
