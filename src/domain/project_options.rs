//! What Terraform's `mongodbatlas_project` reads and writes besides the project itself: its
//! settings (feature switches), its limits and managed slow ms. A client sets them and reads
//! them back; this server keeps no clusters, so they steer nothing here. What a client has not
//! set reads as Atlas's default.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// A project's settings: each name, and what it reads as until a client sets it.
pub const SETTINGS: &[(&str, bool)] = &[
    ("isClusterAiAssistantEnabled", false),
    ("isCollectDatabaseSpecificsStatisticsEnabled", true),
    ("isDataExplorerEnabled", true),
    ("isDataExplorerGenAIFeaturesEnabled", true),
    ("isDataExplorerGenAISampleDocumentPassingEnabled", false),
    ("isDataValidationEnabled", false),
    ("isExtendedStorageSizesEnabled", false),
    ("isNativeRerankingEnabled", false),
    ("isPerformanceAdvisorEnabled", true),
    ("isRealtimePerformancePanelEnabled", true),
    ("isSchemaAdvisorEnabled", true),
];

/// A limit a project may set: its name, its default (none: unset until a client sets it),
/// the least and the most it may be set to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitSpec {
    /// Atlas's name for the limit.
    pub name: &'static str,
    /// What it is until a client sets it; `None` for Data Federation's, which have none.
    pub default: Option<i64>,
    /// The least value accepted.
    pub least: i64,
    /// The most value accepted.
    pub most: i64,
}

const fn limit(name: &'static str, default: i64, least: i64, most: i64) -> LimitSpec {
    LimitSpec { name, default: Some(default), least, most }
}

const fn federation(name: &'static str) -> LimitSpec {
    LimitSpec { name, default: None, least: 0, most: i64::MAX }
}

/// Every limit, as the spec's table of limit names gives them. Where the table's "API
/// override limit" is below the default (network access entries), the default is the most.
pub const LIMITS: &[LimitSpec] = &[
    limit("atlas.project.deployment.clusters", 25, 1, 100),
    limit("atlas.project.deployment.nodesPerPrivateLinkRegion", 50, 1, 90),
    limit("atlas.project.deployment.serverlessMTMs", 25, 1, 100),
    limit("atlas.project.security.databaseAccess.customRoles", 100, 1, 1400),
    limit("atlas.project.security.databaseAccess.users", 100, 1, 100),
    limit("atlas.project.security.networkAccess.crossRegionEntries", 40, 1, 220),
    limit("atlas.project.security.networkAccess.entries", 200, 1, 200),
    limit("atlas.project.deployment.privateServiceConnectionsPerRegionGroup", 50, 1, 100),
    limit("atlas.project.deployment.privateServiceConnectionsSubnetMask", 27, 20, 27),
    federation("dataFederation.bytesProcessed.query"),
    federation("dataFederation.bytesProcessed.daily"),
    federation("dataFederation.bytesProcessed.weekly"),
    federation("dataFederation.bytesProcessed.monthly"),
];

/// The limit of this name, if there is one.
pub fn limit_spec(name: &str) -> Option<&'static LimitSpec> {
    LIMITS.iter().find(|spec| spec.name == name)
}

/// What a project holds besides its name and tags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectOptions {
    /// The settings a client has set (the rest read as their defaults).
    pub settings: BTreeMap<String, bool>,
    /// The limits a client has set.
    pub limits: BTreeMap<String, i64>,
    /// Whether managed slow ms is on (Atlas's default: on).
    pub managed_slow_ms: bool,
}

impl Default for ProjectOptions {
    fn default() -> Self {
        ProjectOptions { settings: BTreeMap::new(), limits: BTreeMap::new(), managed_slow_ms: true }
    }
}

impl ProjectOptions {
    /// Every setting as it reads now, as Atlas's `GroupSettings`.
    pub fn settings_view(&self) -> Value {
        let mut out = Map::new();
        for (name, default) in SETTINGS {
            let value = self.settings.get(*name).copied().unwrap_or(*default);
            out.insert((*name).to_owned(), Value::Bool(value));
        }
        Value::Object(out)
    }

    /// One limit as Atlas's `DataFederationLimit`; `None` for an unset limit without a
    /// default.
    pub fn limit_view(&self, spec: &LimitSpec) -> Option<Value> {
        let value = self.limits.get(spec.name).copied().or(spec.default)?;
        // Members in alphabetical order, as Atlas writes its answers.
        let mut out = Map::new();
        out.insert("currentUsage".into(), 0.into());
        if let Some(default) = spec.default {
            out.insert("defaultLimit".into(), default.into());
            out.insert("maximumLimit".into(), spec.most.into());
        }
        out.insert("name".into(), spec.name.into());
        out.insert("value".into(), value.into());
        Some(Value::Object(out))
    }

