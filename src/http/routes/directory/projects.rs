//! Projects: list (those the caller can read), create (in an organization the caller owns or
//! may create projects in), get by id or by name, rename or retag, delete (with everything of
//! it but its events), and an organization's projects.

use axum::extract::{RawPathParams, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::body::{boolean, object, refuse_unknown, string};
use super::scope::TargetOrg;
use super::views::{list_answer, project_json};
use crate::domain::alerts::defaults::default_alert_settings;
use crate::domain::api_key::{Access, OrgRole};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::project::{ProjectRecord, parse_tags, validate_project_name};
use crate::http::AppState;
use crate::http::attributes::{invalid_attribute, missing_attribute};
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::{JsonBody, ListReply, SelfLink, TargetGroup};
use crate::http::mount::Mount;
use crate::http::query::Flags;
use crate::http::routes::integrations::{no_content, ok};
use crate::store::{NewProject, StoreError};

/// What a `Group` body may hold; the read-only ones are ignored (the Go SDK sends them).
const GROUP_ATTRIBUTES: &[&str] =
    &["name", "orgId", "tags", "withDefaultAlertsSettings", "regionUsageRestrictions"];
const READ_ONLY: &[&str] = &["id", "created", "clusterCount", "links"];

fn name_taken(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::GroupAlreadyExists,
        format!("A group with name \"{name}\" already exists."),
        vec![name.to_owned()],
    )
}

/// Store refusals as Atlas says them for a project named `name`.
fn refused(error: StoreError, name: &str) -> ApiError {
    match error {
        StoreError::Conflict(_) => name_taken(name),
        other => other.into(),
    }
}

fn checked_name(value: &Value) -> Result<String, ApiError> {
    let name = string(value, "name")?;
    validate_project_name(&name).map_err(invalid_attribute)?;
    Ok(name)
}

/// Every project the caller may read, oldest first.
pub async fn list(
    State(state): State<AppState>,
    reply: ListReply,
    Caller(caller): Caller,
) -> Result<Response, ApiError> {
    // A key reaches projects of its own organization only (its project roles are there too).
    let visible: Vec<ProjectRecord> = state
        .store
        .project_records(Some(caller.org_id))
        .await?
        .into_iter()
        .filter(|record| caller.access_to(&record.project) >= Access::Read)
        .collect();
    Ok(page(&reply, &visible))
}

/// An organization's projects (its members see all of their names, as Atlas shows them).
pub async fn list_of_org(
    State(state): State<AppState>,
    reply: ListReply,
    target: TargetOrg,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let prefix = name_filter(query.as_deref());
    let projects: Vec<ProjectRecord> = state
        .store
        .project_records(Some(target.org.id))
        .await?
        .into_iter()
        .filter(|record| {
            prefix.as_ref().is_none_or(|prefix| starts_with_ignoring_case(&record.project.name, prefix))
        })
        .collect();
    Ok(page(&reply, &projects))
}

/// The `name` query parameter of a list: a case-insensitive prefix.
pub fn name_filter(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(name, _)| name == "name")
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty())
}

/// Whether `text` starts with `prefix`, letters compared without case.
pub fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.to_lowercase().starts_with(&prefix.to_lowercase())
}

fn page(reply: &ListReply, projects: &[ProjectRecord]) -> Response {
    list_answer(reply, projects, project_json)
}

