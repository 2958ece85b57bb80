//! Who can reach a project: its API keys and service accounts with their role here, their
//! access lists and (accounts) their secrets' expiry; for the project's owners, forms that
//! create either (the private key or secret shown once, by [`super::access_change`]),
//! change a role, revoke, and edit an access list, through the same store calls as the API's
//! project keys and project service accounts.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::page::{Chrome, error_page, render};
use super::project::{can_write, project_page};
use super::user::ConsoleUser;
use crate::domain::api_key::{ApiKey, ProjectRole};
use crate::domain::dates::{iso_date, relative};
use crate::domain::ids::GroupId;
use crate::domain::project::Project;
use crate::domain::service_account::{MAX_SECRET_HOURS, ServiceAccount};
use crate::http::AppState;
use crate::store::{StoreError, now_ms};

/// The roles a project grants: each one's name and what it allows, in words.
pub const ROLES: [(ProjectRole, &str, &str); 2] = [
    (ProjectRole::GroupOwner, "Project owner", "reads and changes everything"),
    (ProjectRole::GroupReadOnly, "Project read only", "reads everything, changes nothing"),
];

/// How long a new account's first secret lives: the choices, in hours.
pub const SECRET_LIVES: [(i64, &str); 5] =
    [(24, "A day"), (168, "A week"), (720, "30 days"), (2160, "90 days"), (MAX_SECRET_HOURS, "A year")];

/// A key or an account as the page lists it.
pub struct Principal {
    /// `keys` or `accounts` (the path segment).
    pub kind: &'static str,
    /// Its id.
    pub id: String,
    /// What people call it.
    pub name: String,
    /// What it signs in with: the public key or client id.
    pub credential: String,
    /// Its role here, in words.
    pub roles: String,
    /// Whether it is an owner here (the role form's choice).
    pub owner: bool,
    /// Its access list; empty: any address.
    pub access_list: Vec<String>,
    /// Its secrets (accounts), in words.
    pub secrets: Vec<String>,
    /// A refusal of one of its forms.
    pub error: Option<String>,
    /// Whether it is the credential signed in.
    pub is_you: bool,
}

/// What a refused form sends back to the page: where the refusal goes and what was typed.
#[derive(Default)]
pub struct Refusal {
    /// The form's anchor (`new-key`, `new-account`, or a principal's id).
    pub at: String,
    /// Why, in words.
    pub reason: String,
    /// The typed name or description.
    pub name: String,
    /// The typed description (accounts).
    pub description: String,
}

#[derive(Template)]
#[template(path = "console/access.html")]
struct AccessPage {
    chrome: Chrome,
    writable: bool,
    keys: Vec<Principal>,
    accounts: Vec<Principal>,
    roles: Vec<(&'static str, &'static str, &'static str)>,
    lives: Vec<(i64, &'static str)>,
    refusal: Refusal,
}

/// `GET /projects/{groupId}/access`.
pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<ConsoleUser>,
    Path(group): Path<String>,
) -> Response {
    let (project, chrome) = match project_page(&state, &user, &group, "Access", "access").await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    show(&state, &user, &project, chrome, StatusCode::OK, Refusal::default()).await
}

/// Renders the page, with a refusal beside the form it concerns.
pub async fn show(
    state: &AppState,
    user: &ConsoleUser,
    project: &Project,
    chrome: Chrome,
    status: StatusCode,
    refusal: Refusal,
) -> Response {
    let listed = match principals(state, user, project, &refusal).await {
        Ok(listed) => listed,
        Err(error) => return error_page(&chrome, error.into()),
    };
    let (keys, accounts) = listed;
    let writable = can_write(state, user, project).await;
    let roles = ROLES.iter().map(|(role, name, allows)| (role.as_str(), *name, *allows)).collect();
    let lives = SECRET_LIVES.to_vec();
    render(status, &AccessPage { chrome, writable, keys, accounts, roles, lives, refusal })
}

async fn principals(
    state: &AppState,
    user: &ConsoleUser,
    project: &Project,
    refusal: &Refusal,
) -> Result<(Vec<Principal>, Vec<Principal>), StoreError> {
    let group = project.id;
    let now = now_ms();
    let mut keys = Vec::new();
    for key in state.store.api_keys_of(project.org_id).await? {
        if !key.project_roles.iter().any(|(project, _)| *project == group) {
            continue;
        }
        let entries = state.store.api_key_access_entries(key.id).await?;
        keys.push(key_row(&key, group, entries.iter().map(|(entry, _)| entry.to_string()).collect(), user));
    }
    let accounts: Vec<Principal> = state
        .store
        .list_service_accounts(Some(project.org_id))
        .await?
        .iter()
        .filter(|account| !account.roles_in(group).is_empty())
        .map(|account| account_row(account, group, now, user))
        .collect();
    let mut lists = (keys, accounts);
    for row in lists.0.iter_mut().chain(lists.1.iter_mut()) {
        if row.id == refusal.at {
            row.error = Some(refusal.reason.clone());
        }
    }
    Ok(lists)
}

fn role_words(roles: &[ProjectRole]) -> String {
    let words: Vec<&str> =
        ROLES.iter().filter(|(role, _, _)| roles.contains(role)).map(|(_, name, _)| *name).collect();
    words.join(", ")
}

fn key_row(key: &ApiKey, group: GroupId, access_list: Vec<String>, user: &ConsoleUser) -> Principal {
    let roles: Vec<ProjectRole> =
        key.project_roles.iter().filter(|(project, _)| *project == group).map(|(_, role)| *role).collect();
    Principal {
        kind: "keys",
        id: key.id.to_string(),
        name: key.description.clone(),
        credential: key.public_key.clone(),
        roles: role_words(&roles),
        owner: roles.contains(&ProjectRole::GroupOwner),
        access_list,
        secrets: Vec::new(),
        error: None,
        is_you: user.key.public_key == key.public_key,
    }
}

fn account_row(account: &ServiceAccount, group: GroupId, now: i64, user: &ConsoleUser) -> Principal {
    let roles = account.roles_in(group);
    let secrets = account
        .secrets
        .iter()
        .map(|secret| {
            let ends = if secret.expires_ms > now { "expires" } else { "expired" };
            format!(
                "{} {ends} {} ({})",
                secret.masked,
                relative(secret.expires_ms, now),
                iso_date(secret.expires_ms)
            )
        })
        .collect();
    Principal {
        kind: "accounts",
        id: account.id.to_string(),
        name: account.name.clone(),
        credential: account.client_id(),
        roles: role_words(&roles),
        owner: roles.contains(&ProjectRole::GroupOwner),
        access_list: account.access_list.iter().map(|(entry, _)| entry.to_string()).collect(),
        secrets,
        error: None,
        is_you: user.key.public_key == account.client_id(),
    }
}
