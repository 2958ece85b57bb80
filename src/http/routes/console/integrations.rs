//! A project's integrations: every type, configured or not, each with its form (Save),
//! Remove and Send test for those who may change the project. Saving is the API's PUT
//! (merge, secrets left as they are unless typed over), removing its DELETE, testing its
//! `:test`, through the same domain code and store. A webhook's templates can be previewed
//! ([`super::template_preview`]).

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::confirm::{Question, ask, is_confirmed};
use super::form::{Fields, SessionForm};
use super::integration_form::{FieldView, body, fields, place_error};
use super::page::{Chrome, error_page, render};
use super::project::{can_write, project};
use super::user::ConsoleUser;
use super::words;
use crate::delivery::test_alert::{TestOutcome, send_test_alert, untestable};
use crate::domain::alerts::delivery::preview::Preview;
use crate::domain::api_key::Access;
use crate::domain::integration::{ChangeError, Integration, IntegrationType, Operation, Patch};
use crate::domain::project::Project;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::mount::Mount;
use crate::http::routes::alerting_json::notification_base;
use crate::store::StoreError;

/// One type's section of the page.
pub struct TypeView {
    /// The wire name.
    pub name: &'static str,
    /// The service's name, in words.
    pub words: &'static str,
    /// Whether the project has it.
    pub configured: bool,
    /// Why it cannot be configured (HIP_CHAT), if so.
    pub retired: bool,
    /// Why it cannot be tested, if so.
    pub untestable: Option<String>,
    /// Its inputs.
    pub fields: Vec<FieldView>,
    /// A refusal of the form as a whole.
    pub error: Option<String>,
    /// What just happened to it.
    pub notice: Option<String>,
    /// Whether its form has templates to preview.
    pub previewable: bool,
    /// Its templates' result on a sample alert, when asked for.
    pub preview: Option<Preview>,
}

#[derive(Template)]
#[template(path = "console/integrations.html")]
struct IntegrationsPage {
    chrome: Chrome,
    writable: bool,
    types: Vec<TypeView>,
}

/// `GET /projects/{groupId}/integrations/{type}`: one type's form.
pub async fn type_page(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, kind)): Path<(String, String)>,
    Query(done): Query<HashMap<String, String>>,
) -> Response {
    let chrome = Chrome::of("Integrations", &user);
    let project = match project(&state, &user, &group, Access::Read).await {
        Ok(project) => project,
        Err(error) => return error_page(&chrome, error),
    };
    let Some(kind) = IntegrationType::parse(&kind) else {
        return error_page(&chrome, ApiError::invalid_enum_value(&kind));
    };
    let notice = notice(&done);
    show(&state, &user, &project, kind, StatusCode::OK, |kind, view| {
        if notice.as_ref().is_some_and(|(name, _)| *name == kind.as_str()) {
            view.notice = notice.as_ref().map(|(_, text)| text.clone());
        }
    })
    .await
}

fn notice(done: &HashMap<String, String>) -> Option<(String, String)> {
    if let Some(kind) = done.get("saved") {
        return Some((kind.clone(), "Saved.".into()));
    }
    if let Some(kind) = done.get("removed") {
        return Some((kind.clone(), "Removed.".into()));
    }
    let kind = done.get("tested")?;
    let answer = done.get("answer").map_or("", String::as_str);
    let took = done.get("ms").map_or("", String::as_str);
    Some((kind.clone(), format!("Test alert delivered: the receiver answered {answer} in {took} ms.")))
}

/// Renders the page of `kind`, letting `adjust` change its section (a refusal, a notice).
pub(super) async fn show(
    state: &AppState,
    user: &ConsoleUser,
    project: &Project,
    kind: IntegrationType,
    status: StatusCode,
    mut adjust: impl FnMut(IntegrationType, &mut TypeView),
) -> Response {
    let chrome = Chrome::of(words::type_name(kind), user).in_project(project, "integrations");
    let current = match state.store.get_integration(project.id, kind).await {
        Ok(current) => current,
        Err(error) => return error_page(&chrome, error.into()),
    };
    let mut view = TypeView {
        name: kind.as_str(),
        words: words::type_name(kind),
        configured: current.is_some(),
        retired: kind.spec().is_none(),
        untestable: untestable(kind),
        fields: fields(kind, current.as_ref(), None),
        error: None,
        notice: None,
        previewable: kind == IntegrationType::Webhook,
        preview: None,
    };
    adjust(kind, &mut view);
    let writable = can_write(state, user, project).await;
    render(status, &IntegrationsPage { chrome, writable, types: vec![view] })
}

/// The project and type of a change, reached for writing.
async fn target(
    state: &AppState,
    user: &ConsoleUser,
    group: &str,
    kind: &str,
) -> Result<(Project, IntegrationType), Response> {
    let chrome = Chrome::of("Integrations", user);
    let project = project(state, user, group, Access::Write).await.map_err(|e| error_page(&chrome, e))?;
    let kind = IntegrationType::parse(kind)
        .ok_or_else(|| error_page(&chrome, ApiError::invalid_enum_value(kind)))?;
    Ok((project, kind))
}

