//! Organizations, projects and programmatic API keys over the API, on Atlas v1.0 and v2:
//! what Terraform and the Atlas CLI create before anything else. Who may do what follows the
//! spec's `x-rolesRequirements`, with the roles this server has (Project Access Manager is
//! `GROUP_OWNER`; reading an organization takes membership, changing it `ORG_OWNER`).

mod body;
mod key_access_list;
mod org_keys;
mod organizations;
mod project_keys;
mod project_options;
mod projects;
mod scope;
mod views;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::http::AppState;

/// The resource's routes under a mount's `prefix`.
pub fn routes(prefix: &str) -> Router<AppState> {
    let org = format!("{prefix}/orgs/{{org_id}}");
    let key = format!("{org}/apiKeys/{{api_user_id}}");
    let group = format!("{prefix}/groups/{{group_id}}");
    Router::new()
        .route(&format!("{prefix}/orgs"), get(organizations::list).post(organizations::create))
        .route(&org, get(organizations::get).patch(organizations::update).delete(organizations::delete))
        .route(&format!("{org}/groups"), get(projects::list_of_org))
        .route(&format!("{org}/apiKeys"), get(org_keys::list).post(org_keys::create))
        .route(&key, get(org_keys::get).patch(org_keys::update).delete(org_keys::delete))
        .route(&format!("{key}/accessList"), get(key_access_list::list).post(key_access_list::add))
        .route(
            &format!("{key}/accessList/{{ip_address}}"),
            get(key_access_list::get).delete(key_access_list::remove),
        )
        .route(&format!("{prefix}/groups"), get(projects::list).post(projects::create))
        .route(&format!("{prefix}/groups/byName/{{group_name}}"), get(projects::by_name))
        .route(&group, get(projects::get).patch(projects::update).delete(projects::delete))
        .route(
            &format!("{group}/settings"),
            get(project_options::settings).patch(project_options::update_settings),
        )
        .route(&format!("{group}/limits"), get(project_options::limits))
        .route(
            &format!("{group}/limits/{{limit_name}}"),
            get(project_options::limit)
                .patch(project_options::set_limit)
                .delete(project_options::reset_limit),
        )
        .route(&format!("{group}/teams"), get(project_options::teams))
        .route(&format!("{group}/ipAddresses"), get(project_options::ip_addresses))
        .route(&format!("{group}/managedSlowMs"), get(project_options::managed_slow_ms))
        .route(&format!("{group}/managedSlowMs/enable"), post(project_options::enable_managed_slow_ms))
        .route(&format!("{group}/managedSlowMs/disable"), delete(project_options::disable_managed_slow_ms))
        .route(&format!("{group}/clusters"), get(project_options::clusters))
        .route(&format!("{group}/apiKeys"), get(project_keys::list).post(project_keys::create))
        .route(
            &format!("{group}/apiKeys/{{api_user_id}}"),
            post(project_keys::assign).patch(project_keys::update).delete(project_keys::unassign),
        )
}