    /// Every limit that has a value, in the spec's order.
    pub fn limits_view(&self) -> Vec<Value> {
        LIMITS.iter().filter_map(|spec| self.limit_view(spec)).collect()
    }
}

/// One change to what a project holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionsChange {
    /// Sets the settings named (the others stay).
    Settings(BTreeMap<String, bool>),
    /// Sets a limit.
    SetLimit(&'static str, i64),
    /// Returns a limit to its default (a Data Federation limit to none).
    ResetLimit(&'static str),
    /// Turns managed slow ms on or off.
    ManagedSlowMs(bool),
}

impl ProjectOptions {
    /// Applies `change`.
    pub fn apply(&mut self, change: OptionsChange) {
        match change {
            OptionsChange::Settings(patch) => self.settings.extend(patch),
            OptionsChange::SetLimit(name, value) => {
                self.limits.insert(name.to_owned(), value);
            }
            OptionsChange::ResetLimit(name) => {
                self.limits.remove(name);
            }
            OptionsChange::ManagedSlowMs(on) => self.managed_slow_ms = on,
        }
    }
}

/// Reads a settings patch: only known names, each a boolean.
pub fn parse_settings_patch(body: &Value) -> Result<BTreeMap<String, bool>, String> {
    let object = body.as_object().ok_or("the settings must be a JSON object")?;
    let mut patch = BTreeMap::new();
    for (name, value) in object {
        if !SETTINGS.iter().any(|(known, _)| known == name) {
            return Err(format!("{name} is not a project setting"));
        }
        let on = value.as_bool().ok_or_else(|| format!("{name} must be true or false"))?;
        patch.insert(name.clone(), on);
    }
    Ok(patch)
}

/// Reads a limit's new value from `{"value": n}` (a `name`, if given, must be the limit's).
pub fn parse_limit_value(spec: &LimitSpec, body: &Value) -> Result<i64, String> {
    let object = body.as_object().ok_or("the limit must be a JSON object with a value")?;
    if let Some(other) = object.keys().find(|key| !matches!(key.as_str(), "name" | "value")) {
        return Err(format!("{other} is not an attribute of a limit (name, value)"));
    }
    if let Some(name) = object.get("name")
        && name.as_str() != Some(spec.name)
    {
        return Err(format!("the body's name must be {:?}, the limit of the path", spec.name));
    }
    let value = object.get("value").ok_or("a limit needs a value")?;
    let value = value.as_i64().ok_or("a limit's value must be a whole number")?;
    if value < spec.least || value > spec.most {
        return Err(format!(
            "{} may be set from {} to {}; {value} is outside",
            spec.name, spec.least, spec.most
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_read_as_their_defaults_until_set() {
        let mut options = ProjectOptions::default();
        assert_eq!(options.settings_view()["isDataExplorerEnabled"], json!(true));
        options.settings.extend(parse_settings_patch(&json!({"isDataExplorerEnabled": false})).unwrap());
        assert_eq!(options.settings_view()["isDataExplorerEnabled"], json!(false));
        assert_eq!(options.settings_view().as_object().unwrap().len(), SETTINGS.len());
    }

    #[test]
    fn unknown_or_non_boolean_settings_are_refused() {
        assert!(parse_settings_patch(&json!({"isTurboEnabled": true})).is_err());
        assert!(parse_settings_patch(&json!({"isDataExplorerEnabled": "yes"})).is_err());
    }

    #[test]
    fn limits_have_defaults_and_bounds() {
        let spec = limit_spec("atlas.project.deployment.clusters").unwrap();
        let options = ProjectOptions::default();
        assert_eq!(options.limit_view(spec).unwrap()["value"], json!(25));
        assert_eq!(parse_limit_value(spec, &json!({"value": 40})), Ok(40));
        assert!(parse_limit_value(spec, &json!({"value": 101})).is_err());
        assert!(parse_limit_value(spec, &json!({"value": 0})).is_err());
        assert!(parse_limit_value(spec, &json!({"name": "other", "value": 3})).is_err());
    }

    #[test]
    fn federation_limits_exist_only_once_set() {
        let spec = limit_spec("dataFederation.bytesProcessed.daily").unwrap();
        let mut options = ProjectOptions::default();
        assert_eq!(options.limit_view(spec), None);
        assert_eq!(options.limits_view().len(), 9);
        options.limits.insert(spec.name.into(), 1 << 40);
        assert_eq!(options.limit_view(spec).unwrap()["value"], json!(1_i64 << 40));
    }
}
