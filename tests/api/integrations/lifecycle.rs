use serde_json::{Value, json};

use super::bodies::every_type;
use crate::helpers::TestApp;

fn types_of(list: &Value) -> Vec<String> {
    list["results"].as_array().unwrap().iter().map(|r| r["type"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn every_type_can_be_created_read_changed_and_deleted() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    for (kind, create, change, (field, expected)) in every_type() {
        let created = client.post(&app.v2(kind), &create).await;
        assert_eq!(created.status, 200, "{kind}: {}", created.text());
        assert_eq!(types_of(&created.json()), [kind]);

        let one = client.get(&app.v2(kind)).await;
        assert_eq!(one.status, 200);
        let one = one.json();
        assert_eq!(one["type"], kind);
        assert_eq!(one["id"].as_str().unwrap().len(), 24);

        let changed = client.put(&app.v2(kind), &change).await;
        assert_eq!(changed.status, 200, "{kind}: {}", changed.text());
        let after = client.get(&app.v2(kind)).await.json();
        assert_eq!(after[field], expected, "{kind}");
        assert_eq!(after["id"], one["id"], "{kind}: the id survives an update");

        let deleted = client.delete(&app.v2(kind)).await;
        assert_eq!(deleted.status, 204, "{kind}");
        assert!(deleted.body.is_empty());
        client.get(&app.v2(kind)).await.assert_error(404, "INTEGRATION_NOT_CONFIGURED");
    }
}

#[tokio::test]
async fn lists_are_in_type_order_whatever_the_creation_order() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let mut bodies = every_type();
    bodies.reverse();
    let mut last = Value::Null;
    for (kind, create, _, _) in &bodies {
        let answer = client.post(&app.v2(kind), create).await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        last = answer.json();
    }
    let expected = [
        "PAGER_DUTY",
        "SLACK",
        "DATADOG",
        "NEW_RELIC",
        "OPS_GENIE",
        "VICTOR_OPS",
        "FLOWDOCK",
        "WEBHOOK",
        "PROMETHEUS",
        "MICROSOFT_TEAMS",
    ];
    assert_eq!(types_of(&last), expected);
    assert_eq!(last["totalCount"], 10);
    assert_eq!(types_of(&client.get(&app.v2("")).await.json()), expected);
}

#[tokio::test]
async fn an_empty_project_lists_no_results() {
    let app = TestApp::spawn().await;
    let list = app.owner().get(&app.v2("")).await;
    assert_eq!(list.status, 200);
    let body = list.json();
    assert_eq!(body["results"], json!([]));
    assert_eq!(body["totalCount"], 0);
    assert_eq!(
        body["links"][0]["href"],
        format!("{}{}?includeCount=true&pageNum=1&itemsPerPage=100", app.base, app.v2(""))
    );
}

#[tokio::test]
async fn the_same_resource_answers_on_all_three_mounts_with_their_media_types() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let group = app.project.id.to_string();
    let body = json!({"type": "OPS_GENIE", "apiKey": "00000000-aaaa-2222-bbbb-333333333311"});
    let created = client.post(&app.v1("OPS_GENIE"), &body).await;
    assert_eq!(created.status, 200);
    assert_eq!(created.header("content-type").as_deref(), Some("application/json"));
    assert_eq!(
        created.json()["links"][0]["href"],
        format!("{}{}?pageNum=1&itemsPerPage=100", app.base, app.v1("OPS_GENIE"))
    );
    for mount in ["/api/atlas/v1.0", "/api/atlas/v2", "/api/public/v1.0"] {
        let path = crate::helpers::integrations_path(mount, &group, "OPS_GENIE");
        let one = client.get(&path).await;
        assert_eq!(one.status, 200, "{mount}");
        assert_eq!(one.json()["apiKey"], "********************************3311", "{mount}");
        let expected = match mount {
            "/api/atlas/v2" => "application/vnd.atlas.2023-01-01+json;charset=utf-8",
            _ => "application/json",
        };
        assert_eq!(one.header("content-type").as_deref(), Some(expected), "{mount}");
    }
    let deleted =
        client.delete(&crate::helpers::integrations_path("/api/public/v1.0", &group, "OPS_GENIE")).await;
    assert_eq!(deleted.status, 204);
}

#[tokio::test]
async fn secrets_are_masked_on_every_read_and_the_prometheus_password_never_shown() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    for (kind, create, _, _) in every_type() {
        let created = client.post(&app.v2(kind), &create).await;
        assert_eq!(created.status, 200);
    }
    let list = client.get(&app.v2("")).await.text();
    for secret in [
        "0123456789abcdef0123456789abcdef",
        "xoxb-0000-1111-abcd",
        "bc3768f44193c282b2688ab39e00f8e4fc8d75ea",
        "read-token-1234",
        "write-token-5678",
        "00000000-aaaa-2222-bbbb-333333333311",
        "fa07bbc8-eab2-4085-81af-daed47dc1c11",
        "223344",
        "hooks/abcdef123456",
        "prom-password",
        "IncomingWebhook",
    ] {
        assert!(!list.contains(secret), "{secret} shown in {list}");
    }
    let list: Value = serde_json::from_str(&list).unwrap();
    let by_type =
        |kind: &str| list["results"].as_array().unwrap().iter().find(|r| r["type"] == kind).unwrap().clone();
    assert_eq!(by_type("NEW_RELIC")["accountId"], "bcc3c81b344a6030a3935c2527e2216535af7718");
    assert_eq!(by_type("WEBHOOK")["url"], "https://example.com/****3456");
    assert!(by_type("PROMETHEUS").get("password").is_none());
    assert_eq!(by_type("PROMETHEUS")["username"], "prom_user");
}
