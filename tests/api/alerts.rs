//! Atlas's Alerts resource over HTTP, with the extensions that drive it: an observation opens
//! an alert per matching configuration (or updates the open one), acknowledgement in both
//! media types, closing, the cross links between alerts and configurations, and the roles.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

const V2: &str = "/api/atlas/v2";

fn path(app: &TestApp, mount: &str, suffix: &str) -> String {
    format!("{mount}/groups/{}{suffix}", app.project.id)
}

fn host_down_config(enabled: bool) -> Value {
    json!({"eventTypeName": "HOST_DOWN", "enabled": enabled,
           "matchers": [{"fieldName": "PORT", "operator": "EQUALS", "value": "27017"}],
           "notifications": [{"typeName": "EMAIL", "emailAddress": "ops@example.com"}]})
}

fn host_down(host: &str) -> Value {
    json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": host, "clusterName": "Cluster0",
           "humanReadable": format!("Host {host} is down")})
}

async fn configure(app: &TestApp, body: Value) -> String {
    let created = app.owner().post(&path(app, V2, "/alertConfigs"), &body).await;
    assert_eq!(created.status, 200, "{}", created.text());
    created.json()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_observation_opens_one_alert_per_matching_configuration_and_updates_it_after() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    let config = configure(&app, host_down_config(true)).await;
    configure(&app, host_down_config(false)).await;
    let raised = owner.post(&path(&app, V2, "/alerts"), &host_down("db-0.example.net:27017")).await;
    assert_eq!(raised.status, 200, "{}", raised.text());
    let raised = raised.json();
    assert_eq!(raised["totalCount"], 1, "the disabled configuration raises nothing");
    let alert = &raised["results"][0];
    assert_eq!(alert["status"], "OPEN");
    assert_eq!(alert["alertConfigId"], config.as_str());
    assert_eq!(alert["eventTypeName"], "HOST_DOWN");
    assert_eq!(alert["hostnameAndPort"], "db-0.example.net:27017");
    assert_eq!(alert["groupId"], app.project.id.to_string());
    assert_eq!(alert["orgId"], app.project.org_id.to_string());
    let id = alert["id"].as_str().unwrap().to_owned();

    let again = owner.post(&path(&app, V2, "/alerts"), &host_down("db-0.example.net:27017")).await.json();
    assert_eq!(again["results"][0]["id"], id.as_str(), "the open alert is updated, not duplicated");
    let elsewhere = owner.post(&path(&app, V2, "/alerts"), &host_down("db-1.example.net:27018")).await.json();
    assert_eq!(elsewhere["totalCount"], 0, "the matcher leaves other ports alone");

    let all = owner.get(&path(&app, V2, "/alerts")).await.json();
    assert_eq!(all["totalCount"], 1);
    assert_eq!(owner.get(&path(&app, V2, "/alerts?status=OPEN")).await.json()["totalCount"], 1);
    assert_eq!(owner.get(&path(&app, V2, "/alerts?status=CLOSED")).await.json()["totalCount"], 0);
    assert_eq!(owner.get(&path(&app, V2, "/alerts?status=TRACKING")).await.json()["totalCount"], 0);
    owner.get(&path(&app, V2, "/alerts?status=LOST")).await.assert_error(400, "INVALID_QUERY_PARAMETER");
    for mount in ["/api/atlas/v1.0", "/api/public/v1.0"] {
        let one = owner.get(&path(&app, mount, &format!("/alerts/{id}"))).await;
        assert_eq!(one.status, 200);
        assert_eq!(one.json()["id"], id.as_str());
    }
    let configs = owner.get(&path(&app, V2, &format!("/alerts/{id}/alertConfigs"))).await.json();
    assert_eq!(configs["results"][0]["id"], config.as_str());
    let open = owner.get(&path(&app, V2, &format!("/alertConfigs/{config}/alerts"))).await.json();
    assert_eq!(open["results"][0]["id"], id.as_str());
    owner.get(&path(&app, V2, "/alerts/5f0000000000000000000001")).await.assert_error(404, "ALERT_NOT_FOUND");
}

