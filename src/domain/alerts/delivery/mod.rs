//! What a notification carries to its destination, decided when it is planned (in the same
//! transaction as the alert change that makes it due): where it goes, its headers and body
//! (the alert as it was at that moment, in the destination's own format), and how the
//! destination's answer is read. Sealed at rest: it holds the destination's credentials.
//!
//! Each destination's format has a file of its own; [`prepare`] picks one by notification type.

mod datadog;
mod email;
mod message;
mod ops_genie;
mod pager_duty;
pub mod preview;
mod routes;
mod slack;
mod teams;
pub mod template;
pub mod vendor;
mod victor_ops;
mod webhook;

use serde::{Deserialize, Serialize};

pub use email::{Email, SMTP_DESTINATION};
pub use message::{API_PREFIXES, Message, Severity, measured, origin_of};
pub use routes::{Route, Settings, integration_settings, route_of};
pub use slack::is_transient_slack_error;
pub use vendor::Vendor;
pub use webhook::webhook_body;

/// The events a notification tells of, as `X-MMS-Event` names them.
pub mod event {
    /// The alert opened.
    pub const OPEN: &str = "alert.open";
    /// The alert is still open (a repeat).
    pub const UPDATE: &str = "alert.update";
    /// Someone acknowledged it.
    pub const ACKNOWLEDGE: &str = "alert.acknowledge";
    /// It closed.
    pub const CLOSE: &str = "alert.close";
    /// A point-in-time notice (the integration test).
    pub const INFORM: &str = "alert.inform";
}

/// How a destination's answer is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// Any 2xx is success.
    #[default]
    Status,
    /// Slack's Web API: a 2xx whose JSON says `"ok": true`; `"ok": false` names the error.
    SlackOk,
}

/// A service whose origin depends on its region (and may be overridden by the operator).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorOrigin {
    /// The service.
    pub vendor: Vendor,
    /// The integration's region (`US`, `EU`, …; empty where the service has none).
    pub region: String,
}

/// A notification ready to send: always a `POST`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// An absolute URL or, with `vendor`, a path (and query) under the vendor's origin.
    pub url: String,
    /// The service whose origin `url` is under, if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<VendorOrigin>,
    /// Headers besides `User-Agent` (credentials among them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// The body, exactly as sent (a webhook's signature is over these bytes).
    pub body: String,
    /// How the answer is read.
    #[serde(default)]
    pub answer: Answer,
    /// A webhook's signing secret (`X-MMS-Signature`), if one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// A webhook's event (`X-MMS-Event`); empty for other destinations.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub event: String,
    /// What planning had to say (a template that gave way to the default), kept in the
    /// notification log rather than in what is sent.
    #[serde(skip)]
    pub note: Option<String>,
    /// An email, sent over SMTP rather than POSTed (`url` is then `mailto:` its recipient).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
}

impl Delivery {
    /// A JSON `POST` to a service's `path`, with `headers` besides the content type.
    fn to_vendor(
        vendor: Vendor,
        region: &str,
        path: String,
        headers: Vec<(String, String)>,
        body: String,
    ) -> Self {
        let mut all = vec![("content-type".to_owned(), "application/json".to_owned())];
        all.extend(headers);
        Delivery {
            url: path,
            vendor: Some(VendorOrigin { vendor, region: region.to_owned() }),
            headers: all,
            body,
            answer: Answer::Status,
            secret: None,
            event: String::new(),
            note: None,
            email: None,
        }
    }

    /// Sets header `name` (lower case), replacing any value it had.
    fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(given, _)| given != name);
        self.headers.push((name.to_owned(), value.to_owned()));
    }

    /// Whether this is a webhook (Atlas's `X-MMS-*` headers and the Standard Webhooks ones):
    /// only webhooks name their event.
    pub fn is_webhook(&self) -> bool {
        !self.event.is_empty()
    }

    /// Where this goes, as the worker shares its slots out: a service's API and region
    /// (`pagerduty/EU`), or a URL's origin (`https://hooks.example.com:443`). Every project
    /// sending to one place shares that place's share.
    pub fn destination(&self) -> String {
        if self.email.is_some() {
            return SMTP_DESTINATION.to_owned();
        }
        match &self.vendor {
            Some(origin) => format!("{}/{}", origin.vendor.name(), origin.region),
            None => match url::Url::parse(&self.url) {
                Ok(url) => {
                    let port = url.port_or_known_default().map(|p| format!(":{p}")).unwrap_or_default();
                    format!("{}://{}{port}", url.scheme(), url.host_str().unwrap_or_default())
                }
                Err(_) => String::new(),
            },
        }
    }

    /// A JSON `POST` to a user-given URL.
    fn to_url(url: String, body: String) -> Self {
        Delivery {
            url,
            vendor: None,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body,
            answer: Answer::Status,
            secret: None,
            event: String::new(),
            note: None,
            email: None,
        }
    }
}

/// The delivery of `message` through a notification of `type_name` with `settings` (named
/// as the project integration names them), or why there is none.
pub fn prepare(type_name: &str, message: &Message, settings: &Settings) -> Result<Delivery, String> {
    match type_name {
        "WEBHOOK" => webhook::prepare(message, settings),
        "PAGER_DUTY" => pager_duty::prepare(message, settings),
        "SLACK" => slack::prepare(message, settings),
        "DATADOG" => datadog::prepare(message, settings),
        "OPS_GENIE" => ops_genie::prepare(message, settings),
        "VICTOR_OPS" => victor_ops::prepare(message, settings),
        "MICROSOFT_TEAMS" => teams::prepare(message, settings),
        "EMAIL" => email::prepare(message, settings),
        "HIP_CHAT" => Err("HipChat ended its service in 2019; nothing is sent".to_owned()),
        other => Err(format!("this server does not send {other} notifications")),
    }
}

/// The value of `name` in `settings`, or why the notification cannot go.
fn required<'s>(settings: &'s Settings, name: &str, type_name: &str) -> Result<&'s str, String> {
    settings.get(name).map(String::as_str).filter(|value| !value.is_empty()).ok_or_else(|| {
        format!("no {name}: neither the notification nor the project's {type_name} integration has one")
    })
}

#[cfg(test)]
mod tests;
