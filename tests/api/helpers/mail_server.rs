//! An SMTP server for the tests: a real one on 127.0.0.1 that speaks enough of RFC 5321
//! (EHLO, STARTTLS with a certificate the test makes, AUTH PLAIN, MAIL, RCPT, DATA, QUIT)
//! to take a message from any client, keeps every transaction's envelope and bytes, and
//! answers the end of DATA as the test scripts it (250, a 451, a 550).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

/// One transaction, as it arrived.
#[derive(Clone, Debug, Default)]
pub struct Mail {
    /// `MAIL FROM`'s address.
    pub from: String,
    /// Each `RCPT TO`'s address.
    pub to: Vec<String>,
    /// The message, dot-unstuffed, with CRLF line ends.
    pub data: String,
    /// Whether the session was encrypted when the message came.
    pub encrypted: bool,
    /// The `AUTH PLAIN` user and password given, if any.
    pub login: Option<(String, String)>,
    /// What the end of DATA was answered.
    pub reply: u16,
}

impl Mail {
    /// A header's value (the first of that name; folded lines joined).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default().replace("\r\n ", " ");
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
        })
    }

    /// The decoded body of the part whose `Content-Type` starts with `content_type`.
    pub fn part(&self, content_type: &str) -> Option<String> {
        for part in self.data.split("\r\n--") {
            let Some((head, body)) = part.split_once("\r\n\r\n") else { continue };
            let head = head.to_ascii_lowercase();
            if !head.contains(&format!("content-type: {content_type}")) {
                continue;
            }
            let body = body.trim_end_matches("\r\n");
            if head.contains("content-transfer-encoding: base64") {
                let joined: String = body.split("\r\n").collect();
                let bytes = base64::engine::general_purpose::STANDARD.decode(joined).ok()?;
                return String::from_utf8(bytes).ok();
            }
            if head.contains("content-transfer-encoding: quoted-printable") {
                return Some(unquote(body));
            }
            return Some(body.to_owned());
        }
        None
    }
}

