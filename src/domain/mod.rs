//! The domain of the service: projects, API keys and the eleven integration types, with
//! their validation, merging and masking. Pure code: it knows nothing of HTTP or SQL.

pub mod access_list;
pub mod alerts;
pub mod api_key;
pub mod console_session;
pub mod dates;
pub mod event;
pub mod ids;
pub mod integration;
pub mod project;
pub mod project_options;
pub mod secret;
pub mod service_account;