/// Makes a project. The caller must own the organization or hold `ORG_GROUP_CREATOR` there
/// (and then owns the new project); unless `withDefaultAlertsSettings` is false it starts
/// with the default alert configurations.
pub async fn create(
    State(state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    Caller(caller): Caller,
    RawQuery(query): RawQuery,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    check_owner_parameter(query.as_deref())?;
    let body = object(&body)?;
    refuse_unknown(body, GROUP_ATTRIBUTES, READ_ONLY)?;
    let name = checked_name(body.get("name").ok_or_else(|| missing_attribute("name"))?)?;
    let raw_org = string(body.get("orgId").ok_or_else(|| missing_attribute("orgId"))?, "orgId")?;
    let org = ObjectId::parse(&raw_org)
        .ok_or_else(|| invalid_attribute(format!("orgId {raw_org:?} is not a 24-digit hexadecimal id")))?;
    let tags = match body.get("tags") {
        None | Some(Value::Null) => vec![],
        Some(tags) => parse_tags(tags).map_err(invalid_attribute)?,
    };
    let with_defaults = match body.get("withDefaultAlertsSettings") {
        None | Some(Value::Null) => true,
        Some(value) => boolean(value, "withDefaultAlertsSettings")?,
    };
    if let Some(region) = body.get("regionUsageRestrictions").filter(|value| !value.is_null())
        && region.as_str() != Some("COMMERCIAL_FEDRAMP_REGIONS_ONLY")
    {
        return Err(invalid_attribute(
            "regionUsageRestrictions: this server keeps commercial projects only (COMMERCIAL_FEDRAMP_REGIONS_ONLY)",
        ));
    }
    if !caller.may_create_projects_in(org) {
        return Err(match caller.is_member_of(org) {
            true => ApiError::new(
                ErrorCode::NotOrgGroupCreator,
                "Creating a project takes ORG_OWNER or ORG_GROUP_CREATOR in its organization.",
                vec![org.to_string()],
            ),
            false => ApiError::user_unauthorized(),
        });
    }
    let creator_only = !caller.org_roles.contains(&OrgRole::OrgOwner);
    let new = NewProject {
        name: name.clone(),
        org: Some(org),
        tags,
        owner_key: creator_only.then_some(caller.id),
        with_default_alerts: with_defaults,
        alert_configs: if with_defaults { default_alert_settings() } else { vec![] },
    };
    let record = state.store.create_project_with(new).await.map_err(|error| match error {
        StoreError::NotFound(_) => super::scope::org_not_found(&raw_org),
        other => refused(other, &name),
    })?;
    Ok(ok(mount, StatusCode::OK, &project_json(mount, &at, &record)))
}

/// `projectOwnerId` names a user to own the project; this server has no users, so it is
/// checked for its shape and otherwise has no effect.
fn check_owner_parameter(query: Option<&str>) -> Result<(), ApiError> {
    let owner = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(name, _)| name == "projectOwnerId");
    match owner {
        Some((_, value)) if ObjectId::parse(&value).is_none() => {
            Err(ApiError::invalid_query_parameter("projectOwnerId", "a 24-digit hexadecimal user id"))
        }
        _ => Ok(()),
    }
}

fn record_or_not_found(record: Option<ProjectRecord>, group: GroupId) -> Result<ProjectRecord, ApiError> {
    record.ok_or_else(|| ApiError::group_not_found(&group.to_string()))
}

/// One project.
pub async fn get(
    State(state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    TargetGroup(group): TargetGroup,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let record = record_or_not_found(state.store.project_record(group).await?, group)?;
    Ok(ok(mount, StatusCode::OK, &project_json(mount, &at, &record)))
}

/// The project called `{groupName}` that the caller may read; `404 GROUP_NAME_NOT_FOUND`
/// when it may read none of that name (whether others exist is not told).
pub async fn by_name(
    State(state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    Caller(caller): Caller,
    params: RawPathParams,
) -> Result<Response, ApiError> {
    let name = params
        .iter()
        .find(|(key, _)| *key == "group_name")
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default();
    let found = state
        .store
        .projects_named(&name)
        .await?
        .into_iter()
        .find(|record| caller.access_to(&record.project) >= Access::Read);
    let record = found.ok_or_else(|| {
        ApiError::new(
            ErrorCode::GroupNameNotFound,
            format!("No group with name \"{name}\" exists."),
            vec![name.clone()],
        )
    })?;
    Ok(ok(mount, StatusCode::OK, &project_json(mount, &at, &record)))
}

/// Renames a project, replaces its tags, or records `withDefaultAlertsSettings`.
pub async fn update(
    State(state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    TargetGroup(group): TargetGroup,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let body = object(&body)?;
    refuse_unknown(body, &["name", "tags", "withDefaultAlertsSettings"], READ_ONLY)?;
    let name = body.get("name").filter(|value| !value.is_null()).map(checked_name).transpose()?;
    let tags = body
        .get("tags")
        .filter(|value| !value.is_null())
        .map(|tags| parse_tags(tags).map_err(invalid_attribute))
        .transpose()?;
    let defaults = body
        .get("withDefaultAlertsSettings")
        .filter(|value| !value.is_null())
        .map(|value| boolean(value, "withDefaultAlertsSettings"))
        .transpose()?;
    let shown_name = name.clone().unwrap_or_default();
    let record =
        state.store.update_project(group, name, tags, defaults).await.map_err(|error| match error {
            StoreError::NotFound(_) => ApiError::group_not_found(&group.to_string()),
            other => refused(other, &shown_name),
        })?;
    Ok(ok(mount, StatusCode::OK, &project_json(mount, &at, &record)))
}

/// Deletes a project with its integrations, alert configurations, alerts, notifications
/// (sent or waiting) and every role held in it; its events stay.
pub async fn delete(
    State(state): State<AppState>,
    mount: Mount,
    TargetGroup(group): TargetGroup,
    _flags: Flags,
) -> Result<Response, ApiError> {
    if !state.store.delete_project(group).await? {
        return Err(ApiError::group_not_found(&group.to_string()));
    }
    Ok(no_content(mount))
}
