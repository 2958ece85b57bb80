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

/// A project as the API answers it: the project, its tags and when it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectRecord {
    /// The project.
    pub project: Project,
    /// Its tags, in the order they were set.
    pub tags: Vec<ResourceTag>,
    /// Whether it was asked for with Atlas's default alert configurations.
    pub with_default_alerts: bool,
}

impl ProjectRecord {
    /// When the project was made (ms since the epoch): the time its id carries, as with
    /// every Atlas id.
    pub fn created_ms(&self) -> i64 {
        self.project.id.0.seconds() * 1000
    }
}

/// A key-value tag on a project, as Atlas's `ResourceTag`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResourceTag {
    /// 1 to 255 characters.
    pub key: String,
    /// 1 to 255 characters.
    pub value: String,
}

/// The most tags a project has, as Atlas's limit of 50 per resource.
pub const MAX_TAGS: usize = 50;
const MAX_TAG_CHARS: usize = 255;

/// Reads a `tags` array: each `{key, value}` of 1 to 255 characters, keys distinct, at most
/// [`MAX_TAGS`].
pub fn parse_tags(value: &serde_json::Value) -> Result<Vec<ResourceTag>, String> {
    let items = value.as_array().ok_or("tags must be an array of {\"key\", \"value\"} objects")?;
    if items.len() > MAX_TAGS {
        return Err(format!("a project may have at most {MAX_TAGS} tags; {} were given", items.len()));
    }
    let mut tags: Vec<ResourceTag> = Vec::with_capacity(items.len());
    for item in items {
        let object = item.as_object().ok_or("each tag must be an object with key and value")?;
        if let Some(other) = object.keys().find(|name| *name != "key" && *name != "value") {
            return Err(format!("tags.{other} is not an attribute of a tag (key, value)"));
        }
        let field = |name: &str| -> Result<String, String> {
            let text = object
                .get(name)
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| format!("each tag needs a string {name}"))?;
            let chars = text.chars().count();
            if chars == 0 || chars > MAX_TAG_CHARS {
                return Err(format!("a tag's {name} must have 1 to {MAX_TAG_CHARS} characters"));
            }
            Ok(text.to_owned())
        };
        let tag = ResourceTag { key: field("key")?, value: field("value")? };
        if tags.iter().any(|known| known.key == tag.key) {
            return Err(format!("the tag key {:?} is given twice", tag.key));
        }
        tags.push(tag);
    }
    Ok(tags)
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
    check_name_characters(name, "project")
}

/// The characters a name may hold besides letters and digits: Atlas's pattern
/// (`-_.(),:&@+'`) and the space its own default names have ("Project 0").
const NAME_PUNCTUATION: &str = " -_.(),:&@+'";

fn check_name_characters(name: &str, what: &str) -> Result<(), String> {
    match name.chars().find(|c| !c.is_alphanumeric() && !NAME_PUNCTUATION.contains(*c)) {
        Some(c) => {
            Err(format!("{c:?} may not be in an {what} name: use letters, digits, spaces and -_.(),:&@+'")
                .replace("an project", "a project"))
        }
        None => Ok(()),
    }
}

/// The longest organization name accepted, as the spec's 64 characters.
pub const MAX_ORGANIZATION_NAME_CHARS: usize = 64;

/// Checks an organization name: 1 to 64 characters, not only white space, no control
/// characters.
pub fn validate_organization_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("an organization name must not be empty".into());
    }
    if name.chars().count() > MAX_ORGANIZATION_NAME_CHARS {
        return Err(format!(
            "an organization name may have at most {MAX_ORGANIZATION_NAME_CHARS} characters"
        ));
    }
    check_name_characters(name, "organization")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names_must_be_present_and_short() {
        assert!(validate_project_name("Payments").is_ok());
        assert!(validate_project_name("  ").is_err());
        assert!(validate_project_name(&"x".repeat(65)).is_err());
        assert!(validate_project_name("a\nb").is_err());
        assert!(validate_project_name("Project 0").is_ok(), "Atlas's own default name");
        assert!(validate_project_name("Čeština (prod), v2.1 & co.").is_ok());
        assert!(validate_project_name("a*b").unwrap_err().contains("'*'"));
        assert!(validate_organization_name("a/b").is_err());
    }

    #[test]
    fn tags_are_key_value_pairs_with_distinct_keys() {
        let tags = parse_tags(&serde_json::json!([{"key": "env", "value": "prod"}])).unwrap();
        assert_eq!(tags, vec![ResourceTag { key: "env".into(), value: "prod".into() }]);
        assert!(parse_tags(&serde_json::json!([{"key": "env"}])).is_err());
        assert!(parse_tags(&serde_json::json!([{"key": "", "value": "x"}])).is_err());
        assert!(parse_tags(&serde_json::json!([{"key": "a", "value": "x", "color": "red"}])).is_err());
        let twice = serde_json::json!([{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]);
        assert!(parse_tags(&twice).unwrap_err().contains("twice"));
        assert!(parse_tags(&serde_json::json!({"key": "a"})).is_err());
    }

    #[test]
    fn a_project_was_made_when_its_id_says() {
        let project =
            Project { id: GroupId(ObjectId::generate()), org_id: ObjectId::generate(), name: "p".into() };
        let record = ProjectRecord { project, tags: vec![], with_default_alerts: false };
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
        assert!((now - record.created_ms()).abs() < 2_000);
    }
}