/// Quoted-printable decoded (soft line breaks joined, `=XX` bytes restored).
fn unquote(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1..i + 3)) {
            (b'=', Some(hex)) if hex.iter().all(u8::is_ascii_hexdigit) => {
                out.push(u8::from_str_radix(std::str::from_utf8(hex).unwrap(), 16).unwrap());
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How the server secures sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailSecurity {
    /// Plain text; STARTTLS is not offered.
    Plain,
    /// STARTTLS is offered.
    StartTls,
    /// TLS from the first byte (`smtps://`).
    Wrapper,
}

#[derive(Default)]
struct Shared {
    mails: Mutex<Vec<Mail>>,
    /// Replies to the end of DATA, in order; 250 once they run out.
    script: Mutex<VecDeque<u16>>,
}

/// A running SMTP server, stopped when dropped.
pub struct MailServer {
    /// `127.0.0.1:PORT`.
    pub address: String,
    /// The PEM of the certificate it presents (for `--smtp-ca-file`).
    pub ca_pem: Vec<u8>,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl MailServer {
    /// A server on a port of its own, securing sessions as `security` says.
    pub async fn start(security: MailSecurity) -> MailServer {
        let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
        let ca_pem = certified.cert.pem().into_bytes();
        let key = rustls_pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
        let config =
            rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![certified.cert.der().clone()], key)
                .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let shared = Arc::new(Shared::default());
        let state = shared.clone();
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (state, acceptor) = (state.clone(), acceptor.clone());
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(
                        Duration::from_secs(30),
                        session(stream, security, acceptor, state),
                    )
                    .await;
                });
            }
        });
        MailServer { address, ca_pem, shared, server }
    }

    /// Answers the ends of the next DATA commands with `codes`, in order.
    pub fn script(&self, codes: impl IntoIterator<Item = u16>) {
        self.shared.script.lock().unwrap().extend(codes);
    }

    /// Every transaction that reached the end of DATA, accepted or not.
    pub fn mails(&self) -> Vec<Mail> {
        self.shared.mails.lock().unwrap().clone()
    }

    /// Waits (up to `within`) until `count` transactions ended; what arrived.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Mail> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let mails = self.mails();
            if mails.len() >= count || tokio::time::Instant::now() >= deadline {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// What a conversation ended with.
enum Ended {
    /// The client asked for TLS.
    StartTls,
    /// The client quit or went away.
    Done,
}

async fn session(stream: TcpStream, security: MailSecurity, acceptor: TlsAcceptor, shared: Arc<Shared>) {
    if security == MailSecurity::Wrapper {
        let Ok(tls) = acceptor.accept(stream).await else { return };
        let mut tls = BufReader::new(tls);
        let _ = tls.get_mut().write_all(b"220 mail.test ESMTP\r\n").await;
        converse(&mut tls, security, true, &shared).await;
        return;
    }
    let mut plain = BufReader::new(stream);
    let _ = plain.get_mut().write_all(b"220 mail.test ESMTP\r\n").await;
    if let Ended::StartTls = converse(&mut plain, security, false, &shared).await {
        let Ok(tls) = acceptor.accept(plain.into_inner()).await else { return };
        converse(&mut BufReader::new(tls), security, true, &shared).await;
    }
}

async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut BufReader<S>,
    security: MailSecurity,
    encrypted: bool,
    shared: &Shared,
) -> Ended {
    let mut mail = Mail { encrypted, ..Mail::default() };
    let mut login = None;
    loop {
        let mut line = String::new();
        match stream.read_line(&mut line).await {
            Ok(0) | Err(_) => return Ended::Done,
            Ok(_) => {}
        }
        let command = line.trim_end().to_owned();
        let verb = command.split(' ').next().unwrap_or_default().to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" => {
                let mut lines = vec!["250-mail.test".to_owned()];
                if security == MailSecurity::StartTls && !encrypted {
                    lines.push("250-STARTTLS".into());
                }
                if encrypted {
                    lines.push("250-AUTH PLAIN".into());
                }
                lines.push("250 8BITMIME".into());
                lines.join("\r\n")
            }
            "HELO" | "NOOP" => "250 OK".into(),
            "RSET" => {
                mail = Mail { encrypted, ..Mail::default() };
                "250 OK".into()
            }
            "STARTTLS" if security == MailSecurity::StartTls && !encrypted => {
                let _ = stream.get_mut().write_all(b"220 go ahead\r\n").await;
                return Ended::StartTls;
            }
            "AUTH" if encrypted => {
                let given = command.split(' ').nth(2).unwrap_or_default();
                let decoded = base64::engine::general_purpose::STANDARD.decode(given).unwrap_or_default();
                let parts: Vec<String> =
                    decoded.split(|b| *b == 0).map(|p| String::from_utf8_lossy(p).into_owned()).collect();
                login = parts.get(1).zip(parts.get(2)).map(|(u, p)| (u.clone(), p.clone()));
                "235 2.7.0 accepted".into()
            }
            "MAIL" => {
                mail.from = address_in(&command);
                "250 OK".into()
            }
            "RCPT" => {
                mail.to.push(address_in(&command));
                "250 OK".into()
            }
            "DATA" => {
                let _ = stream.get_mut().write_all(b"354 end with .\r\n").await;
                let Some(data) = read_data(stream).await else { return Ended::Done };
                let code = shared.script.lock().unwrap().pop_front().unwrap_or(250);
                mail.data = data;
                mail.login = login.clone();
                mail.reply = code;
                shared.mails.lock().unwrap().push(mail.clone());
                mail = Mail { encrypted, ..Mail::default() };
                match code {
                    250 => "250 2.0.0 queued".to_owned(),
                    451 => "451 4.3.0 try again later".to_owned(),
                    550 => "550 5.1.1 no such mailbox".to_owned(),
                    other => format!("{other} scripted"),
                }
            }
            "QUIT" => {
                let _ = stream.get_mut().write_all(b"221 bye\r\n").await;
                return Ended::Done;
            }
            _ => "502 5.5.2 not here".into(),
        };
        if stream.get_mut().write_all(format!("{reply}\r\n").as_bytes()).await.is_err() {
            return Ended::Done;
        }
    }
}

/// The address between `<` and `>` in `MAIL FROM:<…>` or `RCPT TO:<…>`.
fn address_in(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command[start..].find('>').map_or(command.len(), |i| start + i);
    command[start..end].to_owned()
}

/// The message after DATA, up to the line holding only `.`, dot-unstuffed.
async fn read_data<S: AsyncRead + Unpin>(stream: &mut BufReader<S>) -> Option<String> {
    let mut data = String::new();
    loop {
        let mut line = Vec::new();
        if stream.read_until(b'\n', &mut line).await.ok()? == 0 {
            return None;
        }
        let line = String::from_utf8_lossy(&line).into_owned();
        if line == ".\r\n" {
            return Some(data);
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}
