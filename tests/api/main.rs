//! HTTP tests of the whole application: each starts the real server on `127.0.0.1:0` and
//! talks to it as Atlas's clients do, with HTTP Digest.

mod access;
mod access_list;
mod alert_configs;
mod alerts;
mod auth;
mod cli;
mod concurrency;
mod connections;
mod console;
mod contract;
mod copy;
mod curl;
mod delivery;
mod delivery_crash;
mod durability;
mod errors;
mod events;
mod helpers;
mod hostile_clients;
mod integrations;
mod limits;
mod outage;
mod presentation;
mod prometheus;
mod readiness;
mod recorded;
mod replicas;
mod rotation;
mod service_accounts;
mod service_accounts_api;
mod sigkill;
mod telemetry;
mod tls;
mod vendors;
