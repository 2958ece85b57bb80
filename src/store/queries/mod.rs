//! Every statement the store runs, written once for both engines against [`super::sql::Sql`],
//! grouped by what they keep. A function here runs inside whatever transaction its caller
//! holds ([`super::sql::Engine::write`]) or on a reader ([`super::sql::Engine::reader`]).

pub mod account_secrets;
pub mod alert_changes;
pub mod alert_configs;
pub mod alerts;
pub mod console_sessions;
pub mod events;
pub mod integrations;
pub mod keys;
pub mod notifications;
pub mod organizations;
pub mod outbox;
pub mod projects;
pub mod rate_windows;
pub mod server_links;
pub mod service_accounts;
pub mod stats;
pub mod tables;
pub mod upkeep;
