//! The SMTP transport that sends EMAIL notifications, configured by one URL:
//! `smtp://host:port` upgrades with STARTTLS when the server offers it, `?tls=required`
//! refuses to send without it, `smtps://host:port` is TLS from the first byte. Credentials
//! come from the URL's user info and are only ever sent encrypted (a URL with credentials
//! requires STARTTLS). The server's replies decide the verdict: 4xx is tried again, 5xx is
//! final.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::client::{Sent, describe};
use super::retry::Outcome;
use crate::domain::alerts::delivery::Email;

/// Where and how email is sent, as the operator gave it.
#[derive(Clone)]
pub struct SmtpSettings {
    /// `smtp://[user:password@]host[:port][?tls=required]` or `smtps://…`.
    pub url: String,
    /// The sender (`alerts@example.com` or `Atlas alerts <alerts@example.com>`).
    pub from: String,
    /// Certificate authorities (PEM) trusted besides the system's, for a private server.
    pub ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("server", &describe_url(&self.url))
            .field("from", &self.from)
            .finish()
    }
}

/// How the connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Security {
    /// STARTTLS when offered.
    Opportunistic,
    /// STARTTLS or nothing is sent.
    Required,
    /// TLS from the first byte.
    Wrapper,
}

/// Sends email through one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
}

impl Mailer {
    /// A mailer as `settings` say, each attempt taking at most `timeout`; or what is wrong
    /// with them, in words an operator can act on.
    pub fn new(settings: &SmtpSettings, timeout: Duration) -> Result<Mailer, String> {
        let url = url::Url::parse(&settings.url).map_err(|e| {
            format!("--smtp-url is not a URL ({e}): expected smtp://host:port or smtps://host:port")
        })?;
        let host = url.host_str().filter(|host| !host.is_empty()).ok_or("--smtp-url names no host")?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        let tls_asked = url.query_pairs().find(|(key, _)| key == "tls").map(|(_, value)| value.into_owned());
        let credentials = credentials(&url)?;
        let security = match (url.scheme(), tls_asked.as_deref()) {
            ("smtps", None | Some("required")) => Security::Wrapper,
            ("smtp", Some("required")) => Security::Required,
            ("smtp", None | Some("opportunistic")) if credentials.is_some() => Security::Required,
            ("smtp", None | Some("opportunistic")) => Security::Opportunistic,
            ("smtp" | "smtps", Some(other)) => {
                return Err(format!(
                    "--smtp-url: tls={other} is not known; use tls=required or leave it out"
                ));
            }
            (scheme, _) => return Err(format!("--smtp-url: {scheme}:// is not smtp:// or smtps://")),
        };
        let port = url.port().unwrap_or(match security {
            Security::Wrapper => 465,
            _ => 587,
        });
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| format!("--smtp-from {:?} is not an email address ({e})", settings.from))?;
        let mut tls = TlsParameters::builder(host.clone());
        if let Some(pem) = &settings.ca_pem {
            let certificate = Certificate::from_pem(pem)
                .map_err(|e| format!("--smtp-ca-file holds no PEM certificate ({e})"))?;
            tls = tls.add_root_certificate(certificate);
        }
        let tls = tls.build_rustls().map_err(|e| format!("cannot set up TLS for the SMTP server: {e}"))?;
        let tls = match security {
            Security::Opportunistic => Tls::Opportunistic(tls),
            Security::Required => Tls::Required(tls),
            Security::Wrapper => Tls::Wrapper(tls),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .tls(tls)
            .timeout(Some(timeout))
            .hello_name(ClientId::Domain(from.email.domain().to_owned()));
        if let Some(credentials) = credentials {
            builder = builder.credentials(credentials);
        }
        Ok(Mailer { transport: builder.build(), from, server: describe_url(&settings.url) })
    }

    /// The server, as it can be logged (no credentials).
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Sends `email` as the message `id` (its `Message-ID`, the same on every attempt).
    pub async fn send(&self, email: &Email, id: &str) -> Sent {
        let failed = |outcome: Outcome, error: String| Sent { outcome, status: None, error: Some(error) };
        let to: Address = match email.to.parse() {
            Ok(to) => to,
            Err(e) => {
                return failed(
                    Outcome::Undeliverable,
                    format!("{:?} is not an email address ({e})", email.to),
                );
            }
        };
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(email.subject.as_str())
            .message_id(Some(format!("<{id}@{}>", self.from.email.domain())))
            .multipart(MultiPart::alternative_plain_html(email.text.clone(), email.html.clone()));
        let message = match message {
            Ok(message) => message,
            Err(e) => return failed(Outcome::Undeliverable, format!("the message cannot be built: {e}")),
        };
        match self.transport.send(message).await {
            Ok(response) => {
                Sent { outcome: Outcome::Accepted, status: Some(u16::from(response.code())), error: None }
            }
            Err(error) => {
                let status = error.status().map(u16::from);
                let outcome = match (error.is_permanent(), error.is_transient()) {
                    (true, _) => Outcome::Declined { permanent: true },
                    (_, true) => Outcome::Declined { permanent: false },
                    _ => Outcome::NoAnswer,
                };
                let said = match status {
                    Some(code) => format!("the SMTP server answered {code}: {}", describe(&error)),
                    None => format!(
                        "the SMTP server could not be reached through {}: {}",
                        self.server,
                        describe(&error)
                    ),
                };
                Sent { outcome, status, error: Some(said) }
            }
        }
    }
}

/// The URL's credentials, percent-decoded.
fn credentials(url: &url::Url) -> Result<Option<Credentials>, String> {
    if url.username().is_empty() && url.password().is_none() {
        return Ok(None);
    }
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(text)
            .decode_utf8()
            .map(|decoded| decoded.into_owned())
            .map_err(|_| "--smtp-url: the user name or password is not valid percent-encoded UTF-8")
    };
    Ok(Some(Credentials::new(decode(url.username())?, decode(url.password().unwrap_or(""))?)))
}

/// `url` without its user info, for logs and errors.
pub fn describe_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => "(not a URL)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> SmtpSettings {
        SmtpSettings { url: url.into(), from: "alerts@example.com".into(), ca_pem: None }
    }

    #[test]
    fn credentials_never_show_in_what_is_logged() {
        let described = describe_url("smtp://user:s3cret@mail.example.com:587");
        assert_eq!(described, "smtp://mail.example.com:587");
        assert!(!format!("{:?}", settings("smtp://user:s3cret@mail.example.com")).contains("s3cret"));
    }

    #[test]
    fn bad_urls_and_senders_are_refused_with_what_to_do() {
        let timeout = Duration::from_secs(1);
        let refused = |s: SmtpSettings| Mailer::new(&s, timeout).err().unwrap();
        assert!(refused(settings("http://mail.example.com")).contains("not smtp://"));
        assert!(refused(settings("smtp://mail.example.com?tls=sometimes")).contains("tls=sometimes"));
        let mut bad_from = settings("smtp://mail.example.com");
        bad_from.from = "not an address".into();
        assert!(refused(bad_from).contains("--smtp-from"));
        assert!(Mailer::new(&settings("smtps://u:p%40ss@mail.example.com"), timeout).is_ok());
    }
}
