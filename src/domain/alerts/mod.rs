//! Alert configurations as Atlas's API has them: the kinds of configuration and their event
//! types (from the spec), matchers, thresholds and notifications, each checked when saved.

pub mod alert;
pub mod catalog;
pub mod config;
pub mod defaults;
pub mod delivery;
pub mod families;
pub mod family;
pub mod matcher;
pub mod notification;
pub mod notification_types;
pub use notification_types::known_type_name;
pub mod observation;
pub mod outbox;
pub mod report;
pub mod stats;
pub mod threshold;
