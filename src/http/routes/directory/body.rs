//! Reading this resource's request bodies: the value each attribute must have, attributes an
//! operation does not take, and role names (organization or project) checked against the
//! roles this server has.

use serde_json::{Map, Value};

use crate::domain::api_key::check_key_description;
use crate::domain::api_key::{OrgRole, ProjectRole};
use crate::http::attributes::invalid_attribute;
use crate::http::error::ApiError;

/// The body as an object.
pub fn object(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    body.as_object().ok_or_else(|| ApiError::invalid_json("the body must be a JSON object"))
}

/// A string attribute.
pub fn string(value: &Value, name: &str) -> Result<String, ApiError> {
    value.as_str().map(str::to_owned).ok_or_else(|| invalid_attribute(format!("{name} must be a string")))
}

/// A boolean attribute.
pub fn boolean(value: &Value, name: &str) -> Result<bool, ApiError> {
    value.as_bool().ok_or_else(|| invalid_attribute(format!("{name} must be true or false")))
}

/// Refuses an attribute that is neither `taken` nor `ignored` (read-only ones a client may
/// send back).
pub fn refuse_unknown(body: &Map<String, Value>, taken: &[&str], ignored: &[&str]) -> Result<(), ApiError> {
    match body.keys().find(|name| !taken.contains(&name.as_str()) && !ignored.contains(&name.as_str())) {
        Some(name) => Err(invalid_attribute(format!("{name} is not an attribute of this request"))),
        None => Ok(()),
    }
}

/// A key's `desc`: 1 to 250 characters.
pub fn description(value: &Value) -> Result<String, ApiError> {
    let text = string(value, "desc")?;
    check_key_description(&text).map_err(invalid_attribute)?;
    Ok(text)
}

fn role_names(value: &Value) -> Result<Vec<&str>, ApiError> {
    let names = value
        .as_array()
        .and_then(|items| items.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
        .ok_or_else(|| invalid_attribute("roles must be a list of role names"))?;
    if names.is_empty() {
        return Err(invalid_attribute("roles must name at least one role"));
    }
    Ok(names)
}

/// Organization roles, each once, in the order given.
pub fn org_roles(value: &Value) -> Result<Vec<OrgRole>, ApiError> {
    let mut roles = Vec::new();
    for name in role_names(value)? {
        let role: OrgRole = name.parse().map_err(|why: String| {
            invalid_attribute(match name.starts_with("GROUP_") {
                true => format!("{name} is a project role; an organization key takes organization roles"),
                false => why,
            })
        })?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// Project roles, each once, in the order given.
pub fn project_roles(value: &Value) -> Result<Vec<ProjectRole>, ApiError> {
    let mut roles = Vec::new();
    for name in role_names(value)? {
        let role: ProjectRole = name.parse().map_err(|why: String| {
            invalid_attribute(match name.starts_with("ORG_") {
                true => format!("{name} is an organization role; a project assignment takes project roles"),
                false => why,
            })
        })?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}
