//! The Access page's forms, for the project's owners: a new API key or service account with a
//! role here (its private key or secret shown on the answer and never again), a role
//! changed, access revoked (asked first), an access list entry added or removed (asked
//! first). Keys and accounts are made and changed through the same calls as the API's
//! `POST /groups/{groupId}/apiKeys` and `…/serviceAccounts`.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::access::{Refusal, show};
use super::confirm::{Question, ask, is_confirmed};
use super::form::{Fields, SessionForm};
use super::page::{Chrome, error_page, render, sentence};
use super::project::project;
use super::user::ConsoleUser;
use crate::accounts::{AccountRequest, create_account};
use crate::admin::issue_api_key;
use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::{Access, OrgRole, ProjectRole, check_key_description};
use crate::domain::ids::ObjectId;
use crate::domain::project::Project;
use crate::domain::service_account::{check_description, check_name};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::store::StoreError;

/// A key or an account of the project, as a form's path names it.
enum Holder {
    /// A key: its id and public key.
    Key(ObjectId, String),
    /// An account: its id.
    Account(ObjectId),
}

#[derive(Template)]
#[template(path = "console/access_created.html")]
struct CreatedPage {
    chrome: Chrome,
    what: &'static str,
    name: String,
    id_label: &'static str,
    id: String,
    secret_label: &'static str,
    secret: String,
    expires: Option<String>,
}

fn access_path(project: &Project) -> String {
    format!("/projects/{}/access", project.id)
}

async fn owned_project(state: &AppState, user: &ConsoleUser, group: &str) -> Result<Project, Response> {
    project(state, user, group, Access::Write)
        .await
        .map_err(|error| error_page(&Chrome::of("Access", user), error))
}

fn chosen_role(form: &Fields) -> Result<ProjectRole, String> {
    form.text("role").parse::<ProjectRole>().map_err(|_| "Choose the role it has in this project.".to_owned())
}

async fn refuse(state: &AppState, user: &ConsoleUser, project: &Project, refusal: Refusal) -> Response {
    let chrome = Chrome::of("Access", user).in_project(project, "access");
    show(state, user, project, chrome, StatusCode::BAD_REQUEST, refusal).await
}

/// `POST /projects/{groupId}/access/keys`: `description`, `role`.
pub async fn create_key(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path(group): Path<String>,
    SessionForm(form): SessionForm,
) -> Response {
    let project = match owned_project(&state, &user, &group).await {
        Ok(project) => project,
        Err(refused) => return refused,
    };
    let description = form.text("description").to_owned();
    let checked =
        check_key_description(&description).map_err(|reason| reason.replacen("desc", "The description", 1));
    let role = checked.and_then(|()| chosen_role(&form));
    let role = match role {
        Ok(role) => role,
        Err(reason) => {
            let refusal = Refusal {
                at: "new-key".into(),
                reason: sentence(&reason),
                name: description,
                ..Refusal::default()
            };
            return refuse(&state, &user, &project, refusal).await;
        }
    };
    let grants = vec![(project.id, role)];
    let created =
        issue_api_key(state.store.as_ref(), project.org_id, &description, vec![OrgRole::OrgMember], grants);
    let chrome = Chrome::of("API key created", &user).in_project(&project, "access");
    match created.await {
        Ok(created) => render(
            StatusCode::OK,
            &CreatedPage {
                chrome,
                what: "API key",
                name: description,
                id_label: "Public key",
                id: created.key.public_key.clone(),
                secret_label: "Private key",
                secret: created.private_key.expose().to_owned(),
                expires: None,
            },
        ),
        Err(error) => error_page(&chrome, error.into()),
    }
}

