//! A posted console form: `application/x-www-form-urlencoded`, at most 64 KiB, carrying the
//! session's form token in `csrf`; a form without it, or with another session's, changes
//! nothing and gets a 403 page.

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::Response;

use super::page::{Chrome, render};
use super::user::ConsoleUser;
use crate::http::AppState;

/// The most a form may hold.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// The fields of a posted form whose token was right.
#[derive(Clone, Debug, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, if sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str()).collect()
    }

    /// The trimmed value of `name`, `""` when not sent.
    pub fn text(&self, name: &str) -> &str {
        self.get(name).map_or("", str::trim)
    }

    /// Adds a value of `name`.
    pub fn push(&mut self, name: String, value: impl Into<String>) {
        self.0.push((name, value.into()));
    }
}

/// Reads `body` as a form.
pub async fn read(request: Request<Body>) -> Result<Fields, &'static str> {
    let media = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !media.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return Err("The form was not sent as a form.");
    }
    let bytes = axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES)
        .await
        .map_err(|_| "The form is larger than 64 KiB or was not sent whole.")?;
    Ok(Fields(url::form_urlencoded::parse(&bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()))
}

#[derive(askama::Template)]
#[template(path = "console/refused.html")]
struct Refused<'a> {
    chrome: &'a Chrome,
    reason: &'a str,
}

/// A form of the signed-in session, its token checked.
pub struct SessionForm(pub Fields);

impl FromRequest<AppState> for SessionForm {
    type Rejection = Response;

    async fn from_request(request: Request<Body>, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = request.extensions().get::<ConsoleUser>().cloned().ok_or_else(|| {
            render(
                StatusCode::FORBIDDEN,
                &Refused { chrome: &Chrome::bare("Refused"), reason: "Sign in first." },
            )
        })?;
        let chrome = Chrome::of("Refused", &user);
        let refuse = |reason: &str| render(StatusCode::FORBIDDEN, &Refused { chrome: &chrome, reason });
        let fields = read(request).await.map_err(refuse)?;
        if !state.console_csrf.accepts("session", &user.session, fields.get("csrf")) {
            tracing::info!(
                credential = user.key.public_key,
                "a console form without its session's token was refused"
            );
            return Err(refuse(
                "This form did not come from a page of your session (its security token is missing or wrong). \
                 Nothing was changed; reload the page and try again.",
            ));
        }
        Ok(SessionForm(fields))
    }
}
