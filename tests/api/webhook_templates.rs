//! Webhook body and headers templates, delivered to a real local receiver: placeholders of
//! each kind with values that need escaping, the headers the delivery keeps for itself, the
//! fallbacks to Atlas's default body and headers (with the notification log saying why), a
//! notification's templates before its integration's, and templates redacted on read yet
//! kept when a client writes back what it read.

use serde_json::{Value, json};

use crate::delivery::{SECRET, WAIT, expected_signature, log, path, wait_for_status};
use crate::helpers::{Receiver, TestApp};

/// Raises a HOST_DOWN alert whose summary holds quotes and a backslash; its id.
async fn raise(app: &TestApp) -> String {
    let observation = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-0.example.net:27017",
                             "humanReadable": r#"Host "db-0" \ is down"#});
    let raised = app.owner().post(&path(app, "/alerts"), &observation).await.json();
    raised["results"][0]["id"].as_str().expect("an alert opened").to_owned()
}

/// A HOST_DOWN configuration with `notifications`.
async fn configure(app: &TestApp, notifications: Value) {
    let body = json!({"eventTypeName": "HOST_DOWN", "enabled": true, "notifications": notifications});
    let created = app.owner().post(&path(app, "/alertConfigs"), &body).await;
    assert_eq!(created.status, 200, "{}", created.text());
}

async fn webhook_integration(app: &TestApp, settings: Value) {
    let mut body = json!({"type": "WEBHOOK"});
    body.as_object_mut().unwrap().extend(settings.as_object().unwrap().clone());
    let answer = app.owner().put(&app.v2("WEBHOOK"), &body).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
}

#[tokio::test]
async fn a_body_template_shapes_what_is_sent_and_the_signatures_cover_the_bytes_sent() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let body_template = r#"{"text": "${humanReadable} (${eventType})", "value": ${currentValue.number},
        "cluster": "${clusterName}", "id": ${id}, "status": "${status}", "secret": "${secret}${webhookSecret}"}"#;
    let headers_template = r#"{"X-Alert-Id": "${id}", "X-Event-Type": "${eventType}",
        "Content-Type": "text/plain", "X-MMS-Signature": "forged", "Host": "elsewhere.example"}"#;
    webhook_integration(
        &app,
        json!({"url": receiver.url, "secret": SECRET, "bodyTemplate": body_template,
               "headersTemplate": headers_template}),
    )
    .await;
    configure(&app, json!([{"typeName": "WEBHOOK", "delayMin": 0, "intervalMin": 60}])).await;
    let alert = raise(&app).await;
    let received = receiver.wait_for(1, WAIT).await;
    let request = &received[0];

    assert_eq!(
        request.json(),
        json!({"text": r#"Host "db-0" \ is down (alert.open)"#, "value": null, "cluster": "",
               "id": alert, "status": "OPEN", "secret": ""}),
        "escaped in strings, JSON outside them, nothing for what the alert lacks; no secret"
    );
    assert_eq!(request.header("x-alert-id").as_deref(), Some(alert.as_str()));
    assert_eq!(request.header("x-event-type").as_deref(), Some("alert.open"));
    assert_eq!(request.header("content-type").as_deref(), Some("application/json"));
    assert_eq!(request.header("x-mms-event").as_deref(), Some("alert.open"));
    assert_eq!(request.header("x-mms-signature").unwrap(), expected_signature(&request.body));
    assert!(request.header("webhook-signature").is_some());
    assert_ne!(request.header("host").as_deref(), Some("elsewhere.example"));

    let entry = wait_for_status(&app, &alert, 0, "DELIVERED").await;
    let note = entry["note"].as_str().unwrap_or_default();
    assert!(note.contains("may not set content-type, host, x-mms-signature"), "{entry}");
}