#[tokio::test]
async fn an_alert_is_acknowledged_in_either_media_type_then_unacknowledged() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    configure(&app, host_down_config(true)).await;
    let raised = owner.post(&path(&app, V2, "/alerts"), &host_down("db-0:27017")).await.json();
    let one = path(&app, V2, &format!("/alerts/{}", raised["results"][0]["id"].as_str().unwrap()));

    let newer = "application/vnd.atlas.2024-05-30+json";
    let body = json!({"acknowledgedUntil": "2099-01-01T00:00:00Z", "acknowledgementComment": "on it"});
    let acked = owner
        .send(
            Method::PATCH,
            &one,
            &[("content-type", newer), ("accept", newer)],
            Some(body.to_string().into_bytes()),
        )
        .await;
    assert_eq!(acked.status, 200, "{}", acked.text());
    assert!(acked.header("content-type").unwrap().starts_with(newer));
    let acked = acked.json();
    assert_eq!(acked["acknowledgedUntil"], "2099-01-01T00:00:00Z");
    assert_eq!(acked["acknowledgementComment"], "on it");
    assert_eq!(acked["acknowledgingUsername"], app.owner.public_key.as_str());

    let back = owner.patch(&one, &json!({"unacknowledgeAlert": true})).await;
    assert_eq!(back.status, 200);
    assert!(back.header("content-type").unwrap().contains("2023-01-01"));
    assert!(back.json().get("acknowledgedUntil").is_none());
    owner
        .patch(&one, &json!({"acknowledgedUntil": "2001-01-01T00:00:00Z"}))
        .await
        .assert_error(400, "INVALID_ATTRIBUTE");
}

#[tokio::test]
async fn a_closed_alert_is_resolved_cannot_be_acknowledged_and_the_next_observation_opens_a_new_one() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    configure(&app, host_down_config(true)).await;
    let first = owner.post(&path(&app, V2, "/alerts"), &host_down("db-0:27017")).await.json();
    let id = first["results"][0]["id"].as_str().unwrap().to_owned();
    let closed = owner.post(&path(&app, V2, &format!("/alerts/{id}:close")), &json!({})).await;
    assert_eq!(closed.status, 200, "{}", closed.text());
    let closed = closed.json();
    assert_eq!(closed["status"], "CLOSED");
    assert!(closed["resolved"].as_str().is_some());
    let twice = owner.post(&path(&app, V2, &format!("/alerts/{id}:close")), &json!({})).await.json();
    assert_eq!(twice["resolved"], closed["resolved"], "closing again changes nothing");
    owner
        .patch(
            &path(&app, V2, &format!("/alerts/{id}")),
            &json!({"acknowledgedUntil": "2099-01-01T00:00:00Z"}),
        )
        .await
        .assert_error(400, "INVALID_ATTRIBUTE");
    let next = owner.post(&path(&app, V2, "/alerts"), &host_down("db-0:27017")).await.json();
    assert_ne!(next["results"][0]["id"], id.as_str());
    assert_eq!(owner.get(&path(&app, V2, "/alerts?status=CLOSED")).await.json()["totalCount"], 1);
}

#[tokio::test]
async fn only_owners_raise_and_close_and_bad_observations_are_refused() {
    let app = TestApp::spawn().await;
    configure(&app, host_down_config(true)).await;
    let reader = app.client(&app.reader);
    reader
        .post(&path(&app, V2, "/alerts"), &host_down("db-0:27017"))
        .await
        .assert_error(401, "USER_UNAUTHORIZED");
    assert_eq!(reader.get(&path(&app, V2, "/alerts")).await.status, 200);
    let owner = app.owner();
    owner
        .post(&path(&app, V2, "/alerts"), &json!({"eventTypeName": "NOPE"}))
        .await
        .assert_error(400, "INVALID_ATTRIBUTE");
    owner
        .post(&path(&app, V2, "/alerts"), &json!({"hostnameAndPort": "x"}))
        .await
        .assert_error(400, "INVALID_ATTRIBUTE");
    assert_eq!(owner.get(&path(&app, V2, "/alerts")).await.json()["totalCount"], 0);
}
