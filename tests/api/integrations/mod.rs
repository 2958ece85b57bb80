//! The life cycle of integrations through the five operations.

mod bodies;
mod lifecycle;
mod update;
