//! The one HTTP client that sends notifications: no redirects followed, 5 s to connect and
//! 15 s in all (by default), at most 64 KiB of an answer read, every address checked by the guard, TLS
//! verified against the system's roots.

use std::time::Duration;

use reqwest::Client;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use rustls::ClientConfig;

use super::guard::{GuardedResolver, is_public, refusal};
use super::retry::Outcome;

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
}

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
    /// A sender; `allow_private` lifts the address guard.
    pub fn new(allow_private: bool, connect_timeout: Duration, timeout: Duration) -> Result<Sender, String> {
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
        Ok(Sender { client, allow_private })
    }

    /// POSTs `body` to `url` with `headers`.
    pub async fn post(&self, url: &str, headers: &[(&str, String)], body: Vec<u8>) -> Sent {
        let no_answer = |error: String| Sent { outcome: Outcome::NoAnswer, status: None, error: Some(error) };
        let parsed = match url::Url::parse(url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => parsed,
            _ => return no_answer("the URL is not an absolute http or https URL".into()),
        };
        // A literal address never reaches the resolver: check it here.
        let literal = match parsed.host() {
            Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
            _ => None,
        };
        if let Some(ip) = literal.filter(|ip| !self.allow_private && !is_public(*ip)) {
            return no_answer(refusal(&ip.to_string()));
        }
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            if let (Ok(name), Ok(value)) =
                (HeaderName::try_from(*name), HeaderValue::try_from(value.as_str()))
            {
                map.insert(name, value);
            }
        }
        let response = match self.client.post(parsed).headers(map).body(body).send().await {
            Ok(response) => response,
            Err(error) => return no_answer(describe(&error.without_url())),
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
        Sent { outcome: Outcome::Answered { status, retry_after_secs }, status: Some(status), error }
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

/// An error in words, with its causes (reqwest's own message alone says little).
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
