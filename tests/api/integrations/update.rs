use atlas_integrations::domain::integration::IntegrationType;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn put_adds_a_type_that_is_not_configured() {
    let app = TestApp::spawn().await;
    let body =
        json!({"type": "FLOWDOCK", "flowName": "newFlowName", "apiToken": "223344", "orgName": "newOrgName"});
    let answer = app.owner().put(&app.v1("FLOWDOCK"), &body).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let list = answer.json();
    assert_eq!(list["totalCount"], 1);
    assert_eq!(list["results"][0]["flowName"], "newFlowName");
    assert_eq!(list["results"][0]["apiToken"], "**3344");
}

#[tokio::test]
async fn put_changes_only_the_fields_it_names() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    client
        .post(
            &app.v2("WEBHOOK"),
            &json!({"type": "WEBHOOK", "url": "https://example.com/a/b/c/d1234",
            "secret": "first-secret-0001", "bodyTemplate": "{\"a\":1}"}),
        )
        .await;
    let answer =
        client.put(&app.v2("WEBHOOK"), &json!({"type": "WEBHOOK", "secret": "second-secret-0002"})).await;
    assert_eq!(answer.status, 200);
    let one = client.get(&app.v2("WEBHOOK")).await.json();
    assert_eq!(one["url"], "https://example.com/****1234");
    assert_eq!(one["secret"], "**************0002");
    assert_eq!(one["bodyTemplate"], "******", "kept, and redacted on read");
}

#[tokio::test]
async fn null_clears_an_optional_field_back_to_its_default() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    client
        .post(
            &app.v2("DATADOG"),
            &json!({"type": "DATADOG", "apiKey": "abcdef0123456789abcdef0123456789",
            "region": "EU", "sendDatabaseMetrics": true}),
        )
        .await;
    let answer = client
        .put(&app.v2("DATADOG"), &json!({"type": "DATADOG", "region": null, "sendDatabaseMetrics": null}))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let one = client.get(&app.v2("DATADOG")).await.json();
    assert_eq!(one["region"], "US");
    assert_eq!(one["sendDatabaseMetrics"], false);
}

#[tokio::test]
async fn a_put_of_exactly_what_get_returned_changes_nothing() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    for (kind, body) in [
        ("PAGER_DUTY", json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789abcdef"})),
        (
            "WEBHOOK",
            json!({"type": "WEBHOOK", "url": "https://example.com/hook/0123456789", "secret": "s3cr3t-value"}),
        ),
        ("DATADOG", json!({"type": "DATADOG", "apiKey": "abcdef0123456789abcdef0123456789"})),
        (
            "PROMETHEUS",
            json!({"type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "file",
            "username": "u", "password": "kept-password"}),
        ),
    ] {
        client.post(&app.v2(kind), &body).await;
        let before = client.get(&app.v2(kind)).await.json();
        let answer = client.put(&app.v2(kind), &before).await;
        assert_eq!(answer.status, 200, "{kind}: {}", answer.text());
        let after = client.get(&app.v2(kind)).await.json();
        assert_eq!(after, before, "{kind}");
    }
    // The secrets behind the masks are the ones first stored, not the masks themselves.
    let stored = app.store.get_integration(app.project.id, IntegrationType::Webhook).await.unwrap().unwrap();
    let text = String::from_utf8(stored.fields_to_stored().to_vec()).unwrap();
    assert!(text.contains("s3cr3t-value") && text.contains("hook/0123456789"), "{text}");
    let prometheus =
        app.store.get_integration(app.project.id, IntegrationType::Prometheus).await.unwrap().unwrap();
    assert!(String::from_utf8(prometheus.fields_to_stored().to_vec()).unwrap().contains("kept-password"));
}
