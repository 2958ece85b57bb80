//! A webhook's templates tried on a sample alert before they are saved: the form posted to
//! `…/integrations/WEBHOOK/preview` comes back as typed, with the body and headers a receiver
//! would get (or why a template would give way to the default). Nothing is stored; stored
//! templates are never shown, so only what was typed is previewed.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::form::SessionForm;
use super::integration_form::fields;
use super::integrations::{show, target_as_stored};
use super::user::ConsoleUser;
use crate::domain::alerts::delivery::preview::{preview, sample_alert};
use crate::http::AppState;
use crate::http::mount::Mount;
use crate::http::routes::alerting_json::notification_base;

/// `POST /projects/{groupId}/integrations/{type}/preview`.
pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, kind)): Path<(String, String)>,
    SessionForm(posted): SessionForm,
) -> Response {
    let (project, kind, current) = match target_as_stored(&state, &user, &group, &kind).await {
        Ok(target) => target,
        Err(refused) => return refused,
    };
    let typed = |name: &str| posted.get(name).map(str::trim).unwrap_or("").to_owned();
    let (body, headers) = (typed("bodyTemplate"), typed("headersTemplate"));
    let shown = (body.is_empty() && headers.is_empty())
        .then_some("Type a template to preview it: stored templates are never shown, so the preview is of the default body.");
    let alert = sample_alert(project.id, project.org_id, crate::store::now_ms());
    let result = preview(&alert, &body, &headers, &notification_base(&state, Mount::AtlasV2));
    let mut kept = Some(fields(kind, current.as_ref(), Some(&posted)));
    let mut result = Some(result);
    show(&state, &user, &project, kind, StatusCode::OK, |section, view| {
        if section == kind && view.previewable {
            view.fields = kept.take().unwrap_or_default();
            view.preview = result.take();
            view.notice = shown.map(str::to_owned);
        }
    })
    .await
}
