//! An HTTP Digest client written independently of the server's code, in the two styles
//! real clients use: `Reuse` (one challenge, then nc 2, 3, … as Python's clients) and
//! `Fresh` (a new challenge for every request, as the Atlas Go SDK).

use std::sync::Mutex;

use md5::{Digest, Md5};
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

/// A key pair.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The user name.
    pub public_key: String,
    /// The password.
    pub private_key: String,
}

/// How the client treats nonces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Keep the nonce and count up.
    Reuse,
    /// Ask for a new challenge every time.
    Fresh,
}

/// An answer, fully read.
#[derive(Debug)]
pub struct TestResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl TestResponse {
    /// The body as JSON (panics with the body if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_owned())
    }

    /// Asserts an Atlas error answer and returns its body.
    pub fn assert_error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "status of {}", self.text());
        assert_eq!(self.header("x-error-code").as_deref(), Some(code), "X-Error-Code of {}", self.text());
        assert_eq!(self.header("content-type").as_deref(), Some("application/json"));
        let body = self.json();
        let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["detail", "error", "errorCode", "parameters", "reason"], "{body}");
        assert_eq!(body["errorCode"], code);
        assert_eq!(body["error"], status);
        body
    }
}

/// A Digest-speaking client bound to one key.
pub struct DigestClient {
    http: reqwest::Client,
    base: String,
    credentials: Credentials,
    mode: Mode,
    /// The nonce being reused and the last nc sent with it.
    nonce: Mutex<Option<(String, u32)>>,
    /// Extra `Authorization` parameters style: quoted (`"MD5"`, `"auth"`) or not.
    pub quoted: bool,
    /// The `algorithm` to answer with.
    pub algorithm: &'static str,
}

fn hex_hash(algorithm: &str, input: &str) -> String {
    match algorithm {
        "SHA-256" => hex::encode(sha2::Sha256::digest(input.as_bytes())),
        _ => hex::encode(Md5::digest(input.as_bytes())),
    }
}

/// The `nonce` of a `WWW-Authenticate: Digest …` challenge.
pub fn challenge_nonce(header: &str) -> String {
    let start = header.find("nonce=\"").expect("a nonce in the challenge") + 7;
    let end = header[start..].find('"').unwrap() + start;
    header[start..end].to_owned()
}

impl DigestClient {
    /// A client for `base` with `credentials`.
    pub fn new(base: &str, credentials: Credentials, mode: Mode) -> Self {
        atlas_integrations::delivery::client::install_crypto_provider();
        Self::with_http(reqwest::Client::new(), base, credentials, mode)
    }

    /// A client that connects from the local address `from` (any of 127.0.0.0/8) and asks
    /// for a fresh challenge every time (so each call makes exactly one attempt).
    pub fn from_address(base: &str, credentials: Credentials, from: std::net::IpAddr) -> Self {
        atlas_integrations::delivery::client::install_crypto_provider();
        let http = reqwest::Client::builder().local_address(from).build().unwrap();
        Self::with_http(http, base, credentials, Mode::Fresh)
    }

    fn with_http(http: reqwest::Client, base: &str, credentials: Credentials, mode: Mode) -> Self {
        atlas_integrations::delivery::client::install_crypto_provider();
        DigestClient {
            http,
            base: base.to_owned(),
            credentials,
            mode,
            nonce: Mutex::new(None),
            quoted: false,
            algorithm: "MD5",
        }
    }

    /// The `Authorization` value for one request.
    pub fn authorization(&self, method: &Method, uri: &str, nonce: &str, nc: u32) -> String {
        let mut cnonce = [0u8; 8];
        getrandom::fill(&mut cnonce).unwrap();
        let cnonce = hex::encode(cnonce);
        let nc = format!("{nc:08x}");
        let Credentials { public_key, private_key } = &self.credentials;
        let alg = self.algorithm;
        let ha1 = hex_hash(alg, &format!("{public_key}:MMS Public API:{private_key}"));
        let ha2 = hex_hash(alg, &format!("{method}:{uri}"));
        let response = hex_hash(alg, &format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
        let (algorithm, qop) = match self.quoted {
            true => (format!("\"{alg}\""), "\"auth\"".to_owned()),
            false => (alg.to_owned(), "auth".to_owned()),
        };
        format!(
            "Digest username=\"{public_key}\", realm=\"MMS Public API\", nonce=\"{nonce}\", uri=\"{uri}\", \
             algorithm={algorithm}, response=\"{response}\", qop={qop}, nc={nc}, cnonce=\"{cnonce}\""
        )
    }

    /// Sends a request with no authentication at all.
    pub async fn send_raw(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> TestResponse {
        self.try_send_raw(method, uri, headers, body).await.expect("the server answers")
    }

    /// Sends a request with no authentication; `None` if the connection failed.
    pub async fn try_send_raw(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Option<TestResponse> {
        let mut request = self.http.request(method, format!("{}{uri}", self.base));
        for (name, value) in headers {
            request = request.header(*name, HeaderValue::from_str(value).unwrap());
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.ok()?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.ok()?.to_vec();
        Some(TestResponse { status, headers, body })
    }

    /// Sends a request, authenticating as the mode says; `uri` is path and query.
    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> TestResponse {
        let reused = match self.mode {
            Mode::Reuse => self.nonce.lock().unwrap().as_mut().map(|(nonce, nc)| {
                *nc += 1;
                (nonce.clone(), *nc)
            }),
            Mode::Fresh => None,
        };
        if let Some((nonce, nc)) = reused {
            let response = self.send_with(method.clone(), uri, headers, body.clone(), &nonce, nc).await;
            if response.status != 401 || response.header("www-authenticate").is_none() {
                return response;
            }
        }
        let first = self.send_raw(method.clone(), uri, headers, None).await;
        let Some(challenge) = first.header("www-authenticate") else { return first };
        let nonce = challenge_nonce(&challenge);
        *self.nonce.lock().unwrap() = Some((nonce.clone(), 1));
        self.send_with(method, uri, headers, body, &nonce, 1).await
    }

    async fn send_with(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
        nonce: &str,
        nc: u32,
    ) -> TestResponse {
        let authorization = self.authorization(&method, uri, nonce, nc);
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        all.push(("authorization", &authorization));
        self.send_raw(method, uri, &all, body).await
    }

    fn json_headers(uri: &str) -> Vec<(&'static str, &'static str)> {
        let mut headers = vec![("content-type", "application/json")];
        if uri.starts_with("/api/atlas/v2") {
            headers.push(("accept", super::V2_ACCEPT));
        }
        headers
    }

    /// GET.
    pub async fn get(&self, uri: &str) -> TestResponse {
        self.send(Method::GET, uri, &Self::json_headers(uri)[1..], None).await
    }

    /// POST a JSON body.
    pub async fn post(&self, uri: &str, body: &Value) -> TestResponse {
        self.send(Method::POST, uri, &Self::json_headers(uri), Some(serde_json::to_vec(body).unwrap())).await
    }

    /// PUT a JSON body.
    pub async fn put(&self, uri: &str, body: &Value) -> TestResponse {
        self.send(Method::PUT, uri, &Self::json_headers(uri), Some(serde_json::to_vec(body).unwrap())).await
    }

    /// PATCH a JSON body.
    pub async fn patch(&self, uri: &str, body: &Value) -> TestResponse {
        self.send(Method::PATCH, uri, &Self::json_headers(uri), Some(serde_json::to_vec(body).unwrap())).await
    }

    /// DELETE.
    pub async fn delete(&self, uri: &str) -> TestResponse {
        self.send(Method::DELETE, uri, &Self::json_headers(uri)[1..], None).await
    }
}
