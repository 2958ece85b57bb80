//! The request bodies: an account's `name`, `description`, `roles` (organization roles at an
//! organization, project roles at a project) and `secretExpiresAfterHours`, each checked as
//! the spec says; an attribute the operation does not take is refused.

use serde_json::Value;

use super::scope::Scope;
use crate::domain::api_key::{OrgRole, ProjectRole};
use crate::domain::service_account::{check_description, check_name, check_secret_hours};
use crate::http::attributes::{invalid_attribute, missing_attribute};
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;

/// Roles, as the scope names them.
#[derive(Clone, Debug)]
pub enum Roles {
    /// At an organization.
    Org(Vec<OrgRole>),
    /// At a project.
    Project(Vec<ProjectRole>),
}

/// What a body says (absent or `null`: not said).
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// `name`.
    pub name: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `roles`.
    pub roles: Option<Roles>,
    /// `secretExpiresAfterHours`.
    pub secret_hours: Option<i64>,
}

fn invalid(reason: String) -> ApiError {
    invalid_attribute(reason)
}

/// `MISSING_ATTRIBUTE` for `name`.
pub fn missing(name: &str) -> ApiError {
    missing_attribute(name)
}

fn text(value: &Value, name: &str) -> Result<String, ApiError> {
    value.as_str().map(str::to_owned).ok_or_else(|| invalid(format!("{name} must be a string")))
}

fn roles(value: &Value, scope: &Scope) -> Result<Roles, ApiError> {
    let names = value.as_array().ok_or_else(|| invalid("roles must be a list of role names".into()))?;
    if names.is_empty() {
        return Err(invalid("roles must name at least one role".into()));
    }
    let mut org = Vec::new();
    let mut project = Vec::new();
    for name in names {
        let name = name.as_str().ok_or_else(|| invalid("roles must be a list of role names".into()))?;
        match scope.group {
            Some(_) => {
                let role: ProjectRole = name.parse().map_err(invalid)?;
                if !project.contains(&role) {
                    project.push(role);
                }
            }
            None => {
                let role: OrgRole = name.parse().map_err(invalid)?;
                if !org.contains(&role) {
                    org.push(role);
                }
            }
        }
    }
    Ok(match scope.group {
        Some(_) => Roles::Project(project),
        None => Roles::Org(org),
    })
}

/// Reads `body`, which may hold only the attributes in `allowed`.
pub fn parse(body: &Value, scope: &Scope, allowed: &[&str]) -> Result<Parsed, ApiError> {
    let object = body.as_object().ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidJson, "The request body must be a JSON object.", vec![])
    })?;
    let mut parsed = Parsed::default();
    for (name, value) in object {
        if !allowed.contains(&name.as_str()) {
            return Err(invalid(format!("{name} is not an attribute of this request")));
        }
        if value.is_null() {
            continue;
        }
        match name.as_str() {
            "name" => {
                let name = text(value, "name")?;
                check_name(&name).map_err(invalid)?;
                parsed.name = Some(name);
            }
            "description" => {
                let description = text(value, "description")?;
                check_description(&description).map_err(invalid)?;
                parsed.description = Some(description);
            }
            "roles" => parsed.roles = Some(roles(value, scope)?),
            _ => {
                let hours = value.as_i64().ok_or_else(|| {
                    invalid("secretExpiresAfterHours must be a whole number of hours".into())
                })?;
                check_secret_hours(hours).map_err(invalid)?;
                parsed.secret_hours = Some(hours);
            }
        }
    }
    Ok(parsed)
}
