//! Atlas's Service Accounts resource (v2 only, media type 2024-08-05): an organization's
//! accounts (list, create, get, update, delete; secrets; access list; the projects each
//! belongs to) and a project's (the same, where delete unassigns, and `:invite` adds an
//! existing account). Callable with an API key or a service account's token, under the roles
//! the spec names; Project Access Manager, a role this server lacks, is `GROUP_OWNER` here.

mod access_list;
mod accounts;
mod body;
mod projects;
mod scope;
mod secrets;
mod view;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::Serialize;

use crate::http::AppState;

/// The media type of every answer here, with the charset every other versioned answer names.
pub const MEDIA_TYPE: &str = "application/vnd.atlas.2024-08-05+json;charset=utf-8";

/// The resource's routes on the v2 mount.
pub fn routes() -> Router<AppState> {
    const ORG: &str = "/api/atlas/v2/orgs/{org_id}/serviceAccounts";
    const GROUP: &str = "/api/atlas/v2/groups/{group_id}/serviceAccounts";
    let mut router = Router::new();
    for base in [ORG, GROUP] {
        router = router
            .route(base, get(accounts::list).post(accounts::create))
            .route(
                &format!("{base}/{{client_id}}"),
                get(accounts::get).patch(accounts::update).delete(accounts::remove).post(projects::invite),
            )
            .route(&format!("{base}/{{client_id}}/accessList"), get(access_list::list).post(access_list::add))
            .route(&format!("{base}/{{client_id}}/accessList/{{entry}}"), delete(access_list::remove))
            .route(&format!("{base}/{{client_id}}/secrets"), post(secrets::create))
            .route(&format!("{base}/{{client_id}}/secrets/{{secret_id}}"), delete(secrets::remove));
    }
    router.route(&format!("{ORG}/{{client_id}}/groups"), get(projects::list))
}

/// An answer in this resource's media type.
fn answer(status: StatusCode, body: &impl Serialize) -> Response {
    let bytes = serde_json::to_vec(body).expect("JSON values always serialise");
    (status, [(header::CONTENT_TYPE, MEDIA_TYPE)], bytes).into_response()
}

/// 204 with no body.
fn no_content() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static(MEDIA_TYPE));
    response
}