#[tokio::test]
async fn a_template_that_cannot_be_used_gives_way_to_the_default_and_the_log_says_why() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let origin = receiver.origin();
    let too_large = format!(r#"{{"a": "{}"}}"#, "${humanReadable}".repeat(700));
    configure(
        &app,
        json!([
            {"typeName": "WEBHOOK", "webhookUrl": format!("{origin}/not-json"), "delayMin": 0,
             "webhookBodyTemplate": "alert ${id} is down", "webhookHeadersTemplate": "[\"X-A\"]"},
            {"typeName": "WEBHOOK", "webhookUrl": format!("{origin}/too-large"), "delayMin": 0,
             "webhookBodyTemplate": too_large, "webhookHeadersTemplate": "{\"X-N\": 5}"},
            {"typeName": "WEBHOOK", "webhookUrl": format!("{origin}/unclosed"), "delayMin": 0,
             "webhookBodyTemplate": "{\"a\": \"${id\"", "webhookHeadersTemplate": "{\"X-A\": \"a\\nb\"}"},
        ]),
    )
    .await;
    let alert = raise(&app).await;
    let received = receiver.wait_for(3, WAIT).await;
    for request in &received {
        let body = request.json();
        assert_eq!(body["id"], alert.as_str(), "{}: the default body", request.path);
        assert_eq!(body["eventTypeName"], "HOST_DOWN");
        assert!(request.headers.keys().all(|name| !name.as_str().starts_with("x-a") && name != "x-n"));
    }
    let mut notes: Vec<String> = Vec::new();
    for index in 0..3 {
        let entry = wait_for_status(&app, &alert, index, "DELIVERED").await;
        notes.push(entry["note"].as_str().unwrap_or_default().to_owned());
    }
    let all = notes.join("\n");
    assert!(all.contains("the body template was not used (it did not render JSON"), "{all}");
    assert!(all.contains("more than 16384"), "{all}");
    assert!(all.contains("has no closing brace"), "{all}");
    assert!(all.contains("the headers template was not used (it did not render a JSON object"), "{all}");
    assert!(all.contains("the value of X-N is not a string"), "{all}");
    assert!(all.contains("not valid in a header"), "{all}");
    assert!(notes.iter().all(|note| note.contains("the default body was sent")), "{notes:?}");
}

#[tokio::test]
async fn a_notifications_own_template_comes_before_its_integrations() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let origin = receiver.origin();
    webhook_integration(
        &app,
        json!({"url": format!("{origin}/integration"), "bodyTemplate": "{\"from\": \"integration\"}"}),
    )
    .await;
    configure(
        &app,
        json!([
            {"typeName": "WEBHOOK", "delayMin": 0},
            {"typeName": "WEBHOOK", "webhookUrl": format!("{origin}/own"), "delayMin": 0,
             "webhookBodyTemplate": "{\"from\": \"notification\", \"event\": \"${eventType}\"}"},
        ]),
    )
    .await;
    raise(&app).await;
    let mut received = receiver.wait_for(2, WAIT).await;
    received.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(received[0].path, "/integration");
    assert_eq!(received[0].json(), json!({"from": "integration"}));
    assert_eq!(received[1].json(), json!({"from": "notification", "event": "alert.open"}));
}

#[tokio::test]
async fn templates_read_back_redacted_and_what_was_read_written_back_keeps_them() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let template = "{\"kept\": \"${eventType}\"}";
    webhook_integration(&app, json!({"url": receiver.url, "secret": SECRET, "bodyTemplate": template})).await;
    let read = app.owner().get(&app.v2("WEBHOOK")).await.json();
    assert_eq!(read["bodyTemplate"], "******");
    assert_eq!(read["headersTemplate"], Value::Null);
    assert!(!read.to_string().contains("kept"));
    // Terraform writes back what it read: the masks keep what they stand for.
    let answer = app.owner().put(&app.v2("WEBHOOK"), &read).await;
    assert_eq!(answer.status, 200, "{}", answer.text());

    let notification = json!({"typeName": "WEBHOOK", "delayMin": 0, "webhookUrl": format!("{}/own", receiver.origin()),
                              "webhookBodyTemplate": "{\"own\": true}"});
    let created = app
        .owner()
        .post(
            &path(&app, "/alertConfigs"),
            &json!({"eventTypeName": "HOST_DOWN", "enabled": true, "notifications": [notification]}),
        )
        .await
        .json();
    assert_eq!(created["notifications"][0]["webhookBodyTemplate"], "******");
    let config_path = path(&app, &format!("/alertConfigs/{}", created["id"].as_str().unwrap()));
    let mut written_back = created.clone();
    written_back["notifications"].as_array_mut().unwrap().push(json!({"typeName": "WEBHOOK", "delayMin": 0}));
    let answer = app.owner().put(&config_path, &written_back).await;
    assert_eq!(answer.status, 200, "{}", answer.text());

    let alert = raise(&app).await;
    let mut received = receiver.wait_for(2, WAIT).await;
    received.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(received[0].json(), json!({"kept": "alert.open"}), "{}", received[0].path);
    assert_eq!(received[1].json(), json!({"own": true}), "{}", received[1].path);
    assert!(log(&app, &alert).await.iter().all(|entry| entry["note"].is_null()));
}
