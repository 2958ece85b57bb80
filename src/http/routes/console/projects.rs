//! `GET /`: the projects the signed-in credential can see (its project roles, and every
//! project of its organization when an organization role covers them).

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::page::{Chrome, error_page, render};
use super::user::ConsoleUser;
use crate::domain::api_key::Access;
use crate::domain::project::Project;
use crate::http::AppState;

/// A project as the list shows it.
pub struct ProjectRow {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `Owner` or `Read only`.
    pub access: &'static str,
}

#[derive(Template)]
#[template(path = "console/projects.html")]
struct ProjectsPage {
    chrome: Chrome,
    projects: Vec<ProjectRow>,
}

/// The list.
pub async fn page(State(state): State<AppState>, Extension(user): Extension<ConsoleUser>) -> Response {
    let chrome = Chrome::of("Projects", &user);
    let all: Vec<Project> = match state.store.list_projects().await {
        Ok(all) => all,
        Err(error) => return error_page(&chrome, error.into()),
    };
    let projects = all
        .iter()
        .filter_map(|project| {
            let access = match user.key.access_to(project) {
                Access::None => return None,
                Access::Read => "Read only",
                Access::Write => "Owner",
            };
            Some(ProjectRow { id: project.id.to_string(), name: project.name.clone(), access })
        })
        .collect();
    render(StatusCode::OK, &ProjectsPage { chrome, projects })
}