/// The project and type of a change, reached for writing, with the integration it has now.
pub(super) async fn target_as_stored(
    state: &AppState,
    user: &ConsoleUser,
    group: &str,
    kind: &str,
) -> Result<(Project, IntegrationType, Option<Integration>), Response> {
    let (project, kind) = target(state, user, group, kind).await?;
    match state.store.get_integration(project.id, kind).await {
        Ok(current) => Ok((project, kind, current)),
        Err(error) => Err(error_page(&Chrome::of("Integrations", user), error.into())),
    }
}

/// Back to the page, at the section of `kind`, saying what happened.
fn back(project: &Project, kind: IntegrationType, query: &str) -> Response {
    Redirect::to(&format!("/projects/{}/integrations/{kind}?{query}", project.id)).into_response()
}

/// `POST /projects/{groupId}/integrations/{type}`: saves the type's form.
pub async fn save(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, kind)): Path<(String, String)>,
    SessionForm(posted): SessionForm,
) -> Response {
    let (project, kind, current) = match target_as_stored(&state, &user, &group, &kind).await {
        Ok(target) => target,
        Err(refused) => return refused,
    };
    let change = Patch::parse(kind, body(kind, current.as_ref(), &posted));
    let outcome = match change {
        Ok(patch) => {
            state.store.change_integration(project.id, Operation::Upsert(&patch), &user.actor()).await
        }
        Err(refused) => Err(StoreError::Rejected(refused.into())),
    };
    match outcome {
        Ok(_) => back(&project, kind, &format!("saved={kind}")),
        Err(StoreError::Rejected(ChangeError::Settings(refused))) => {
            refused_form(&state, &user, &project, kind, current.as_ref(), &posted, &refused).await
        }
        Err(error) => error_page(&Chrome::of("Integrations", &user), error.into()),
    }
}

async fn refused_form(
    state: &AppState,
    user: &ConsoleUser,
    project: &Project,
    kind: IntegrationType,
    current: Option<&Integration>,
    posted: &Fields,
    refused: &crate::domain::integration::SettingsError,
) -> Response {
    let mut refused_fields = fields(kind, current, Some(posted));
    let general = place_error(&mut refused_fields, refused);
    let mut refused_fields = Some(refused_fields);
    show(state, user, project, kind, StatusCode::UNPROCESSABLE_ENTITY, |shown, view| {
        if shown == kind {
            view.fields = refused_fields.take().unwrap_or_default();
            view.error = general.clone().or_else(|| Some("Not saved: see the field marked below.".into()));
        }
    })
    .await
}

/// `POST /projects/{groupId}/integrations/{type}/remove`.
pub async fn remove(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, kind)): Path<(String, String)>,
    SessionForm(form): SessionForm,
) -> Response {
    let (project, kind) = match target(&state, &user, &group, &kind).await {
        Ok(target) => target,
        Err(refused) => return refused,
    };
    if !is_confirmed(&form) {
        let page = format!("/projects/{}/integrations", project.id);
        return ask(
            Chrome::of("Remove an integration", &user).in_project(&project, "integrations"),
            Question {
                heading: format!("Remove the {kind} integration of {}?", project.name),
                consequence: format!(
                    "Its settings are deleted. Alert notifications that use it have nowhere to go \
                     and are logged as skipped until a {kind} integration is added again."
                ),
                action: format!("{page}/{kind}/remove"),
                button: "Remove",
                cancel: format!("{page}#{kind}"),
                kept: Vec::new(),
            },
        );
    }
    match state.store.change_integration(project.id, Operation::Delete(kind), &user.actor()).await {
        Ok(_) => back(&project, kind, &format!("removed={kind}")),
        Err(error) => error_page(&Chrome::of("Integrations", &user), error.into()),
    }
}

/// `POST /projects/{groupId}/integrations/{type}/test`: one test alert, at once.
pub async fn test(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, kind)): Path<(String, String)>,
    _form: SessionForm,
) -> Response {
    let (project, kind) = match target(&state, &user, &group, &kind).await {
        Ok(target) => target,
        Err(refused) => return refused,
    };
    let integration = match state.store.get_integration(project.id, kind).await {
        Ok(Some(integration)) => integration,
        Ok(None) => {
            return error_page(&Chrome::of("Integrations", &user), ChangeError::NotConfigured(kind).into());
        }
        Err(error) => return error_page(&Chrome::of("Integrations", &user), error.into()),
    };
    if let Some(reason) = untestable(kind) {
        return show(&state, &user, &project, kind, StatusCode::BAD_REQUEST, |shown, view| {
            if shown == kind {
                view.error = Some(format!("Cannot test: {reason}."));
            }
        })
        .await;
    }
    let base = notification_base(&state, Mount::AtlasV2);
    match send_test_alert(&state.sender, &project, &integration, &base).await {
        TestOutcome::Delivered { status, duration_ms } => {
            back(&project, kind, &format!("tested={kind}&answer={status}&ms={duration_ms}"))
        }
        TestOutcome::Failed { status, said } => {
            let error = match status {
                Some(status) => {
                    format!("The test alert was not accepted: the receiver answered {status}: {said}")
                }
                None => format!("The test alert could not be sent: {said}"),
            };
            show(&state, &user, &project, kind, StatusCode::BAD_GATEWAY, |shown, view| {
                if shown == kind {
                    view.error = Some(error.clone());
                }
            })
            .await
        }
    }
}
