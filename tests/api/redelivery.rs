//! Webhooks carry the Standard Webhooks headers beside Atlas's: one `webhook-id` per
//! notification, the same on every retry and on a redelivery, a timestamp, and a `v1`
//! signature over `{id}.{timestamp}.{body}`; and `…/notifications/{id}:redeliver` sends a
//! delivered or failed notification again.

use std::time::Duration;

use atlas_integrations::delivery::retry::RetryPolicy;
use atlas_integrations::delivery::settings::DeliverySettings;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};

use crate::helpers::{Received, Receiver, Reply, TestApp, Tuning};

const SECRET: &str = "whsec-standard-7c1d";
const WAIT: Duration = Duration::from_secs(10);

fn quick() -> Tuning {
    Tuning {
        delivery: Some(DeliverySettings {
            allow_private_targets: true,
            idle_wait: Duration::from_millis(20),
            retry: RetryPolicy { first_delay_ms: 100, max_delay_ms: 200, give_up_after_ms: 60_000 },
            ..DeliverySettings::default()
        }),
        ..Tuning::default()
    }
}

fn at(app: &TestApp, suffix: &str) -> String {
    format!("/api/atlas/v2/groups/{}{suffix}", app.project.id)
}

/// Verifies a request as the Standard Webhooks specification says a receiver must.
fn verify_standard(request: &Received) -> String {
    let id = request.header("webhook-id").expect("a webhook-id");
    let timestamp = request.header("webhook-timestamp").expect("a webhook-timestamp");
    let seconds: i64 = timestamp.parse().expect("the timestamp is whole seconds");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((now - seconds).abs() < 60, "the timestamp is now: {seconds}");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(&request.body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    let signatures = request.header("webhook-signature").expect("a webhook-signature");
    assert!(signatures.split(' ').any(|signature| signature == expected), "{signatures} vs {expected}");
    id
}

async fn alert_to(app: &TestApp, url: &str) -> String {
    let config = json!({"eventTypeName": "HOST_DOWN", "enabled": true, "notifications": [
        {"typeName": "WEBHOOK", "webhookUrl": url, "webhookSecret": SECRET, "delayMin": 0, "intervalMin": 60}]});
    assert_eq!(app.owner().post(&at(app, "/alertConfigs"), &config).await.status, 200);
    let observation = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-0.example.net:27017"});
    let raised = app.owner().post(&at(app, "/alerts"), &observation).await;
    raised.json()["results"][0]["id"].as_str().unwrap().to_owned()
}

async fn log(app: &TestApp, alert: &str) -> Vec<Value> {
    app.owner().get(&at(app, &format!("/alerts/{alert}/notifications"))).await.json()["results"]
        .as_array()
        .unwrap()
        .clone()
}

async fn wait_for_status(app: &TestApp, alert: &str, status: &str) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let entries = log(app, alert).await;
        if entries[0]["status"] == status {
            return entries[0].clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "never {status}: {entries:?}");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

#[tokio::test]
async fn one_webhook_id_across_retries_and_a_redelivery_each_attempt_signed_afresh() {
    let app = TestApp::spawn_tuned(quick()).await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(500)]);
    let alert = alert_to(&app, &receiver.url).await;
    let delivered = wait_for_status(&app, &alert, "DELIVERED").await;
    let attempts = receiver.received();
    assert_eq!(attempts.len(), 2);
    let id = verify_standard(&attempts[0]);
    assert_eq!(verify_standard(&attempts[1]), id, "a retry is the same message");
    assert_eq!(id, delivered["id"].as_str().unwrap(), "the id is the notification's, as the log shows it");
    assert!(attempts.iter().all(|request| request.header("x-mms-signature").is_some()), "Atlas's stays");

    let path = at(&app, &format!("/alerts/{alert}/notifications/{id}:redeliver"));
    let queued = app.owner().post(&path, &json!({})).await;
    assert_eq!(queued.status, 202, "{}", queued.text());
    assert_eq!(queued.json()["redeliveries"], 1);
    let again = receiver.wait_for(3, WAIT).await;
    assert_eq!(again.len(), 3);
    assert_eq!(verify_standard(&again[2]), id, "a redelivery is the same message too");
    assert_eq!(again[2].body, attempts[1].body, "with the same body");
    let entry = wait_for_status(&app, &alert, "DELIVERED").await;
    assert_eq!((entry["redeliveries"].as_u64(), entry["attempts"].as_u64()), (Some(1), Some(1)));
    assert!(entry["redeliveredAt"].is_string());
}

#[tokio::test]
async fn a_failed_notification_can_be_sent_again_and_a_waiting_one_cannot() {
    let app = TestApp::spawn_tuned(quick()).await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(410)]);
    let alert = alert_to(&app, &receiver.url).await;
    let failed = wait_for_status(&app, &alert, "FAILED").await;
    let id = failed["id"].as_str().unwrap();
    let path = at(&app, &format!("/alerts/{alert}/notifications/{id}:redeliver"));

    let reader = app.client(&app.reader);
    assert_eq!(reader.post(&path, &json!({})).await.status, 401, "a read-only key may not");
    assert_eq!(app.owner().post(&path, &json!({})).await.status, 202);
    let delivered = wait_for_status(&app, &alert, "DELIVERED").await;
    assert_eq!(delivered["lastStatusCode"], 200);
    assert_eq!(receiver.received().len(), 2);

    // Held by a receiver that never answers: being sent, so not again yet.
    receiver.script([Reply::Hang]);
    assert_eq!(app.owner().post(&path, &json!({})).await.status, 202);
    wait_for_status(&app, &alert, "SENDING").await;
    let refused = app.owner().post(&path, &json!({})).await;
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert_eq!(refused.json()["errorCode"], "NOTIFICATION_NOT_REDELIVERABLE");

    let unknown = at(&app, &format!("/alerts/{alert}/notifications/5f0000000000000000000000:redeliver"));
    let missing = app.owner().post(&unknown, &json!({})).await;
    assert_eq!((missing.status, missing.json()["errorCode"].as_str()), (404, Some("NOTIFICATION_NOT_FOUND")));
    let without_verb = at(&app, &format!("/alerts/{alert}/notifications/{id}"));
    assert_eq!(app.owner().post(&without_verb, &json!({})).await.status, 405);
}
