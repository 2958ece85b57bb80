//! The second step of every form that cannot be undone (Remove, Close): without
//! `confirmed=yes` the form answers with a page that says what will happen and asks again,
//! with the same action, so nothing changes on one click and no script is needed.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::form::Fields;
use super::page::{Chrome, render};

/// What is asked.
pub struct Question<'a> {
    /// The page's heading: `Remove the SLACK integration?`.
    pub heading: String,
    /// What follows from it, in a sentence or two.
    pub consequence: String,
    /// Where the confirmed form posts (the same action).
    pub action: String,
    /// The button's words (`Remove`).
    pub button: &'a str,
    /// Where Cancel goes.
    pub cancel: String,
    /// Fields the first form sent that the confirmed one sends again (name, value).
    pub kept: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "console/confirm.html")]
struct ConfirmPage<'a> {
    chrome: Chrome,
    question: Question<'a>,
}

/// Whether the form posted is its confirmed second step.
pub fn is_confirmed(form: &Fields) -> bool {
    form.get("confirmed") == Some("yes")
}

/// The confirmation page.
pub fn ask(chrome: Chrome, question: Question<'_>) -> Response {
    render(StatusCode::OK, &ConfirmPage { chrome, question })
}
