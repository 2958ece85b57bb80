//! Organizations: the caller's own (an API key belongs to one), read by its members; renamed
//! and deleted (once it has no projects) by its owners; and `POST /orgs`, by which an
//! organization owner makes another organization with the first API key it asks for.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::body::{boolean, description, object, org_roles, refuse_unknown, string};
use super::projects::{name_filter, starts_with_ignoring_case};
use super::scope::TargetOrg;
use super::views::{key_json, list_answer, organization_json};
use crate::admin::issue_api_key;
use crate::domain::ids::ObjectId;
use crate::domain::project::validate_organization_name;
use crate::http::AppState;
use crate::http::attributes::{invalid_attribute, missing_attribute};
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::{JsonBody, ListReply, SelfLink};
use crate::http::mount::Mount;
use crate::http::query::Flags;
use crate::http::routes::integrations::{no_content, ok};
use crate::store::StoreError;

const READ_ONLY: &[&str] = &["id", "isDeleted", "links"];

fn name_taken(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::DuplicateOrgName,
        format!("An organization named \"{name}\" already exists."),
        vec![name.to_owned()],
    )
}

fn checked_name(value: Option<&Value>) -> Result<String, ApiError> {
    let name = string(value.ok_or_else(|| missing_attribute("name"))?, "name")?;
    validate_organization_name(&name).map_err(invalid_attribute)?;
    Ok(name)
}

/// The organizations the caller belongs to: its own.
pub async fn list(
    State(state): State<AppState>,
    reply: ListReply,
    Caller(caller): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let prefix = name_filter(query.as_deref());
    let own = state.store.find_organization(caller.org_id).await?;
    let orgs: Vec<_> = own
        .into_iter()
        .filter(|org| prefix.as_ref().is_none_or(|prefix| starts_with_ignoring_case(&org.name, prefix)))
        .collect();
    Ok(list_answer(&reply, &orgs, organization_json))
}

/// One organization.
pub async fn get(mount: Mount, at: SelfLink, target: TargetOrg, _flags: Flags) -> Result<Response, ApiError> {
    Ok(ok(mount, StatusCode::OK, &organization_json(mount, &at, &target.org)))
}

/// Renames an organization.
pub async fn update(
    State(state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    target: TargetOrg,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let body = object(&body)?;
    refuse_unknown(body, &["name", "skipDefaultAlertsSettings"], READ_ONLY)?;
    let name = checked_name(body.get("name"))?;
    if let Some(skip) = body.get("skipDefaultAlertsSettings").filter(|value| !value.is_null()) {
        boolean(skip, "skipDefaultAlertsSettings")?;
    }
    let org = state.store.rename_organization(target.org.id, &name).await.map_err(|error| match error {
        StoreError::Conflict(_) => name_taken(&name),
        StoreError::NotFound(_) => super::scope::org_not_found(&target.org.id.to_string()),
        other => other.into(),
    })?;
    Ok(ok(mount, StatusCode::OK, &organization_json(mount, &at, &org)))
}

/// Deletes an organization that has no projects: its keys are revoked and its service
/// accounts deleted with it.
pub async fn delete(
    State(state): State<AppState>,
    mount: Mount,
    target: TargetOrg,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let id = target.org.id.to_string();
    state.store.delete_organization(target.org.id).await.map_err(|error| match error {
        StoreError::Conflict(detail) => ApiError::new(
            ErrorCode::CannotDeleteOrgActiveProjects,
            format!("Cannot delete an organization that has projects: {detail}."),
            vec![id.clone()],
        ),
        StoreError::NotFound(_) => super::scope::org_not_found(&id),
        other => other.into(),
    })?;
    Ok(no_content(mount))
}

/// Makes an organization, with the API key the body asks for (its private key shown once).
/// Only an organization owner may; the new organization is not the caller's, so the key
/// made with it is how it is managed.
pub async fn create(
    State(state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    Caller(caller): Caller,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    if !caller.owns_organization(caller.org_id) {
        return Err(ApiError::user_unauthorized());
    }
    let body = object(&body)?;
    let taken = ["name", "apiKey", "orgOwnerId", "skipDefaultAlertsSettings", "federationSettingsId"];
    refuse_unknown(body, &taken, &[])?;
    let name = checked_name(body.get("name"))?;
    for id_attribute in ["orgOwnerId", "federationSettingsId"] {
        if let Some(value) = body.get(id_attribute).filter(|value| !value.is_null())
            && ObjectId::parse(&string(value, id_attribute)?).is_none()
        {
            return Err(invalid_attribute(format!("{id_attribute} must be a 24-digit hexadecimal id")));
        }
    }
    let skip_defaults = match body.get("skipDefaultAlertsSettings").filter(|value| !value.is_null()) {
        Some(value) => boolean(value, "skipDefaultAlertsSettings")?,
        None => false,
    };
    let key_request = match body.get("apiKey").filter(|value| !value.is_null()) {
        Some(request) => {
            let request = object(request)?;
            refuse_unknown(request, &["desc", "roles"], &[])?;
            let desc = description(request.get("desc").ok_or_else(|| missing_attribute("apiKey.desc"))?)?;
            let roles = org_roles(request.get("roles").ok_or_else(|| missing_attribute("apiKey.roles"))?)?;
            Some((desc, roles))
        }
        None => None,
    };
    let org = state.store.create_organization(&name).await.map_err(|error| match error {
        StoreError::Conflict(_) => name_taken(&name),
        other => other.into(),
    })?;
    let mut answer = json!({
        "organization": organization_json(mount, &at, &org),
        "skipDefaultAlertsSettings": skip_defaults,
    });
    if let Some((desc, roles)) = key_request {
        let created = issue_api_key(state.store.as_ref(), org.id, &desc, roles, vec![]).await?;
        answer["apiKey"] = key_json(mount, &at, &created.key, Some(&created.private_key));
    }
    if let Some(owner) = body.get("orgOwnerId").filter(|value| !value.is_null()) {
        answer["orgOwnerId"] = owner.clone();
    }
    Ok(ok(mount, StatusCode::CREATED, &super::views::alphabetical(answer)))
}
