//! Delivering alert notifications: the worker that drains the outbox, the HTTP client that
//! sends (with its address guard), each destination's wire format, and the retry policy.

pub mod client;
pub mod guard;
pub mod retry;
pub mod test_alert;
pub mod webhook;
pub mod worker;
