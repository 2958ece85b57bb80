//! What is stored survives restarts, and nothing secret is stored, logged or answered in
//! clear.

use serde_json::json;

use crate::helpers::{TestApp, captured_logs};

const WEBHOOK_SECRET: &str = "whsec-durable-5e1f0c9a";
const DATADOG_KEY: &str = "feedfacecafebeef0123456789abcdef";

#[tokio::test]
async fn integrations_and_keys_survive_a_restart() {
    let mut app = TestApp::spawn().await;
    let body =
        json!({"type": "WEBHOOK", "url": "https://example.com/hook/9876543210", "secret": WEBHOOK_SECRET});
    assert_eq!(app.owner().post(&app.v2("WEBHOOK"), &body).await.status, 200);
    let before = app.owner().get(&app.v2("")).await.json();
    app.restart().await;
    let after = app.owner().get(&app.v2("")).await;
    assert_eq!(after.status, 200, "the same key still authenticates");
    assert_eq!(after.json()["results"], before["results"]);
}

#[tokio::test]
async fn the_database_or_its_dump_holds_no_secret_and_no_private_key() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    client.post(&app.v2("DATADOG"), &json!({"type": "DATADOG", "apiKey": DATADOG_KEY})).await;
    client
        .post(
            &app.v2("WEBHOOK"),
            &json!({"type": "WEBHOOK", "url": "https://example.com/hook/abc", "secret": WEBHOOK_SECRET}),
        )
        .await;
    let bytes = app.database.raw_bytes(app.data_dir.path());
    assert!(!bytes.is_empty());
    let contains = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    for secret in [DATADOG_KEY, WEBHOOK_SECRET, "hook/abc", &app.owner.private_key, &app.reader.private_key] {
        assert!(!contains(secret), "{secret} is in the database files");
    }
    assert!(contains(&app.owner.public_key), "the scan reads the files it should");
}

#[tokio::test]
async fn no_answer_or_log_line_shows_a_stored_secret_or_private_key() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let secret = "xoxb-never-logged-7f3a9c";
    let mut answers = String::new();
    for answer in [
        client
            .post(&app.v2("SLACK"), &json!({"type": "SLACK", "apiToken": secret, "channelName": "ops"}))
            .await,
        client.put(&app.v2("SLACK"), &json!({"type": "SLACK", "apiToken": secret, "channelName": 5})).await,
        client.get(&app.v2("SLACK")).await,
        client.get(&app.v2("")).await,
    ] {
        answers.push_str(&answer.text());
    }
    let wrong =
        crate::helpers::Credentials { public_key: app.owner.public_key.clone(), private_key: secret.into() };
    answers.push_str(&app.client(&wrong).get(&app.v2("")).await.text());
    let logs = captured_logs();
    assert!(logs.contains("authentication failed"), "the failed attempt is logged");
    for text in [&answers, &logs] {
        assert!(!text.contains(secret));
        assert!(!text.contains(&app.owner.private_key));
    }
}
