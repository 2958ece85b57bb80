//! The audit trail through Atlas's Events API: one event per change, none for a refused
//! one, never a secret, filters and pagination, the same access rules as integrations.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

fn events_path(app: &TestApp, mount: &str, suffix: &str) -> String {
    let base = format!("{mount}/groups/{}/events", app.project.id);
    if suffix.is_empty() { base } else { format!("{base}{suffix}") }
}

fn names(list: &Value) -> Vec<String> {
    list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["eventTypeName"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_change_records_one_event_and_refused_changes_record_none() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let secret = "xoxb-audit-secret-9f3e";
    assert_eq!(
        client
            .post(&app.v2("SLACK"), &json!({"type": "SLACK", "apiToken": secret, "channelName": "a"}))
            .await
            .status,
        200
    );
    assert_eq!(client.put(&app.v2("SLACK"), &json!({"type": "SLACK", "channelName": "b"})).await.status, 200);
    // Refused: a conflict, invalid settings, a read-only key, a type not configured.
    client
        .post(&app.v2("SLACK"), &json!({"type": "SLACK", "apiToken": "t", "channelName": "c"}))
        .await
        .assert_error(409, "INTEGRATION_ALREADY_CONFIGURED");
    client
        .put(&app.v2("SLACK"), &json!({"type": "SLACK", "channelName": 7}))
        .await
        .assert_error(400, "INVALID_INTEGRATION_SETTINGS");
    app.client(&app.reader).delete(&app.v2("SLACK")).await.assert_error(401, "USER_UNAUTHORIZED");
    client.delete(&app.v2("DATADOG")).await.assert_error(404, "INTEGRATION_NOT_CONFIGURED");
    assert_eq!(client.delete(&app.v2("SLACK")).await.status, 204);

    let list = client.get(&events_path(&app, "/api/atlas/v2", "")).await;
    assert_eq!(list.status, 200);
    let text = list.text();
    assert!(!text.contains(secret), "events never hold a setting");
    let list = list.json();
    assert_eq!(list["totalCount"], 3);
    assert_eq!(
        names(&list),
        ["INTEGRATION_REMOVED", "INTEGRATION_CONFIGURED", "INTEGRATION_CONFIGURED"],
        "newest first"
    );
    let event = &list["results"][0];
    assert_eq!(event["groupId"], app.project.id.to_string());
    assert_eq!(event["orgId"], app.project.org_id.to_string());
    assert_eq!(event["publicKey"], app.owner.public_key.as_str());
    assert_eq!(event["remoteAddress"], "127.0.0.1");
    assert_eq!(event["integrationType"], "SLACK");
    assert_eq!(event["apiKeyId"].as_str().unwrap().len(), 24);
    let created = event["created"].as_str().unwrap();
    assert!(created.len() == 20 && created.ends_with('Z'), "{created}");

    let self_link = event["links"][0]["href"].as_str().unwrap();
    let path = self_link.trim_start_matches(&app.base);
    let one = client.get(path).await;
    assert_eq!(one.status, 200);
    assert_eq!(&one.json(), event);
}

#[tokio::test]
async fn events_filter_by_type_and_date_and_page_like_integrations() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    for kind in ["PAGER_DUTY", "OPS_GENIE", "VICTOR_OPS"] {
        let body = match kind {
            "PAGER_DUTY" => json!({"type": kind, "serviceKey": "k-0001"}),
            _ => json!({"type": kind, "apiKey": "k-0001"}),
        };
        assert_eq!(client.put(&app.v1(kind), &body).await.status, 200);
    }
    assert_eq!(client.delete(&app.v1("OPS_GENIE")).await.status, 204);
    let base = events_path(&app, "/api/atlas/v1.0", "");
    let removed = client.get(&format!("{base}?eventType=INTEGRATION_REMOVED")).await.json();
    assert_eq!(names(&removed), ["INTEGRATION_REMOVED"]);
    let both = client
        .get(&format!("{base}?eventType=INTEGRATION_REMOVED&eventType=INTEGRATION_CONFIGURED"))
        .await
        .json();
    assert_eq!(both["totalCount"], 4);
    let future = client.get(&format!("{base}?minDate=2999-01-01")).await.json();
    assert_eq!(future["totalCount"], 0);
    let past = client.get(&format!("{base}?maxDate=2000-01-01T00:00:00Z")).await.json();
    assert_eq!(past["totalCount"], 0);
    let recent = client.get(&format!("{base}?minDate=2000-01-01T00:00:00Z&maxDate=2999-01-01")).await.json();
    assert_eq!(recent["totalCount"], 4);
    let page = client.get(&format!("{base}?itemsPerPage=3&pageNum=2")).await.json();
    assert_eq!(page["results"].as_array().unwrap().len(), 1);
    assert_eq!(page["links"][1]["rel"], "previous");
    client
        .get(&format!("{base}?eventType=CLUSTER_CREATED"))
        .await
        .assert_error(400, "INVALID_QUERY_PARAMETER");
    client.get(&format!("{base}?minDate=yesterday")).await.assert_error(400, "INVALID_QUERY_PARAMETER");
    client
        .get(&events_path(&app, "/api/atlas/v1.0", "/0123456789abcdef01234567"))
        .await
        .assert_error(404, "RESOURCE_NOT_FOUND");
}

#[tokio::test]
async fn events_are_read_with_the_access_of_integrations_on_every_mount() {
    let app = TestApp::spawn().await;
    app.owner().put(&app.v2("OPS_GENIE"), &json!({"type": "OPS_GENIE", "apiKey": "k-1"})).await;
    for mount in ["/api/atlas/v1.0", "/api/atlas/v2", "/api/public/v1.0"] {
        let answer = app.client(&app.reader).get(&events_path(&app, mount, "")).await;
        assert_eq!(answer.status, 200, "{mount}");
        assert_eq!(answer.json()["totalCount"], 1);
    }
    let other = atlas_integrations::admin::create_project(app.store.as_ref(), "Other", None).await.unwrap();
    let path = format!("/api/atlas/v2/groups/{}/events", other.id);
    app.owner().get(&path).await.assert_error(401, "USER_UNAUTHORIZED");
    let unauthenticated =
        app.owner().send_raw(Method::GET, &events_path(&app, "/api/atlas/v2", ""), &[], None).await;
    assert_eq!(unauthenticated.status, 401);
}
