//! Delivering alert notifications: the worker that drains the outbox, the HTTP client that
//! sends (with its address guard) and the SMTP transport beside it, the services' origins, and the retry policy. Each
//! destination's format is in [`crate::domain::alerts::delivery`].

pub mod client;
pub mod endpoints;
pub mod guard;
pub mod mail;
pub mod retry;
pub mod settings;
pub mod test_alert;
pub mod webhook;
pub mod worker;
