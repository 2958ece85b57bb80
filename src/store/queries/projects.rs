//! Projects: made (with their tags, the key that made them and their first alert
//! configurations), read, renamed, deleted, and what Terraform keeps on them (settings,
//! limits, managed slow ms). A deleted project keeps its row, marked with `deleted_ms`, so
//! that its events stay; everything else of it goes in the same transaction.

use std::collections::BTreeMap;

use crate::crypto::Sealer;
use crate::domain::alerts::config::AlertSettings;
use crate::domain::api_key::ProjectRole;
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::project::{Project, ProjectRecord, ResourceTag};
use crate::domain::project_options::{OptionsChange, ProjectOptions};
use crate::store::clock::now_ms;
use crate::store::error::StoreError;
use crate::store::rows;
use crate::store::sql::{Param, Sql, id, text};

use super::alert_configs;
use super::organizations::{default_organization, find_organization};

macro_rules! live_projects {
    ($where:literal) => {
        concat!(
            "SELECT id, org_id, name, tags, with_default_alerts FROM projects WHERE deleted_ms IS NULL AND ",
            $where
        )
    };
}
const INSERT_PROJECT: &str = "INSERT INTO projects (id, org_id, name, created_at, tags, with_default_alerts) \
     VALUES ($1, $2, $3, $4, $5, $6)";
const PROJECT: &str = live_projects!("id = $1");
const PROJECTS: &str = live_projects!("TRUE ORDER BY created_at, id");
const PROJECTS_OF: &str = live_projects!("org_id = $1 ORDER BY created_at, id");
const PROJECTS_NAMED: &str = live_projects!("name = $1 ORDER BY created_at, id");
const UPDATE: &str = "UPDATE projects SET name = COALESCE($2, name), tags = COALESCE($3, tags), \
     with_default_alerts = CASE WHEN $4 IS NULL THEN with_default_alerts ELSE $4 = 1 END \
     WHERE id = $1 AND deleted_ms IS NULL";
const OPTIONS: &str =
    "SELECT settings, limits, managed_slow_ms FROM projects WHERE id = $1 AND deleted_ms IS NULL";
const SET_OPTIONS: &str = "UPDATE projects SET settings = $2, limits = $3, managed_slow_ms = $4 \
     WHERE id = $1 AND deleted_ms IS NULL";
const GRANT: &str = "INSERT INTO api_key_project_roles (api_key_id, project_id, role) VALUES ($1, $2, $3) \
     ON CONFLICT DO NOTHING";
const MARK_DELETED: &str = "UPDATE projects SET deleted_ms = $2, alert_configs_revision = alert_configs_revision + 1 \
     WHERE id = $1 AND deleted_ms IS NULL";
/// What goes with a deleted project, children before parents.
const DELETE_WITH_PROJECT: &[&str] = &[
    "DELETE FROM notifications WHERE project_id = $1",
    "DELETE FROM alerts WHERE project_id = $1",
    "DELETE FROM alert_configs WHERE project_id = $1",
    "DELETE FROM integrations WHERE project_id = $1",
    "DELETE FROM api_key_project_roles WHERE project_id = $1",
    "DELETE FROM service_account_project_roles WHERE project_id = $1",
];

/// A project to make.
#[derive(Clone, Debug)]
pub struct NewProject {
    /// Its name, unique among the organization's live projects.
    pub name: String,
    /// Its organization (`None`: the default organization, made on first use).
    pub org: Option<ObjectId>,
    /// Its tags.
    pub tags: Vec<ResourceTag>,
    /// A key to make its owner (one whose organization role lets it create projects but not
    /// own them).
    pub owner_key: Option<ObjectId>,
    /// Whether it was asked for with Atlas's default alert configurations.
    pub with_default_alerts: bool,
    /// The alert configurations it starts with.
    pub alert_configs: Vec<AlertSettings>,
}

impl NewProject {
    /// A project with only a name, in `org`.
    pub fn named(name: &str, org: Option<ObjectId>) -> Self {
        NewProject {
            name: name.to_owned(),
            org,
            tags: vec![],
            owner_key: None,
            with_default_alerts: false,
            alert_configs: vec![],
        }
    }
}

fn tags_json(tags: &[ResourceTag]) -> String {
    serde_json::to_string(tags).expect("tags always serialise")
}

/// Makes a project, with its owner and first alert configurations, in one transaction.
/// `NotFound` if the organization does not exist, `Conflict` if it has a project of that name.
pub async fn create_project(
    db: &mut dyn Sql,
    sealer: &Sealer,
    new: NewProject,
) -> Result<ProjectRecord, StoreError> {
    let org_id = match new.org {
        Some(org) => match find_organization(db, org).await? {
            Some(_) => org,
            None => return Err(StoreError::NotFound(format!("no organization has the id {org}"))),
        },
        None => default_organization(db).await?,
    };
    let project = Project { id: GroupId(ObjectId::generate()), org_id, name: new.name.clone() };
    let tags = tags_json(&new.tags);
    let params = [
        id(project.id),
        id(org_id),
        text(&new.name),
        Param::Now,
        text(&tags),
        Param::Bool(new.with_default_alerts),
    ];
    db.execute(INSERT_PROJECT, &params)
        .await
        .map_err(|e| e.conflict_as(|| format!("a project named {:?} already exists", new.name)))?;
    if let Some(key) = new.owner_key {
        db.execute(GRANT, &[id(key), id(project.id), text(ProjectRole::GroupOwner.as_str())]).await?;
    }
    for settings in new.alert_configs {
        // A new project holds none yet: no limit can be reached.
        alert_configs::create(db, sealer, project.id, settings, u32::MAX).await?;
    }
    Ok(ProjectRecord { project, tags: new.tags, with_default_alerts: new.with_default_alerts })
}

