//! The rest of the storage contract: organizations, key administration (roles, access
//! lists, listing), the audit trail, replay memory, the write probe, re-sealing and imports.

use atlas_integrations::domain::api_key::{Ha1, ProjectRole};
use atlas_integrations::domain::event::{EventFilter, EventType};
use atlas_integrations::domain::ids::ObjectId;
use atlas_integrations::domain::integration::{IntegrationType, Operation, Patch};
use atlas_integrations::store::{COPIED, Resealed, Store, StoreError};
use serde_json::json;

use super::{actor, key};

pub async fn keeps_the_rest_of_the_contract(store: &dyn Store) {
    organizations_and_keys(store).await;
    events(store).await;
    replays_probe_reseal_and_tables(store).await;
}

async fn organizations_and_keys(store: &dyn Store) {
    let org = store.create_organization("Payments").await.unwrap();
    assert!(matches!(store.create_organization("Payments").await, Err(StoreError::Conflict(_))));
    assert!(store.list_organizations().await.unwrap().iter().any(|o| o.id == org.id));
    let billing = store.create_project("billing", Some(org.id)).await.unwrap();
    assert_eq!(billing.org_id, org.id);
    assert!(matches!(
        store.create_project("nowhere", Some(ObjectId::generate())).await,
        Err(StoreError::NotFound(_))
    ));

    let api_key = key(org.id, vec![]);
    store.create_api_key(&api_key, &Ha1::derive(&api_key.public_key, "private")).await.unwrap();
    assert!(store.list_api_keys().await.unwrap().iter().any(|k| k.public_key == api_key.public_key));
    store.grant_project_role(&api_key.public_key, billing.id, ProjectRole::GroupReadOnly).await.unwrap();
    let entry = "203.0.113.0/24".parse().unwrap();
    store.add_access_entry(&api_key.public_key, entry).await.unwrap();
    store.add_access_entry(&api_key.public_key, entry).await.unwrap();
    let (found, _) = store.find_api_key(&api_key.public_key).await.unwrap().unwrap();
    assert_eq!(found.project_roles, [(billing.id, ProjectRole::GroupReadOnly)]);
    assert_eq!(found.access_list, [entry], "an entry added twice is kept once");
    store.remove_access_entry(&api_key.public_key, entry).await.unwrap();
    assert!(matches!(
        store.remove_access_entry(&api_key.public_key, entry).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.find_api_key(&api_key.public_key).await.unwrap().unwrap().0.access_list.is_empty());
}

async fn events(store: &dyn Store) {
    let project = store.create_project("audited", None).await.unwrap();
    let other = store.create_project("quiet", None).await.unwrap();
    let ops = Patch::parse(IntegrationType::OpsGenie, json!({"type": "OPS_GENIE", "apiKey": "k-1"})).unwrap();
    store.change_integration(project.id, Operation::Upsert(&ops), &actor()).await.unwrap();
    store
        .change_integration(project.id, Operation::Delete(IntegrationType::OpsGenie), &actor())
        .await
        .unwrap();

    let (all, total) = store.list_events(project.id, &EventFilter::default(), 0, 10).await.unwrap();
    assert_eq!(total, 2);
    let kinds: Vec<_> = all.iter().map(|e| e.event_type).collect();
    assert_eq!(kinds, [EventType::IntegrationRemoved, EventType::IntegrationConfigured], "newest first");
    let removed = EventFilter { types: vec![EventType::IntegrationRemoved], ..EventFilter::default() };
    let (only, total) = store.list_events(project.id, &removed, 0, 10).await.unwrap();
    assert_eq!((only.len(), total), (1, 1));
    let (page, total) = store.list_events(project.id, &EventFilter::default(), 1, 1).await.unwrap();
    assert_eq!((page.len(), total, page[0].id), (1, 2, all[1].id), "the second page of one");
    assert_eq!(store.get_event(project.id, all[0].id).await.unwrap().unwrap().id, all[0].id);
    assert!(store.get_event(other.id, all[0].id).await.unwrap().is_none(), "events stay in their project");
    assert_eq!(store.list_events(other.id, &EventFilter::default(), 0, 10).await.unwrap().1, 0);
}

async fn replays_probe_reseal_and_tables(store: &dyn Store) {
    let expires = i64::MAX / 2;
    let nonce = format!("contract-{}", ObjectId::generate());
    assert!(store.claim_digest_use(&nonce, "00000001", expires).await.unwrap());
    assert!(!store.claim_digest_use(&nonce, "00000001", expires).await.unwrap(), "a replay");
    assert!(store.claim_digest_use(&nonce, "00000002", expires).await.unwrap(), "the next count");

    store.probe_write().await.unwrap();
    assert!(!store.writes_failing());
    assert_eq!(store.reseal_all().await.unwrap(), Resealed::default(), "nothing under an old key");

    assert!(store.foreign_key_ids().await.unwrap().is_empty(), "everything opens with this key");
    let tables = store.export_tables().await.unwrap();
    let names: Vec<&str> = tables.iter().map(|table| table.name.as_str()).collect();
    assert_eq!(names, COPIED, "every table copy carries, parents first");
    let refused = store.import_tables(tables).await;
    assert!(matches!(&refused, Err(StoreError::Conflict(why)) if why.contains("not empty")), "{refused:?}");
}
