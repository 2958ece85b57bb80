//! Alert configurations kept in memory, opened and compiled once per revision of their
//! project's configurations: a raise, an acknowledgement or a repeat reads one number from
//! the database (the revision) and, while it has not moved, checks the configurations it
//! already holds, indexed by event type. Every replica checks the revision in its own
//! transaction, so a change made anywhere is seen at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::crypto::Sealer;
use crate::domain::alerts::config::AlertConfig;
use crate::domain::ids::{GroupId, ObjectId};
use crate::store::error::StoreError;
use crate::store::queries::alert_configs;
use crate::store::sql::Sql;
use crate::telemetry::metrics;

/// One project's configurations as of one revision.
#[derive(Debug, Default)]
pub struct ProjectConfigs {
    revision: i64,
    configs: Vec<AlertConfig>,
    /// Positions in `configs` of the enabled ones, by event type.
    enabled_by_event: HashMap<String, Vec<usize>>,
    compiled_bytes: usize,
}

impl ProjectConfigs {
    fn new(revision: i64, configs: Vec<AlertConfig>) -> ProjectConfigs {
        let mut enabled_by_event: HashMap<String, Vec<usize>> = HashMap::new();
        for (at, config) in configs.iter().enumerate().filter(|(_, config)| config.settings.enabled) {
            enabled_by_event.entry(config.settings.event_type_name.clone()).or_default().push(at);
        }
        let compiled_bytes = configs
            .iter()
            .flat_map(|config| &config.settings.matchers)
            .map(|matcher| matcher.compiled_size())
            .sum();
        ProjectConfigs { revision, configs, enabled_by_event, compiled_bytes }
    }

    /// The enabled configurations of an event type, oldest first.
    pub fn enabled_for(&self, event_type: &str) -> impl Iterator<Item = &AlertConfig> {
        let positions = self.enabled_by_event.get(event_type).map_or(&[][..], Vec::as_slice);
        positions.iter().map(|&at| &self.configs[at])
    }

    /// One page (oldest first) and how many there are.
    pub fn page(&self, offset: u64, limit: u64) -> (Vec<AlertConfig>, u64) {
        let clamp = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let page = self.configs.iter().skip(clamp(offset)).take(clamp(limit)).cloned().collect();
        (page, self.configs.len() as u64)
    }

    /// One configuration, enabled or not.
    pub fn get(&self, config_id: ObjectId) -> Option<&AlertConfig> {
        self.configs.iter().find(|config| config.id == config_id)
    }

    /// What holding them costs, roughly: their compiled patterns and a little for each.
    fn weight(&self) -> usize {
        self.compiled_bytes + self.configs.len() * 4096
    }
}

/// The projects' configurations this server holds, within a memory budget.
pub struct ConfigMemory {
    kept: Mutex<Kept>,
    most_bytes: usize,
}

#[derive(Default)]
struct Kept {
    projects: HashMap<GroupId, Arc<ProjectConfigs>>,
    bytes: usize,
}

/// What [`ConfigMemory::new`] holds at most by default: the projects most often raised keep
/// their configurations compiled; past it, others are let go (any of them) and opened again
/// when next needed.
pub const DEFAULT_MOST_BYTES: usize = 256 * 1024 * 1024;

impl ConfigMemory {
    /// A memory holding at most about `most_bytes`.
    pub fn new(most_bytes: usize) -> ConfigMemory {
        ConfigMemory { kept: Mutex::default(), most_bytes }
    }

    /// `group`'s configurations as the transaction `db` sees them: from memory while their
    /// revision has not moved, else opened from the database (and kept, if they fit).
    pub async fn of(
        &self,
        db: &mut dyn Sql,
        sealer: &Sealer,
        group: GroupId,
    ) -> Result<Arc<ProjectConfigs>, StoreError> {
        let Some(revision) = alert_configs::revision(db, group).await? else {
            return Ok(Arc::default());
        };
        if let Some(kept) = self.kept(group).filter(|kept| kept.revision == revision) {
            return Ok(kept);
        }
        let opened = alert_configs::all(db, sealer, group).await?;
        metrics::alert_configs_opened(opened.len());
        let opened = Arc::new(ProjectConfigs::new(revision, opened));
        // Outside one snapshot (PostgreSQL's READ COMMITTED) the revision may have moved while
        // the configurations were read: what was read is used once, and kept only if not.
        if alert_configs::revision(db, group).await? == Some(revision) {
            self.keep(group, opened.clone());
        }
        Ok(opened)
    }

    /// Lets go of `group`'s configurations (its project is deleted).
    pub fn forget(&self, group: GroupId) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(dropped) = kept.projects.remove(&group) {
            kept.bytes -= dropped.weight();
        }
    }

    /// Whether some revision of `group`'s configurations is held.
    pub fn holds(&self, group: GroupId) -> bool {
        self.kept(group).is_some()
    }

    fn kept(&self, group: GroupId) -> Option<Arc<ProjectConfigs>> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner()).projects.get(&group).cloned()
    }

    fn keep(&self, group: GroupId, configs: Arc<ProjectConfigs>) {
        let weight = configs.weight();
        if weight > self.most_bytes {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(previous) = kept.projects.insert(group, configs) {
            kept.bytes -= previous.weight();
        }
        kept.bytes += weight;
        while kept.bytes > self.most_bytes {
            let Some(other) = kept.projects.keys().copied().find(|other| *other != group) else { break };
            if let Some(dropped) = kept.projects.remove(&other) {
                kept.bytes -= dropped.weight();
            }
        }
    }

    /// How much is held.
    #[cfg(test)]
    fn held_bytes(&self) -> usize {
        self.kept.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }
}

impl Default for ConfigMemory {
    fn default() -> ConfigMemory {
        ConfigMemory::new(DEFAULT_MOST_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configs(revision: i64, how_many: usize) -> Arc<ProjectConfigs> {
        Arc::new(ProjectConfigs {
            revision,
            configs: Vec::new(),
            enabled_by_event: HashMap::new(),
            compiled_bytes: how_many * 4096,
        })
    }

    #[test]
    fn memory_past_its_budget_lets_other_projects_go_and_keeps_the_newest() {
        let memory = ConfigMemory::new(10 * 4096);
        let (first, second) = (GroupId(ObjectId::generate()), GroupId(ObjectId::generate()));
        memory.keep(first, configs(1, 6));
        memory.keep(second, configs(1, 6));
        assert!(memory.kept(second).is_some() && memory.kept(first).is_none());
        assert_eq!(memory.held_bytes(), 6 * 4096);
        memory.keep(second, configs(2, 2));
        assert_eq!(memory.held_bytes(), 2 * 4096, "a newer revision replaces the old one's weight");
    }

    #[test]
    fn a_project_larger_than_the_whole_budget_is_not_kept() {
        let memory = ConfigMemory::new(4096);
        memory.keep(GroupId(ObjectId::generate()), configs(1, 2));
        assert_eq!(memory.held_bytes(), 0);
    }
}
