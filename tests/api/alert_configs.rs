//! Atlas's Alert Configurations resource over HTTP: create, read, replace, toggle and delete
//! on every mount, credentials sealed and masked (and kept when sent back masked), the
//! refusals in Atlas's envelope, and the matcher field names.

use atlas_integrations::domain::ids::ObjectId;
use serde_json::{Value, json};

use crate::helpers::TestApp;

const MOUNTS: [&str; 3] = ["/api/atlas/v2", "/api/atlas/v1.0", "/api/public/v1.0"];
const SECRET: &str = "whsec-6f1d2e9a";
const HOOK: &str = "https://hooks.example.com/alerts/7c41";

fn configs(app: &TestApp, mount: &str) -> String {
    format!("{mount}/groups/{}/alertConfigs", app.project.id)
}

fn host_down() -> Value {
    json!({
        "eventTypeName": "HOST_DOWN",
        "enabled": true,
        "matchers": [{"fieldName": "HOSTNAME_AND_PORT", "operator": "STARTS_WITH", "value": "db-"}],
        "notifications": [{"typeName": "WEBHOOK", "webhookUrl": HOOK, "webhookSecret": SECRET,
                           "delayMin": 0, "intervalMin": 5}]
    })
}

#[tokio::test]
async fn a_configuration_is_created_read_replaced_toggled_and_deleted_on_every_mount() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    for mount in MOUNTS {
        let created = owner.post(&configs(&app, mount), &host_down()).await;
        assert_eq!(created.status, 200, "{}", created.text());
        let config = created.json();
        let id = config["id"].as_str().unwrap().to_owned();
        assert_eq!(config["groupId"], app.project.id.to_string());
        assert_eq!(config["eventTypeName"], "HOST_DOWN");
        assert_eq!(config["enabled"], true);
        assert_eq!(config["matchers"][0]["operator"], "STARTS_WITH");
        let notification = &config["notifications"][0];
        assert_eq!(notification["webhookSecret"], "******");
        assert_eq!(notification["webhookUrl"], "https://hooks.example.com/****7c41");
        assert_eq!(notification["intervalMin"], 5);
        assert!(notification["notifierId"].as_str().is_some_and(|id| id.len() == 24));
        assert!(
            config["links"][0]["href"]
                .as_str()
                .unwrap()
                .ends_with(&format!("{mount}/groups/{}/alertConfigs/{id}", app.project.id))
        );
        assert!(!created.text().contains(SECRET));

        let one = format!("{}/{id}", configs(&app, mount));
        assert_eq!(owner.get(&one).await.json(), config);

        // Sent back as read, with a matcher changed: the masked credentials stay as stored.
        let mut changed = config.clone();
        changed["matchers"][0]["value"] = json!("db-1");
        let replaced = owner.put(&one, &changed).await;
        assert_eq!(replaced.status, 200, "{}", replaced.text());
        assert_eq!(replaced.json()["matchers"][0]["value"], "db-1");
        let group = app.project.id;
        let stored = app.store.get_alert_config(group, ObjectId::parse(&id).unwrap()).await.unwrap().unwrap();
        assert_eq!(stored.settings.notifications[0].fields["webhookSecret"], SECRET);
        assert_eq!(stored.settings.notifications[0].fields["webhookUrl"], HOOK);

        let off = owner.patch(&one, &json!({"enabled": false})).await;
        assert_eq!(off.status, 200);
        assert_eq!(off.json()["enabled"], false);
        assert_eq!(owner.get(&one).await.json()["enabled"], false);

        let list = owner.get(&configs(&app, mount)).await.json();
        assert_eq!(list["results"].as_array().unwrap().len(), 1);
        assert_eq!(owner.delete(&one).await.status, 204);
        owner.get(&one).await.assert_error(404, "ALERT_CONFIG_NOT_FOUND");
        owner.delete(&one).await.assert_error(404, "ALERT_CONFIG_NOT_FOUND");
    }
}

#[tokio::test]
async fn the_list_is_paginated_oldest_first_with_its_count() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    for _ in 0..3 {
        assert_eq!(owner.post(&configs(&app, "/api/atlas/v2"), &host_down()).await.status, 200);
    }
    let page =
        owner.get(&format!("{}?itemsPerPage=2&pageNum=2", configs(&app, "/api/atlas/v2"))).await.json();
    assert_eq!(page["totalCount"], 3);
    assert_eq!(page["results"].as_array().unwrap().len(), 1);
    let all = owner.get(&configs(&app, "/api/atlas/v2")).await.json();
    let created: Vec<&str> =
        all["results"].as_array().unwrap().iter().map(|c| c["created"].as_str().unwrap()).collect();
    let mut sorted = created.clone();
    sorted.sort();
    assert_eq!(created, sorted);
}

