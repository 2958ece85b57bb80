//! A browser's side of the web console without a browser: cookies kept by hand (no
//! redirect is followed, so each answer is seen as sent), forms posted as forms, and the
//! form token read from the page as a browser would submit it.

use std::collections::HashMap;
use std::sync::Mutex;

use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};
use reqwest::redirect::Policy;

/// An answer of the console.
#[derive(Debug)]
pub struct Page {
    /// Its status.
    pub status: u16,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its HTML.
    pub html: String,
}

impl Page {
    /// Where a redirect goes.
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    /// The value of the first hidden `csrf` input.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start =
            self.html.find(marker).unwrap_or_else(|| panic!("no form token on the page: {}", self.html))
                + marker.len();
        self.html[start..].split('"').next().unwrap().to_owned()
    }
}

/// One browser: its cookies and where it talks to.
pub struct ConsoleClient {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    http: reqwest::Client,
    cookies: Mutex<HashMap<String, String>>,
}

impl ConsoleClient {
    /// A browser with no cookies.
    pub fn new(base: &str) -> ConsoleClient {
        let http = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        ConsoleClient { base: base.to_owned(), http, cookies: Mutex::new(HashMap::new()) }
    }

    /// A browser signed in with `id` and `secret`; panics if sign-in fails.
    pub async fn signed_in(base: &str, id: &str, secret: &str) -> ConsoleClient {
        let browser = ConsoleClient::new(base);
        let answer = browser.sign_in(id, secret).await;
        assert_eq!(answer.status, 303, "sign-in failed: {}", answer.html);
        browser
    }

    /// Fills in and posts the sign-in form.
    pub async fn sign_in(&self, id: &str, secret: &str) -> Page {
        let form = self.get("/sign-in").await;
        assert_eq!(form.status, 200);
        self.post("/sign-in", &[("csrf", &form.csrf()), ("credential_id", id), ("credential_secret", secret)])
            .await
    }

    /// The session cookie's value, if it has one.
    pub fn session(&self) -> Option<String> {
        self.cookies.lock().unwrap().get("atlas_console_session").cloned()
    }

    /// Sets a cookie as another browser might have it.
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies.lock().unwrap().insert(name.to_owned(), value.to_owned());
    }

    fn cookie_header(&self) -> String {
        self.cookies.lock().unwrap().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn keep(&self, answer: reqwest::Response) -> Page {
        let status = answer.status().as_u16();
        let headers = answer.headers().clone();
        for value in headers.get_all(SET_COOKIE) {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let max_age_zero = value.is_empty();
            let mut cookies = self.cookies.lock().unwrap();
            if max_age_zero {
                cookies.remove(name);
            } else {
                cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        Page { status, headers, html: answer.text().await.unwrap() }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Page {
        let answer = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(answer).await
    }

    /// `POST path` with `fields` as a form.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let answer = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.keep(answer).await
    }

    /// Posts `fields` as a form of `page`, with its form token, as a browser submits it.
    pub async fn submit(&self, path: &str, page: &Page, fields: &[(&str, &str)]) -> Page {
        let csrf = page.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(path, &all).await
    }
}
