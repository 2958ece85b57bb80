//! Projects (Atlas "groups") and the organizations that own them.

use crate::domain::ids::{GroupId, ObjectId};

/// An organization: the owner of projects and API keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    /// The organization's id.
    pub id: ObjectId,
    /// Its human-readable name.
    pub name: String,
}

/// A project, whose integration settings this service keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// The project (group) id used in every path.
    pub id: GroupId,
    /// The organization the project belongs to.
    pub org_id: ObjectId,
    /// Its human-readable name, unique within the organization.
    pub name: String,
}

/// The longest project name accepted, as Atlas's 64-character limit.
pub const MAX_PROJECT_NAME_CHARS: usize = 64;

/// Checks a project name: 1 to 64 characters, not only white space.
pub fn validate_project_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("a project name must not be empty".into());
    }
    if name.chars().count() > MAX_PROJECT_NAME_CHARS {
        return Err(format!("a project name may have at most {MAX_PROJECT_NAME_CHARS} characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names_must_be_present_and_short() {
        assert!(validate_project_name("Payments").is_ok());
        assert!(validate_project_name("  ").is_err());
        assert!(validate_project_name(&"x".repeat(65)).is_err());
    }
}