/// `POST /projects/{groupId}/access/accounts`: `name`, `description`, `role`, `hours`.
pub async fn create_account_here(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path(group): Path<String>,
    SessionForm(form): SessionForm,
) -> Response {
    let project = match owned_project(&state, &user, &group).await {
        Ok(project) => project,
        Err(refused) => return refused,
    };
    let (name, description) = (form.text("name").to_owned(), form.text("description").to_owned());
    let hours = form.text("hours").parse::<i64>().unwrap_or(0);
    let checked = check_name(&name)
        .map_err(|reason| reason.replacen("name", "The name", 1))
        .and_then(|()| {
            check_description(&description).map_err(|r| r.replacen("description", "The description", 1))
        })
        .and_then(|()| chosen_role(&form));
    let role = match checked {
        Ok(role) => role,
        Err(reason) => {
            let refusal = Refusal { at: "new-account".into(), reason: sentence(&reason), name, description };
            return refuse(&state, &user, &project, refusal).await;
        }
    };
    let request = AccountRequest {
        org_id: project.org_id,
        name: name.clone(),
        description: description.clone(),
        org_roles: vec![OrgRole::OrgMember],
        secret_hours: hours,
    };
    let chrome = Chrome::of("Service account created", &user).in_project(&project, "access");
    let (account, secret) = match create_account(state.store.as_ref(), request).await {
        Ok(created) => created,
        Err(error) => {
            let reason =
                sentence(&error.to_string().replace("secretExpiresAfterHours", "How long the secret lives"));
            let refusal = Refusal { at: "new-account".into(), reason, name, description };
            return refuse(&state, &user, &project, refusal).await;
        }
    };
    if let Err(error) = state.store.set_service_account_project_roles(account.id, project.id, &[role]).await {
        return error_page(&chrome, error.into());
    }
    render(
        StatusCode::OK,
        &CreatedPage {
            chrome,
            what: "service account",
            name,
            id_label: "Client ID",
            id: account.client_id(),
            secret_label: "Client secret",
            secret: secret.secret.expose().to_owned(),
            expires: Some(crate::domain::dates::iso_date(secret.expires_ms)),
        },
    )
}

/// The key or account `kind`/`id` names, if it has a role in `project`.
async fn holder_of(
    state: &AppState,
    project: &Project,
    kind: &str,
    id: &str,
) -> Result<(Holder, String), ApiError> {
    let not_found = || {
        ApiError::new(
            ErrorCode::ResourceNotFound,
            format!("No API key or service account {id} has access to this project."),
            vec![id.to_owned()],
        )
    };
    let id = ObjectId::parse(id).ok_or_else(not_found)?;
    match kind {
        "keys" => {
            let key = state.store.api_key_by_id(id).await?.filter(|key| key.org_id == project.org_id);
            let key = key.filter(|key| key.project_roles.iter().any(|(group, _)| *group == project.id));
            key.map(|key| (Holder::Key(key.id, key.public_key), key.description)).ok_or_else(not_found)
        }
        "accounts" => {
            let account = state.store.find_service_account(id).await?.filter(|a| a.org_id == project.org_id);
            let account = account.filter(|account| !account.roles_in(project.id).is_empty());
            account.map(|account| (Holder::Account(account.id), account.name)).ok_or_else(not_found)
        }
        _ => Err(not_found()),
    }
}

async fn set_roles(
    state: &AppState,
    project: &Project,
    holder: &Holder,
    roles: Vec<ProjectRole>,
) -> Result<(), StoreError> {
    match holder {
        Holder::Key(id, _) => state.store.set_api_key_project_roles(*id, project.id, roles).await.map(|_| ()),
        Holder::Account(id) => state.store.set_service_account_project_roles(*id, project.id, &roles).await,
    }
}

/// A form about one key or account: the project, the key or account, its name and what
/// `read` takes from the form; or the answer instead (an error page, or the Access page with
/// the refusal beside the key or account).
async fn holder_form<T>(
    state: &AppState,
    user: &ConsoleUser,
    (group, kind, id): (&str, &str, &str),
    form: &Fields,
    read: impl Fn(&Fields) -> Result<T, String>,
) -> Result<(Project, Holder, String, T), Response> {
    let project = owned_project(state, user, group).await?;
    let chrome = Chrome::of("Access", user).in_project(&project, "access");
    let (holder, name) =
        holder_of(state, &project, kind, id).await.map_err(|error| error_page(&chrome, error))?;
    match read(form) {
        Ok(value) => Ok((project, holder, name, value)),
        Err(reason) => {
            Err(refuse(state, user, &project, Refusal { at: id.to_owned(), reason, ..Refusal::default() })
                .await)
        }
    }
}

/// Back to the key or account on the Access page once `changed`, or the error's page.
fn back(user: &ConsoleUser, project: &Project, id: &str, changed: Result<(), StoreError>) -> Response {
    match changed {
        Ok(()) => Redirect::to(&format!("{}#{id}", access_path(project))).into_response(),
        Err(error) => error_page(&Chrome::of("Access", user), error.into()),
    }
}