#[tokio::test]
async fn bad_configurations_and_callers_without_the_role_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    let path = configs(&app, "/api/atlas/v2");
    let mut unknown = host_down();
    unknown["eventTypeName"] = json!("NOT_AN_EVENT");
    let refused = owner.post(&path, &unknown).await.assert_error(400, "INVALID_ATTRIBUTE");
    assert!(refused["detail"].as_str().unwrap().contains("NOT_AN_EVENT"));
    let mut no_notifications = host_down();
    no_notifications["notifications"] = json!([]);
    owner.post(&path, &no_notifications).await.assert_error(400, "INVALID_ATTRIBUTE");
    let metric = json!({"eventTypeName": "OUTSIDE_METRIC_THRESHOLD",
                        "metricThreshold": {"metricName": "NOT_A_METRIC", "threshold": 1},
                        "notifications": [{"typeName": "EMAIL", "emailAddress": "ops@example.com"}]});
    owner.post(&path, &metric).await.assert_error(400, "INVALID_ATTRIBUTE");
    let foreign = json!({"eventTypeName": "HOST_DOWN",
                         "notifications": [{"typeName": "SLACK", "integrationId": "5f0000000000000000000001"}]});
    owner.post(&path, &foreign).await.assert_error(400, "INVALID_ATTRIBUTE");
    let reader = app.client(&app.reader);
    reader.post(&path, &host_down()).await.assert_error(401, "USER_UNAUTHORIZED");
    assert_eq!(owner.get(&path).await.json()["totalCount"], 0, "nothing was stored");
    assert_eq!(reader.get(&path).await.status, 200, "a read-only key reads");
    owner.get(&format!("{path}/not-an-id")).await.assert_error(404, "ALERT_CONFIG_NOT_FOUND");
    owner.get(&format!("{path}/5f0000000000000000000001")).await.assert_error(404, "ALERT_CONFIG_NOT_FOUND");
}

#[tokio::test]
async fn a_notification_may_name_the_projects_integration_of_its_type() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    let slack = owner
        .post(&app.v2("SLACK"), &json!({"type": "SLACK", "apiToken": "xoxb-1", "channelName": "ops"}))
        .await;
    let integration = slack.json()["results"][0]["id"].as_str().unwrap().to_owned();
    let body = json!({"eventTypeName": "NO_PRIMARY",
                      "notifications": [{"typeName": "SLACK", "integrationId": integration}]});
    let created = owner.post(&configs(&app, "/api/atlas/v2"), &body).await;
    assert_eq!(created.status, 200, "{}", created.text());
    assert_eq!(created.json()["notifications"][0]["integrationId"], integration);
    let wrong_type = json!({"eventTypeName": "NO_PRIMARY",
                            "notifications": [{"typeName": "PAGER_DUTY", "integrationId": integration}]});
    owner.post(&configs(&app, "/api/atlas/v2"), &wrong_type).await.assert_error(400, "INVALID_ATTRIBUTE");
}

#[tokio::test]
async fn credentials_are_sealed_at_rest() {
    let app = TestApp::spawn().await;
    assert_eq!(app.owner().post(&configs(&app, "/api/atlas/v2"), &host_down()).await.status, 200);
    let raw = app.database.raw_bytes(app.data_dir.path());
    assert!(
        !raw.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
        "the secret is never stored in clear"
    );
}

#[tokio::test]
async fn the_matcher_field_names_are_listed() {
    let app = TestApp::spawn().await;
    let names = app.owner().get("/api/atlas/v2/alertConfigs/matchers/fieldNames").await;
    assert_eq!(names.status, 200);
    let names = names.json();
    for expected in ["HOSTNAME_AND_PORT", "CLUSTER_NAME", "REPLICA_SET_NAME", "APPLICATION_ID"] {
        assert!(names.as_array().unwrap().iter().any(|n| n == expected), "{expected}");
    }
}

#[tokio::test]
async fn the_terraform_providers_notification_fields_that_say_nothing_are_accepted_as_absent() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    // The body of the issue, as the provider sends it for a WEBHOOK notification.
    let body = json!({"enabled": true, "eventTypeName": "HOST_DOWN", "notifications": [
        {"typeName": "WEBHOOK", "intervalMin": 5, "delayMin": 0, "emailEnabled": false,
         "smsEnabled": false, "roles": null, "webhookUrl": "https://example.com/hook", "webhookSecret": "s"}]});
    let created = owner.post(&configs(&app, "/api/atlas/v2"), &body).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let notification = &created.json()["notifications"][0];
    assert!(
        notification.get("emailEnabled").is_none() && notification.get("roles").is_none(),
        "{notification}"
    );
    for (typed, extra) in [
        (json!({"typeName": "SLACK", "apiToken": "xoxb-1", "channelName": "ops"}), json!({"roles": []})),
        (json!({"typeName": "EMAIL", "emailAddress": "ops@example.com"}), json!({"smsEnabled": false})),
    ] {
        let mut notification = typed;
        notification.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let body = json!({"enabled": true, "eventTypeName": "HOST_DOWN", "notifications": [notification]});
        let created = owner.post(&configs(&app, "/api/atlas/v2"), &body).await;
        assert_eq!(created.status, 200, "{}", created.text());
    }
    let meaningful = json!({"enabled": true, "eventTypeName": "HOST_DOWN", "notifications": [
        {"typeName": "WEBHOOK", "emailEnabled": true, "webhookUrl": "https://example.com/hook"}]});
    let refused = owner.post(&configs(&app, "/api/atlas/v2"), &meaningful).await;
    refused.assert_error(400, "INVALID_ATTRIBUTE");
    assert_eq!(owner.get(&configs(&app, "/api/atlas/v2")).await.json()["totalCount"], 3);
}
