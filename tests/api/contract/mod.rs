//! The storage contract: what every `Store` must do, checked on each engine directly.

mod alert_configs;
mod console_sessions;
mod keys_events_replays;
mod service_accounts;

use atlas_integrations::crypto::{MasterKey, Sealer};
use atlas_integrations::domain::api_key::{ApiKey, Ha1, OrgRole, ProjectRole};
use atlas_integrations::domain::ids::ObjectId;
use atlas_integrations::domain::integration::{ChangeError, IntegrationType, Operation, Patch};
use atlas_integrations::store::{self, PoolSettings, Store, StoreError};
use serde_json::json;

use crate::helpers::{TestDatabase, postgres_server};

async fn open(database: &TestDatabase) -> std::sync::Arc<dyn Store> {
    let key = MasterKey::read(&database.key_file).unwrap();
    store::open(&database.url, Sealer::new(&key), PoolSettings::default()).await.unwrap()
}

pub(crate) fn key(
    org_id: ObjectId,
    project_roles: Vec<(atlas_integrations::domain::ids::GroupId, ProjectRole)>,
) -> ApiKey {
    ApiKey {
        id: ObjectId::generate(),
        org_id,
        public_key: atlas_integrations::domain::api_key::generate_public_key(),
        description: "contract".into(),
        org_roles: vec![OrgRole::OrgMember],
        project_roles,
        access_list: vec![],
        revoked: false,
    }
}

async fn keeps_the_contract(store: &dyn Store) {
    store.ping().await.unwrap();
    let project = store.create_project("alpha", None).await.unwrap();
    let second = store.create_project("beta", None).await.unwrap();
    assert_eq!(project.org_id, second.org_id, "both in the default organization");
    assert!(matches!(store.create_project("alpha", None).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.find_project(project.id).await.unwrap(), Some(project.clone()));
    assert_eq!(store.list_projects().await.unwrap().len(), 2);
    assert_eq!(store.find_organization(project.org_id).await.unwrap().unwrap().id, project.org_id);

    let api_key = key(project.org_id, vec![(project.id, ProjectRole::GroupOwner)]);
    let ha1 = Ha1::derive(&api_key.public_key, "private");
    store.create_api_key(&api_key, &ha1).await.unwrap();
    let (found, found_ha1) = store.find_api_key(&api_key.public_key).await.unwrap().unwrap();
    assert_eq!(found.project_roles, api_key.project_roles);
    assert_eq!(found.org_roles, api_key.org_roles);
    assert_eq!(found_ha1.md5.expose(), ha1.md5.expose());
    assert!(!found.revoked);
    store.revoke_api_key(&api_key.public_key).await.unwrap();
    assert!(store.find_api_key(&api_key.public_key).await.unwrap().unwrap().0.revoked);
    assert!(matches!(store.revoke_api_key("nobodyxx").await, Err(StoreError::NotFound(_))));
    assert!(store.find_api_key("nobodyxx").await.unwrap().is_none());

    let slack =
        Patch::parse(IntegrationType::Slack, json!({"type": "SLACK", "apiToken": "t-1", "channelName": "a"}))
            .unwrap();
    let pager =
        Patch::parse(IntegrationType::PagerDuty, json!({"type": "PAGER_DUTY", "serviceKey": "k-1"})).unwrap();
    store.change_integration(project.id, Operation::Create(&slack), &actor()).await.unwrap();
    let after = store.change_integration(project.id, Operation::Upsert(&pager), &actor()).await.unwrap();
    let kinds: Vec<_> = after.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, [IntegrationType::PagerDuty, IntegrationType::Slack], "type order");
    assert!(matches!(
        store.change_integration(project.id, Operation::Create(&slack), &actor()).await,
        Err(StoreError::Rejected(ChangeError::AlreadyConfigured(IntegrationType::Slack)))
    ));
    assert!(store.list_integrations(second.id).await.unwrap().is_empty(), "projects are separate");
    let id = store.get_integration(project.id, IntegrationType::Slack).await.unwrap().unwrap().id;
    let renamed = Patch::parse(IntegrationType::Slack, json!({"type": "SLACK", "channelName": "b"})).unwrap();
    store.change_integration(project.id, Operation::Upsert(&renamed), &actor()).await.unwrap();
    assert_eq!(store.get_integration(project.id, IntegrationType::Slack).await.unwrap().unwrap().id, id);
    store.change_integration(project.id, Operation::Delete(IntegrationType::Slack), &actor()).await.unwrap();
    assert!(matches!(
        store.change_integration(project.id, Operation::Delete(IntegrationType::Slack), &actor()).await,
        Err(StoreError::Rejected(ChangeError::NotConfigured(IntegrationType::Slack)))
    ));

    let counts = store.counts().await.unwrap();
    assert_eq!((counts.organizations, counts.projects, counts.api_keys, counts.integrations), (1, 2, 1, 1));
}

#[tokio::test]
async fn the_sqlite_store_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("secret.key");
    MasterKey::generate().write_new(&key_file).unwrap();
    let database = TestDatabase::sqlite(dir.path(), key_file);
    let store = open(&database).await;
    keeps_the_contract(store.as_ref()).await;
    keys_events_replays::keeps_the_rest_of_the_contract(store.as_ref()).await;
    alert_configs::keeps_the_alert_config_contract(store.as_ref()).await;
    service_accounts::keeps_the_service_account_contract(store.as_ref()).await;
    console_sessions::keeps_the_console_session_contract(store.as_ref()).await;
}

#[tokio::test]
#[cfg_attr(not(postgres_tests), ignore = "the PostgreSQL half was not run: set TEST_DATABASE_URL")]
async fn the_postgresql_store_keeps_the_contract() {
    let server = postgres_server().expect("TEST_DATABASE_URL names a PostgreSQL server");
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("secret.key");
    MasterKey::generate().write_new(&key_file).unwrap();
    let database = TestDatabase::postgres(&server, key_file).await;
    let store = open(&database).await;
    keeps_the_contract(store.as_ref()).await;
    keys_events_replays::keeps_the_rest_of_the_contract(store.as_ref()).await;
    alert_configs::keeps_the_alert_config_contract(store.as_ref()).await;
    service_accounts::keeps_the_service_account_contract(store.as_ref()).await;
    console_sessions::keeps_the_console_session_contract(store.as_ref()).await;
}

pub(crate) fn actor() -> atlas_integrations::domain::event::Actor {
    atlas_integrations::domain::event::Actor {
        api_key_id: atlas_integrations::domain::ids::ObjectId::generate(),
        public_key: "testsetu".into(),
        remote_address: None,
    }
}