/// The live project with this id, if any.
pub async fn find_project(db: &mut dyn Sql, project: GroupId) -> Result<Option<Project>, StoreError> {
    Ok(find_record(db, project).await?.map(|record| record.project))
}

/// The live project with this id and its tags, if any.
pub async fn find_record(db: &mut dyn Sql, project: GroupId) -> Result<Option<ProjectRecord>, StoreError> {
    db.fetch_optional(PROJECT, &[id(project)]).await?.map(rows::project_record).transpose()
}

/// Every live project (of `org`, if given), oldest first.
pub async fn list_records(db: &mut dyn Sql, org: Option<ObjectId>) -> Result<Vec<ProjectRecord>, StoreError> {
    let rows = match org {
        Some(org) => db.fetch(PROJECTS_OF, &[id(org)]).await?,
        None => db.fetch(PROJECTS, &[]).await?,
    };
    rows.into_iter().map(rows::project_record).collect()
}

/// Every live project, oldest first.
pub async fn list_projects(db: &mut dyn Sql) -> Result<Vec<Project>, StoreError> {
    Ok(list_records(db, None).await?.into_iter().map(|record| record.project).collect())
}

/// The live projects called `name`, in any organization, oldest first.
pub async fn records_named(db: &mut dyn Sql, name: &str) -> Result<Vec<ProjectRecord>, StoreError> {
    db.fetch(PROJECTS_NAMED, &[text(name)]).await?.into_iter().map(rows::project_record).collect()
}

/// What a project update changes (`None`: leaves as it is).
#[derive(Clone, Copy, Debug, Default)]
pub struct ProjectChange<'a> {
    /// A new name.
    pub name: Option<&'a str>,
    /// New tags, replacing the old.
    pub tags: Option<&'a [ResourceTag]>,
    /// The recorded `withDefaultAlertsSettings`.
    pub with_default_alerts: Option<bool>,
}

/// Renames a project, replaces its tags and/or its recorded default-alerts choice; `NotFound` if it is gone, `Conflict` if the
/// organization has another project of the new name.
pub async fn update_project(
    db: &mut dyn Sql,
    project: GroupId,
    change: ProjectChange<'_>,
) -> Result<ProjectRecord, StoreError> {
    let ProjectChange { name, tags, with_default_alerts } = change;
    let tags = tags.map(tags_json);
    let defaults = with_default_alerts.map(|on| if on { 1 } else { 0 });
    let params = [id(project), Param::Text(name), Param::Text(tags.as_deref()), Param::Int(defaults)];
    let changed = db.execute(UPDATE, &params).await.map_err(|e| {
        e.conflict_as(|| format!("a project named {:?} already exists", name.unwrap_or_default()))
    })?;
    if changed == 0 {
        return Err(no_such_project(project));
    }
    find_record(db, project).await?.ok_or_else(|| no_such_project(project))
}

fn no_such_project(project: GroupId) -> StoreError {
    StoreError::NotFound(format!("no project has the id {project}"))
}

/// Deletes a project with its integrations, alert configurations, alerts, notifications
/// (sent or waiting) and the roles keys and service accounts hold in it; its events stay.
/// `false` if there was no such live project.
pub async fn delete_project(db: &mut dyn Sql, project: GroupId) -> Result<bool, StoreError> {
    if db.execute(MARK_DELETED, &[id(project), Param::Int(Some(now_ms()))]).await? == 0 {
        return Ok(false);
    }
    for statement in DELETE_WITH_PROJECT {
        db.execute(statement, &[id(project)]).await?;
    }
    Ok(true)
}

/// What the project holds besides its name and tags.
pub async fn options(db: &mut dyn Sql, project: GroupId) -> Result<ProjectOptions, StoreError> {
    let mut row =
        db.fetch_optional(OPTIONS, &[id(project)]).await?.ok_or_else(|| no_such_project(project))?;
    let corrupt = |what: &str, e: serde_json::Error| StoreError::Corrupt(format!("a project's {what}: {e}"));
    let settings: BTreeMap<String, bool> =
        serde_json::from_str(&row.text(0)?).map_err(|e| corrupt("settings", e))?;
    let limits: BTreeMap<String, i64> =
        serde_json::from_str(&row.text(1)?).map_err(|e| corrupt("limits", e))?;
    Ok(ProjectOptions { settings, limits, managed_slow_ms: row.bool(2)? })
}

/// Applies `change` to what the project holds and stores the result.
pub async fn change_options(
    db: &mut dyn Sql,
    project: GroupId,
    change: OptionsChange,
) -> Result<ProjectOptions, StoreError> {
    let mut current = options(db, project).await?;
    current.apply(change);
    let settings = serde_json::to_string(&current.settings).expect("settings always serialise");
    let limits = serde_json::to_string(&current.limits).expect("limits always serialise");
    let params = [id(project), text(&settings), text(&limits), Param::Bool(current.managed_slow_ms)];
    db.execute(SET_OPTIONS, &params).await?;
    Ok(current)
}
