//! A project's integrations at a glance: each type in words, whether it is set up (or its
//! service ended), its key as reads mask it, and how its last notification went; each row
//! leads to the type's own page ([`super::integrations`]).

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::integration_form::fields;
use super::page::{Chrome, error_page, render};
use super::project::project_page;
use super::user::ConsoleUser;
use super::words;
use crate::domain::dates::{iso_date, relative};
use crate::domain::integration::IntegrationType;
use crate::http::AppState;
use crate::store::now_ms;

/// One type's row.
pub struct SummaryRow {
    /// The wire name.
    pub name: &'static str,
    /// The service's name, in words.
    pub words: &'static str,
    /// `Configured`, `Not configured` or `Service ended`.
    pub state: &'static str,
    /// Its key (or URL) as reads mask it, if set.
    pub key: String,
    /// The last notification's status and how long ago, if one finished.
    pub last: String,
    /// The exact time of it.
    pub last_at: String,
}

#[derive(Template)]
#[template(path = "console/integrations_summary.html")]
struct SummaryPage {
    chrome: Chrome,
    rows: Vec<SummaryRow>,
}

/// `GET /projects/{groupId}/integrations`.
pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path(group): Path<String>,
) -> Response {
    let (project, chrome) = match project_page(&state, &user, &group, "Integrations", "integrations").await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let stored = match state.store.list_integrations(project.id).await {
        Ok(stored) => stored,
        Err(error) => return error_page(&chrome, error.into()),
    };
    let last = match state.store.last_outcomes(project.id).await {
        Ok(last) => last,
        Err(error) => return error_page(&chrome, error.into()),
    };
    let now = now_ms();
    let mut rows: Vec<SummaryRow> = IntegrationType::ALL
        .into_iter()
        .map(|kind| {
            let current = stored.iter().find(|integration| integration.kind == kind);
            let key = fields(kind, current, None)
                .into_iter()
                .find_map(|field| field.stored.or_else(|| (!field.value.is_empty()).then_some(field.value)))
                .unwrap_or_default();
            let finished = last.get(kind.as_str());
            SummaryRow {
                name: kind.as_str(),
                words: words::type_name(kind),
                state: match (kind.spec().is_none(), current.is_some()) {
                    (true, _) => "Service ended",
                    (false, true) => "Configured",
                    (false, false) => "Not configured",
                },
                key: if current.is_some() { key } else { String::new() },
                last: finished
                    .map(|(status, at)| format!("{status} {}", relative(*at, now)))
                    .unwrap_or_default(),
                last_at: finished.map(|(_, at)| iso_date(*at)).unwrap_or_default(),
            }
        })
        .collect();
    // Configured first, then those that can be set up, then the ended services.
    rows.sort_by_key(|row| match row.state {
        "Configured" => 0,
        "Not configured" => 1,
        _ => 2,
    });
    render(StatusCode::OK, &SummaryPage { chrome, rows })
}
