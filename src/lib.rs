//! atlas-integrations: a server for the MongoDB Atlas Administration API's Third-Party
//! Service Integrations resource, wire-compatible with Atlas's own clients.
//!
//! The layers: [`http`] owns the wire (routes, Digest authentication, Atlas's error
//! envelope); [`domain`] holds the rules (integration types, validation, merging, masking);
//! [`store`] keeps everything durably and sealed; [`app`] wires them together, and [`cli`]
//! is the command line of the one binary.

pub mod accounts;
pub mod admin;
pub mod app;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod database;
pub mod delivery;
pub mod domain;
pub mod http;
pub mod store;
pub mod telemetry;
