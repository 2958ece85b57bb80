//! The storage contract for alert configurations: create, read, page, replace, toggle and
//! delete, per project, settings (credentials included) back exactly as stored.

use atlas_integrations::domain::alerts::config::AlertSettings;
use atlas_integrations::domain::ids::ObjectId;
use atlas_integrations::store::Store;
use serde_json::json;

pub async fn keeps_the_alert_config_contract(store: &dyn Store) {
    let project = store.create_project("alerting", None).await.unwrap();
    let other = store.create_project("elsewhere", None).await.unwrap();
    let settings = AlertSettings::parse(
        &json!({"eventTypeName": "HOST_DOWN", "enabled": true,
                "notifications": [{"typeName": "SLACK", "apiToken": "xoxb-contract", "channelName": "ops"}]}),
        None,
    )
    .unwrap();
    let first = store.create_alert_config(project.id, settings.clone(), 500).await.unwrap();
    let second = store.create_alert_config(project.id, settings.clone(), 500).await.unwrap();
    let found = store.get_alert_config(project.id, first.id).await.unwrap().unwrap();
    assert_eq!(found, first, "back exactly as stored, credentials in clear");
    assert_eq!(found.settings.notifications[0].fields["apiToken"], "xoxb-contract");
    assert!(
        store.get_alert_config(other.id, first.id).await.unwrap().is_none(),
        "configurations stay in their project"
    );

    let (page, total) = store.list_alert_configs(project.id, 1, 1).await.unwrap();
    assert_eq!((page.len(), total, page[0].id), (1, 2, second.id), "oldest first");
    assert_eq!(store.list_alert_configs(other.id, 0, 10).await.unwrap().1, 0);

    let off = store.set_alert_config_enabled(project.id, first.id, false).await.unwrap().unwrap();
    assert!(!off.settings.enabled);
    assert_eq!(off.created_ms, first.created_ms);
    let mut replaced = settings.clone();
    replaced.event_type_name = "NO_PRIMARY".into();
    let after = store.replace_alert_config(project.id, first.id, replaced.clone()).await.unwrap().unwrap();
    assert_eq!(store.get_alert_config(project.id, first.id).await.unwrap().unwrap().settings, replaced);
    assert_eq!(after.id, first.id);
    let missing = ObjectId::generate();
    assert!(store.replace_alert_config(project.id, missing, replaced).await.unwrap().is_none());
    assert!(store.set_alert_config_enabled(project.id, missing, true).await.unwrap().is_none());

    assert!(store.delete_alert_config(project.id, first.id).await.unwrap());
    assert!(!store.delete_alert_config(project.id, first.id).await.unwrap());
    assert!(!store.delete_alert_config(other.id, second.id).await.unwrap(), "not another project's");
    assert_eq!(store.list_alert_configs(project.id, 0, 10).await.unwrap().1, 1);
}
