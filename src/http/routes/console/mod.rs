//! The web console (an extension: Atlas's UI has these pages, its API does not): server-
//! rendered HTML, usable without JavaScript, for the people who own a project's
//! integrations. It is another client of the same domain and store as the API: a page
//! reaches a project under the API's access rule, saves through the API's `Patch`, and
//! records the same audit events. Sign-in takes an API key pair or a service account's
//! client id and secret; the session lives in the database, so it holds across restarts and
//! replicas, and every form carries the session's CSRF token.

mod access;
mod access_change;
mod alert_config_body;
mod alert_config_editor;
mod alert_config_form;
mod alert_configs;
mod alert_words;
mod alerts;
mod confirm;
mod cookies;
pub mod csrf;
mod events;
mod form;
mod integration_form;
mod integrations;
mod integrations_summary;
mod page;
mod path_guard;
mod project;
mod projects;
mod redeliver;
mod return_to;
mod session;
mod sign_in;
mod template_preview;
mod user;
mod words;

use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::http::AppState;
use crate::http::rate_limit::limit_requests;

/// The console's stylesheet, the only asset its pages load.
const STYLESHEET: &str = include_str!("../../../../assets/console/console.css");

/// The console's routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let project = "/projects/{group_id}";
    let projects = Router::new()
        .route(project, get(to_integrations))
        .route(&format!("{project}/integrations"), get(integrations_summary::page))
        .route(
            &format!("{project}/integrations/{{integration_type}}"),
            get(integrations::type_page).post(integrations::save),
        )
        .route(&format!("{project}/integrations/{{integration_type}}/remove"), post(integrations::remove))
        .route(&format!("{project}/integrations/{{integration_type}}/test"), post(integrations::test))
        .route(&format!("{project}/integrations/{{integration_type}}/preview"), post(template_preview::page))
        .route(&format!("{project}/alert-configs"), get(alert_configs::page))
        .route(
            &format!("{project}/alert-configs/new"),
            get(alert_config_editor::new).post(alert_config_editor::create),
        )
        .route(
            &format!("{project}/alert-configs/{{config_id}}/edit"),
            get(alert_config_editor::edit).post(alert_config_editor::update),
        )
        .route(&format!("{project}/alert-configs/{{config_id}}/enabled"), post(alert_configs::toggle))
        .route(&format!("{project}/alert-configs/{{config_id}}/delete"), post(alert_configs::delete))
        .route(&format!("{project}/alerts"), get(alerts::list))
        .route(&format!("{project}/alerts/{{alert_id}}"), get(alerts::one))
        .route(&format!("{project}/alerts/{{alert_id}}/acknowledge"), post(alerts::acknowledge))
        .route(&format!("{project}/alerts/{{alert_id}}/close"), post(alerts::close))
        .route(
            &format!("{project}/alerts/{{alert_id}}/notifications/{{notification_id}}/redeliver"),
            post(redeliver::redeliver),
        )
        .route(&format!("{project}/events"), get(events::page))
        .route(&format!("{project}/access"), get(access::page))
        .route(&format!("{project}/access/keys"), post(access_change::create_key))
        .route(&format!("{project}/access/accounts"), post(access_change::create_account_here))
        .route(&format!("{project}/access/{{kind}}/{{holder}}/role"), post(access_change::change_role))
        .route(&format!("{project}/access/{{kind}}/{{holder}}/revoke"), post(access_change::revoke))
        .route(&format!("{project}/access/{{kind}}/{{holder}}/access-list"), post(access_change::add_entry))
        .route(
            &format!("{project}/access/{{kind}}/{{holder}}/access-list/remove"),
            post(access_change::remove_entry),
        )
        // Counted against the project, as the API's requests are.
        .route_layer(from_fn_with_state(state.clone(), limit_requests));
    let signed_in = Router::new()
        .route("/", get(projects::page))
        .route("/sign-out", post(sign_in::sign_out))
        .merge(projects)
        .route_layer(from_fn_with_state(state.clone(), session::require_session));
    Router::new()
        .route("/sign-in", get(sign_in::show).post(sign_in::sign_in))
        .merge(signed_in)
        .layer(from_fn(path_guard::refuse_control_characters))
        .layer(from_fn(page::page_headers))
        .route("/console/assets/console.css", get(stylesheet))
}

async fn to_integrations(Path(group): Path<String>) -> Response {
    Redirect::to(&format!("/projects/{group}/integrations")).into_response()
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        STYLESHEET,
    )
        .into_response()
}
