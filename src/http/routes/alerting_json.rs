//! How alerts and alert configurations are answered, shared by both resources (each links to
//! the other): links under the origin the caller reached and the mount it used.

use serde_json::Value;

use crate::domain::alerts::alert::Alert;
use crate::domain::alerts::config::AlertConfig;
use crate::http::AppState;
use crate::http::extract::SelfLink;
use crate::http::mount::Mount;

/// Where links point: the origin the caller reached and the mount it used.
pub fn links_base(mount: Mount, at: &SelfLink) -> String {
    format!("{}{}", at.origin, mount.prefix())
}

/// What notifications planned now link under: the server's notification origin (never the
/// `Host` a client sent) and `mount`'s prefix.
pub fn notification_base(state: &AppState, mount: Mount) -> String {
    format!("{}{}", state.notifications_origin, mount.prefix())
}

/// An alert as the API shows it, linked under the mount the caller used.
pub fn alert_json(mount: Mount, at: &SelfLink, alert: &Alert) -> Value {
    alert.to_wire(&links_base(mount, at))
}

/// A configuration as the API shows it, linked under the mount the caller used.
pub fn config_json(mount: Mount, at: &SelfLink, config: &AlertConfig) -> Value {
    config.to_wire(&links_base(mount, at))
}