/// `POST /projects/{groupId}/access/{keys|accounts}/{id}/role`: `role`.
pub async fn change_role(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, kind, id)): Path<(String, String, String)>,
    SessionForm(form): SessionForm,
) -> Response {
    let found = holder_form(&state, &user, (&group, &kind, &id), &form, chosen_role).await;
    let (project, holder, _, role) = match found {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    back(&user, &project, &id, set_roles(&state, &project, &holder, vec![role]).await)
}

/// `POST /projects/{groupId}/access/{keys|accounts}/{id}/revoke`: asks, then takes every
/// role it has here.
pub async fn revoke(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, kind, id)): Path<(String, String, String)>,
    SessionForm(form): SessionForm,
) -> Response {
    let (project, holder, name, ()) =
        match holder_form(&state, &user, (&group, &kind, &id), &form, |_| Ok(())).await {
            Ok(found) => found,
            Err(answer) => return answer,
        };
    let list = access_path(&project);
    if !is_confirmed(&form) {
        let what = if matches!(holder, Holder::Key(..)) { "API key" } else { "service account" };
        return ask(
            Chrome::of("Revoke access", &user).in_project(&project, "access"),
            Question {
                heading: format!("Revoke the access of the {what} “{name}” to this project?"),
                consequence: format!(
                    "It can no longer read or change anything of this project, at once; it stays in the \
                     organization, with its roles in other projects. Signed in as this {what}, you are \
                     signed out of this project too."
                ),
                action: format!("{list}/{kind}/{id}/revoke"),
                button: "Revoke",
                cancel: format!("{list}#{id}"),
                kept: Vec::new(),
            },
        );
    }
    match set_roles(&state, &project, &holder, Vec::new()).await {
        Ok(()) => Redirect::to(&list).into_response(),
        Err(error) => error_page(&Chrome::of("Access", &user), error.into()),
    }
}

fn entry_of(form: &Fields) -> Result<AccessEntry, String> {
    let text = form.text("entry");
    if text.is_empty() {
        return Err("Type an IP address (203.0.113.7) or a CIDR block (203.0.113.0/24).".into());
    }
    text.parse::<AccessEntry>().map_err(|_| {
        format!("{text:?} is neither an IP address (203.0.113.7) nor a CIDR block (203.0.113.0/24).")
    })
}

/// `POST /projects/{groupId}/access/{keys|accounts}/{id}/access-list`: `entry`.
pub async fn add_entry(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, kind, id)): Path<(String, String, String)>,
    SessionForm(form): SessionForm,
) -> Response {
    let (project, holder, _, entry) =
        match holder_form(&state, &user, (&group, &kind, &id), &form, entry_of).await {
            Ok(found) => found,
            Err(answer) => return answer,
        };
    let added = match holder {
        Holder::Key(_, public_key) => state.store.add_access_entry(&public_key, entry).await,
        Holder::Account(account) => state.store.add_service_account_access_entry(account, entry).await,
    };
    back(&user, &project, &id, added)
}

/// `POST /projects/{groupId}/access/{keys|accounts}/{id}/access-list/remove`: `entry`; asks
/// first.
pub async fn remove_entry(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path((group, kind, id)): Path<(String, String, String)>,
    SessionForm(form): SessionForm,
) -> Response {
    let found = holder_form(&state, &user, (&group, &kind, &id), &form, entry_of).await;
    let (project, holder, name, entry) = match found {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    if !is_confirmed(&form) {
        return ask_entry(&user, &project, &kind, &id, &name, entry);
    }
    let removed = match holder {
        Holder::Key(_, public_key) => state.store.remove_access_entry(&public_key, entry).await,
        Holder::Account(account) => {
            state.store.remove_service_account_access_entry(account, entry).await.map(|_| ())
        }
    };
    back(&user, &project, &id, removed)
}

fn ask_entry(
    user: &ConsoleUser,
    project: &Project,
    kind: &str,
    id: &str,
    name: &str,
    entry: AccessEntry,
) -> Response {
    let list = access_path(project);
    ask(
        Chrome::of("Remove an access list entry", user).in_project(project, "access"),
        Question {
            heading: format!("Remove {entry} from the access list of “{name}”?"),
            consequence: "Calls from those addresses are refused once it is gone, unless another entry \
                          allows them; with no entries left, calls from any address are allowed."
                .to_owned(),
            action: format!("{list}/{kind}/{id}/access-list/remove"),
            button: "Remove",
            cancel: format!("{list}#{id}"),
            kept: vec![("entry", entry.to_string())],
        },
    )
}
