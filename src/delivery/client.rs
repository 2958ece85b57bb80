//! The one HTTP client that sends notifications: no redirects followed, 5 s to connect and
//! 15 s in all (by default), at most 64 KiB of an answer read, every address checked by the
//! guard (services' hosts as much as user URLs), TLS verified against the system's roots.
//! It reads each answer as its destination means it (Slack's `"ok": false` is a refusal).
//! Emails go to the SMTP transport instead, when one is set up.

use reqwest::Client;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use rustls::ClientConfig;

use super::endpoints::Endpoints;
use super::guard::{GuardRefusal, GuardedResolver, is_public, refusal};
use super::mail::Mailer;
use super::retry::Outcome;
use super::settings::DeliverySettings;
use super::webhook;
use crate::domain::alerts::delivery::{Answer, Delivery, is_transient_slack_error};

/// How much of an answer is read.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// What a receiver answered, or why it could not.
#[derive(Clone, Debug)]
pub struct Sent {
    /// For the retry policy.
    pub outcome: Outcome,
    /// The status, if there was an answer.
    pub status: Option<u16>,
    /// What went wrong, in words (an error, or the start of a failed answer).
    pub error: Option<String>,
}

/// Sends notifications.
#[derive(Clone)]
pub struct Sender {
    client: Client,
    allow_private: bool,
    endpoints: std::sync::Arc<Endpoints>,
    /// Behind an `Arc`: every request clones the application state, and this sender with it.
    mailer: Option<std::sync::Arc<Mailer>>,
}

/// Why an email was not sent when no SMTP server is set up.
pub const NO_SMTP: &str = "no SMTP server is configured, so EMAIL notifications are not sent: start serve with --smtp-url and --smtp-from";

/// Makes ring the process's TLS provider (the HTTP client looks for one when it is built,
/// even with a configuration of its own); calling it again changes nothing.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn tls_config() -> ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(certificate);
    }
    ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

impl Sender {
    /// A sender as `settings` say: the address guard, the timeouts, the services' origins.
    pub fn new(settings: &DeliverySettings) -> Result<Sender, String> {
        let allow_private = settings.allow_private_targets;
        let (connect_timeout, timeout) = (settings.connect_timeout, settings.attempt_timeout);
        install_crypto_provider();
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .no_proxy()
            .dns_resolver(GuardedResolver { allow_private }.shared())
            .tls_backend_preconfigured(tls_config())
            .user_agent(concat!("atlas-integrations/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let mailer = match &settings.smtp {
            Some(smtp) => Some(std::sync::Arc::new(Mailer::new(smtp, timeout)?)),
            None => None,
        };
        Ok(Sender {
            client,
            allow_private,
            endpoints: std::sync::Arc::new(settings.endpoints.clone()),
            mailer,
        })
    }

    /// The mailer, if an SMTP server is set up.
    pub fn mailer(&self) -> Option<&Mailer> {
        self.mailer.as_deref()
    }

    /// Sends `delivery` as the message `id` (a webhook's `webhook-id`, the same on every
    /// attempt) and reads the answer as its destination means it.
    pub async fn send(&self, delivery: &Delivery, id: &str) -> Sent {
        if let Some(email) = &delivery.email {
            return match &self.mailer {
                Some(mailer) => mailer.send(email, id).await,
                None => Sent { outcome: Outcome::NotSent, status: None, error: Some(NO_SMTP.to_owned()) },
            };
        }
        let url = match &delivery.vendor {
            Some(target) => self.endpoints.url(target, &delivery.url),
            None => delivery.url.clone(),
        };
        let attempt = webhook::Attempt { id, timestamp: time::OffsetDateTime::now_utc().unix_timestamp() };
        let headers = webhook::headers(delivery, attempt);
        let (sent, answer) = self.post(&url, &headers, delivery.body.clone().into_bytes()).await;
        match delivery.answer {
            Answer::SlackOk if sent.error.is_none() => slack_verdict(sent, &answer),
            _ => sent,
        }
    }

    /// POSTs `body` to `url` with `headers`; what came back, and the start of the answer.
    async fn post(&self, url: &str, headers: &[(String, String)], body: Vec<u8>) -> (Sent, String) {
        let failed = |outcome: Outcome, error: String| {
            (Sent { outcome, status: None, error: Some(error) }, String::new())
        };
        let parsed = match url::Url::parse(url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => parsed,
            _ => {
                return failed(Outcome::Undeliverable, "the URL is not an absolute http or https URL".into());
            }
        };
        // A literal address never reaches the resolver: check it here.
        let literal = match parsed.host() {
            Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
            _ => None,
        };
        if let Some(ip) = literal.filter(|ip| !self.allow_private && !is_public(*ip)) {
            return failed(Outcome::Undeliverable, refusal(&ip.to_string()));
        }
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            if let (Ok(name), Ok(value)) =
                (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str()))
            {
                map.insert(name, value);
            }
        }
        let response = match self.client.post(parsed).headers(map).body(body).send().await {
            Ok(response) => response,
            Err(error) => {
                let outcome = match refused_by_guard(&error) {
                    true => Outcome::Undeliverable,
                    false => Outcome::NoAnswer,
                };
                return failed(outcome, describe(&error.without_url()));
            }
        };
        let status = response.status().as_u16();
        let retry_after_secs = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let answer = read_some(response).await;
        let error = (!(200..300).contains(&status)).then(|| {
            let start: String = answer.chars().take(200).collect();
            format!("the receiver answered {status}: {start}")
        });
        (
            Sent { outcome: Outcome::Answered { status, retry_after_secs }, status: Some(status), error },
            answer,
        )
    }
}

/// Slack's verdict on a 2xx: `"ok": true` is delivered; `"ok": false` names its error,
/// tried again only when the trouble is Slack's own.
fn slack_verdict(sent: Sent, answer: &str) -> Sent {
    let said: serde_json::Value = serde_json::from_str(answer).unwrap_or_default();
    if said["ok"] == serde_json::Value::Bool(true) {
        return sent;
    }
    let code = said["error"].as_str().unwrap_or("no ok:true in the answer");
    let permanent = !is_transient_slack_error(code);
    Sent {
        outcome: Outcome::Declined { permanent },
        status: sent.status,
        error: Some(format!("Slack refused the message: {code}")),
    }
}

/// At most [`MAX_ANSWER_BYTES`] of the answer, as text.
async fn read_some(mut response: reqwest::Response) -> String {
    let mut read = Vec::new();
    while read.len() < MAX_ANSWER_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                read.extend_from_slice(&chunk[..chunk.len().min(MAX_ANSWER_BYTES - read.len())])
            }
            _ => break,
        }
    }
    String::from_utf8_lossy(&read).into_owned()
}

/// Whether the address guard refused the target somewhere in `error`'s causes.
fn refused_by_guard(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if cause.downcast_ref::<GuardRefusal>().is_some() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// An error in words, with each cause that adds something (a client's own message alone
/// says little): what both the HTTP client and the SMTP transport report.
pub fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
