//! What every console page shares: the frame around it ([`Chrome`]: title, who is signed in,
//! the project's sections), rendering a template into an answer, errors as pages in words,
//! and the headers of every page (a Content-Security-Policy that allows only this server's
//! stylesheet and forms, nothing inline; no caching, since pages carry form tokens).

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::user::ConsoleUser;
use crate::domain::project::Project;
use crate::http::error::ApiError;

/// The policy of every page: this server's stylesheet, its forms, nothing else.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The sections of a project's pages.
pub const SECTIONS: [(&str, &str); 5] = [
    ("integrations", "Integrations"),
    ("alert-configs", "Alert configurations"),
    ("alerts", "Alerts"),
    ("events", "Events"),
    ("access", "Access"),
];

/// The frame of a page.
#[derive(Clone, Debug)]
pub struct Chrome {
    /// The page's title.
    pub title: String,
    /// Who is signed in and their form token, if anyone is.
    pub user: Option<UserView>,
    /// The project whose page this is, with the section shown.
    pub project: Option<ProjectView>,
}

/// The signed-in credential as the frame shows it.
#[derive(Clone, Debug)]
pub struct UserView {
    /// The public key or client id.
    pub credential: String,
    /// The form token of the session.
    pub csrf: String,
}

/// The project a page belongs to.
#[derive(Clone, Debug)]
pub struct ProjectView {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The section shown (a key of [`SECTIONS`]).
    pub section: &'static str,
}

impl ProjectView {
    /// Whether `section` is the one shown.
    pub fn is(&self, section: &str) -> bool {
        self.section == section
    }
}

impl Chrome {
    /// A frame with no one signed in.
    pub fn bare(title: &str) -> Chrome {
        Chrome { title: title.to_owned(), user: None, project: None }
    }

    /// A frame for `user`.
    pub fn of(title: &str, user: &ConsoleUser) -> Chrome {
        let view = UserView { credential: user.key.public_key.clone(), csrf: user.csrf.clone() };
        Chrome { title: title.to_owned(), user: Some(view), project: None }
    }

    /// The same frame, on a section of `project`'s pages.
    pub fn in_project(mut self, project: &Project, section: &'static str) -> Chrome {
        self.project = Some(ProjectView { id: project.id.to_string(), name: project.name.clone(), section });
        self
    }

    /// The sections of the project, for the navigation.
    pub fn sections(&self) -> &'static [(&'static str, &'static str)] {
        &SECTIONS
    }
}

/// `text` as a sentence: a capital first letter and a full stop.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    let text = format!("{first}{}", chars.as_str());
    if text.ends_with('.') { text } else { text + "." }
}

/// A rendered page with `status`.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a console page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "The page could not be rendered.").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "console/error.html")]
struct ErrorPage<'a> {
    chrome: &'a Chrome,
    status: u16,
    detail: &'a str,
}

/// An error as a page: its status and Atlas's sentence for it.
pub fn error_page(chrome: &Chrome, error: ApiError) -> Response {
    let status = error.code.status();
    render(status, &ErrorPage { chrome, status: status.as_u16(), detail: &error.detail })
}

/// Middleware on every console page: the policy, and no caching.
pub async fn page_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
