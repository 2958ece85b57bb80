//! Alert notifications delivered to a real local webhook receiver: Atlas's headers and body,
//! the signature checked independently, the event sequence open → acknowledge → close,
//! retries after 500s and `Retry-After`, a permanent 400, a receiver that hangs, the address
//! guard, and the notification log.

use std::time::Duration;

use atlas_integrations::delivery::retry::RetryPolicy;
use atlas_integrations::delivery::settings::DeliverySettings;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};

use crate::helpers::{Receiver, Reply, TestApp, Tuning, run_cli};

const V2: &str = "/api/atlas/v2";
pub(crate) const SECRET: &str = "whsec-delivery-3b9f";
pub(crate) const WAIT: Duration = Duration::from_secs(10);

fn quick_retries(allow_private_targets: bool) -> Tuning {
    Tuning {
        delivery: Some(DeliverySettings {
            allow_private_targets,
            idle_wait: Duration::from_millis(20),
            retry: RetryPolicy { first_delay_ms: 100, max_delay_ms: 400, give_up_after_ms: 60_000 },
            attempt_timeout: Duration::from_millis(700),
            ..DeliverySettings::default()
        }),
        ..Tuning::default()
    }
}

pub(crate) fn path(app: &TestApp, suffix: &str) -> String {
    format!("{V2}/groups/{}{suffix}", app.project.id)
}

async fn webhook_alert(app: &TestApp, url: &str, secret: Option<&str>) {
    let mut notification =
        json!({"typeName": "WEBHOOK", "webhookUrl": url, "delayMin": 0, "intervalMin": 60});
    if let Some(secret) = secret {
        notification["webhookSecret"] = json!(secret);
    }
    let body = json!({"eventTypeName": "HOST_DOWN", "enabled": true, "notifications": [notification]});
    let created = app.owner().post(&path(app, "/alertConfigs"), &body).await;
    assert_eq!(created.status, 200, "{}", created.text());
}

async fn raise(app: &TestApp) -> String {
    let observation = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-0.example.net:27017",
                             "humanReadable": "Host db-0.example.net:27017 is down"});
    let raised = app.owner().post(&path(app, "/alerts"), &observation).await.json();
    raised["results"][0]["id"].as_str().expect("an alert opened").to_owned()
}

pub(crate) async fn log(app: &TestApp, alert: &str) -> Vec<Value> {
    let log = app.owner().get(&path(app, &format!("/alerts/{alert}/notifications"))).await;
    assert_eq!(log.status, 200, "{}", log.text());
    log.json()["results"].as_array().unwrap().clone()
}

pub(crate) async fn wait_for_status(app: &TestApp, alert: &str, index: usize, status: &str) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let entries = log(app, alert).await;
        if let Some(entry) = entries.get(index).filter(|entry| entry["status"] == status) {
            return entry.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "notification {index} never became {status}: {entries:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) fn expected_signature(body: &[u8]) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn a_webhook_hears_open_acknowledge_and_close_signed_in_atlass_format() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    webhook_alert(&app, &receiver.url, Some(SECRET)).await;
    let alert = raise(&app).await;
    let owner = app.owner();
    receiver.wait_for(1, WAIT).await;
    let ack = json!({"acknowledgedUntil": "2099-01-01T00:00:00Z", "acknowledgementComment": "looking"});
    assert_eq!(owner.patch(&path(&app, &format!("/alerts/{alert}")), &ack).await.status, 200);
    receiver.wait_for(2, WAIT).await;
    assert_eq!(owner.post(&path(&app, &format!("/alerts/{alert}:close")), &json!({})).await.status, 200);
    let received = receiver.wait_for(3, WAIT).await;

    let events: Vec<_> = received.iter().map(|r| r.header("x-mms-event").unwrap()).collect();
    assert_eq!(events, ["alert.open", "alert.acknowledge", "alert.close"]);
    for request in &received {
        assert_eq!(request.path, "/hook");
        assert_eq!(request.header("content-type").as_deref(), Some("application/json"));
        assert_eq!(request.header("x-mms-signature").unwrap(), expected_signature(&request.body));
        assert!(request.header("user-agent").unwrap().starts_with("atlas-integrations/"));
        assert!(request.header("authorization").is_none(), "the secret is never sent");
        let body = request.json();
        assert_eq!(body["id"], alert.as_str());
        assert_eq!(body["eventTypeName"], "HOST_DOWN");
        assert_eq!(body["typeName"], "HOST");
        assert_eq!(body["humanReadable"], "Host db-0.example.net:27017 is down");
        assert_eq!(body["hostnameAndPort"], "db-0.example.net:27017");
    }
    assert_eq!(received[0].json()["status"], "OPEN");
    assert_eq!(received[1].json()["acknowledgementComment"], "looking");
    assert_eq!(received[2].json()["status"], "CLOSED");

    for index in 0..3 {
        let entry = wait_for_status(&app, &alert, index, "DELIVERED").await;
        assert_eq!((entry["typeName"].as_str(), entry["attempts"].as_u64()), (Some("WEBHOOK"), Some(1)));
        assert_eq!(entry["lastStatusCode"], 200);
    }
    let shown = owner.get(&path(&app, &format!("/alerts/{alert}/notifications"))).await.text();
    assert!(!shown.contains(SECRET));
    assert!(owner.get(&path(&app, &format!("/alerts/{alert}"))).await.json()["lastNotified"].is_string());
}

#[tokio::test]
async fn a_failing_receiver_is_retried_until_it_answers_and_retry_after_is_honoured() {
    let app = TestApp::spawn_tuned(quick_retries(true)).await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(500), Reply::Status(502), Reply::RetryAfter(503, 1)]);
    webhook_alert(&app, &receiver.url, None).await;
    let alert = raise(&app).await;
    receiver.wait_for(3, WAIT).await;
    // The third answer is recorded a moment after the receiver gave it.
    let deadline = tokio::time::Instant::now() + WAIT;
    let waiting = loop {
        let entry = log(&app, &alert).await.remove(0);
        if entry["lastStatusCode"] == 503 || tokio::time::Instant::now() >= deadline {
            break entry;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(
        (waiting["status"].as_str(), waiting["lastStatusCode"].as_u64()),
        (Some("PENDING"), Some(503))
    );
    assert!(waiting["nextAttemptAt"].is_string());
    let third = receiver.received()[2].clone();
    let fourth = receiver.wait_for(4, WAIT).await;
    assert_eq!(fourth.len(), 4);
    let delivered = wait_for_status(&app, &alert, 0, "DELIVERED").await;
    assert_eq!(delivered["attempts"], 4);
    assert_eq!(fourth[3].body, third.body, "every attempt sends the same bytes");
    assert!(fourth[0].header("x-mms-signature").is_none(), "no secret, no signature");
}

#[tokio::test]
async fn a_client_error_fails_at_once_and_a_receiver_that_hangs_is_cut_off_and_retried() {
    let app = TestApp::spawn_tuned(quick_retries(true)).await;
    let refusing = Receiver::start().await;
    refusing.script([Reply::Status(400)]);
    webhook_alert(&app, &refusing.url, None).await;
    let alert = raise(&app).await;
    let failed = wait_for_status(&app, &alert, 0, "FAILED").await;
    assert_eq!((failed["attempts"].as_u64(), failed["lastStatusCode"].as_u64()), (Some(1), Some(400)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(refusing.received().len(), 1, "a 400 is not retried");

    let app = TestApp::spawn_tuned(quick_retries(true)).await;
    let hanging = Receiver::start().await;
    hanging.script([Reply::Hang]);
    webhook_alert(&app, &hanging.url, None).await;
    let alert = raise(&app).await;
    let delivered = wait_for_status(&app, &alert, 0, "DELIVERED").await;
    assert_eq!(delivered["attempts"], 2, "the hung attempt timed out and the next one went through");
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_fails_at_once() {
    let app = TestApp::spawn_tuned(quick_retries(true)).await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::Redirect("/elsewhere")]);
    webhook_alert(&app, &receiver.url, None).await;
    let alert = raise(&app).await;
    let failed = wait_for_status(&app, &alert, 0, "FAILED").await;
    assert_eq!((failed["attempts"].as_u64(), failed["lastStatusCode"].as_u64()), (Some(1), Some(302)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let paths: Vec<String> = receiver.received().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/hook"], "nothing went to the redirect's target, and it was not tried again");
}

#[tokio::test]
async fn a_retry_after_of_zero_waits_a_second_rather_than_none() {
    let app = TestApp::spawn_tuned(quick_retries(true)).await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::RetryAfter(429, 0)]);
    webhook_alert(&app, &receiver.url, None).await;
    let alert = raise(&app).await;
    let both = receiver.wait_for(2, WAIT).await;
    assert_eq!(both.len(), 2);
    let waiting = wait_for_status(&app, &alert, 0, "DELIVERED").await;
    let first = receiver.received_at(0);
    let second = receiver.received_at(1);
    assert!(second.duration_since(first) >= Duration::from_millis(950), "retried after {:?}", second - first);
    assert_eq!(waiting["attempts"], 2);
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed_and_unsent_types_are_logged_as_skipped() {
    let app = TestApp::spawn_tuned(quick_retries(false)).await;
    let receiver = Receiver::start().await;
    let body = json!({"eventTypeName": "HOST_DOWN", "enabled": true, "notifications": [
        {"typeName": "WEBHOOK", "webhookUrl": receiver.url.replace("127.0.0.1", "localhost")},
        {"typeName": "WEBHOOK", "webhookUrl": receiver.url},
        {"typeName": "EMAIL", "emailAddress": "ops@example.com"}]});
    assert_eq!(app.owner().post(&path(&app, "/alertConfigs"), &body).await.status, 200);
    let alert = raise(&app).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let entries = loop {
        let entries = log(&app, &alert).await;
        // An attempt counts once recorded (while it is under way it shows as SENDING).
        if entries.iter().all(|entry| entry["lastError"].is_string()) {
            break entries;
        }
        assert!(tokio::time::Instant::now() < deadline, "{entries:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    for entry in &entries[..2] {
        assert!(entry["lastError"].as_str().unwrap().contains("no public address"), "{entry}");
        assert_eq!(
            (entry["status"].as_str(), entry["attempts"].as_u64()),
            (Some("FAILED"), Some(1)),
            "not retried"
        );
    }
    assert_eq!(entries[2]["status"], "SKIPPED");
    assert!(
        entries[2]["lastError"].as_str().unwrap().contains("no SMTP server is configured"),
        "{}",
        entries[2]
    );
    assert!(receiver.received().is_empty(), "nothing reached the private address");
}

#[tokio::test]
async fn an_integration_test_sends_one_signed_alert_and_says_what_the_receiver_answered() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    let receiver = Receiver::start().await;
    let hook = json!({"type": "WEBHOOK", "url": receiver.url, "secret": SECRET});
    assert_eq!(owner.post(&path(&app, "/integrations/WEBHOOK"), &hook).await.status, 200);
    let tested = owner.post(&path(&app, "/integrations/WEBHOOK:test"), &json!({})).await;
    assert_eq!(tested.status, 200, "{}", tested.text());
    let tested = tested.json();
    assert_eq!((tested["delivered"].as_bool(), tested["statusCode"].as_u64()), (Some(true), Some(200)));
    assert!(tested["durationMs"].is_u64());
    let received = receiver.received();
    assert_eq!(received.len(), 1, "one attempt, at once");
    assert_eq!(received[0].header("x-mms-event").as_deref(), Some("alert.inform"));
    assert_eq!(received[0].header("x-mms-signature").unwrap(), expected_signature(&received[0].body));

    receiver.script([Reply::Status(500)]);
    let failed = owner.post(&path(&app, "/integrations/WEBHOOK:test"), &json!({})).await;
    let error = failed.assert_error(502, "INTEGRATION_TEST_FAILED");
    assert!(error["detail"].as_str().unwrap().contains("500"));
    assert_eq!(receiver.received().len(), 2, "a failed test is not retried");

    owner
        .post(&path(&app, "/integrations/SLACK:test"), &json!({}))
        .await
        .assert_error(404, "INTEGRATION_NOT_CONFIGURED");
    let flowdock = json!({"type": "FLOWDOCK", "flowName": "f", "apiToken": "t", "orgName": "o"});
    assert_eq!(owner.post(&path(&app, "/integrations/FLOWDOCK"), &flowdock).await.status, 200);
    owner
        .post(&path(&app, "/integrations/FLOWDOCK:test"), &json!({}))
        .await
        .assert_error(400, "INVALID_ATTRIBUTE");
    app.client(&app.reader)
        .post(&path(&app, "/integrations/WEBHOOK:test"), &json!({}))
        .await
        .assert_error(401, "USER_UNAUTHORIZED");
}

#[tokio::test]
async fn an_alert_raised_from_the_command_line_is_delivered_by_the_running_server() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    webhook_alert(&app, &receiver.url, None).await;
    let mut args = vec!["alert".to_owned(), "raise".into(), "--project".into(), app.project.id.to_string()];
    args.extend(
        ["--event-type", "HOST_DOWN", "--host", "db-9:27017", "--summary", "db-9 is down"].map(String::from),
    );
    let stdout = run_cli(args, &app).await;
    let raised: Value = serde_json::from_slice(&stdout).unwrap();
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].json()["id"], raised[0]["id"]);
    assert_eq!(received[0].json()["humanReadable"], "db-9 is down");
    let link = received[0].json()["links"][0]["href"].as_str().unwrap().to_owned();
    assert!(
        link.starts_with(&format!("{}/api/atlas/v2/groups/", app.base)),
        "the running server's URL: {link}"
    );
}

#[tokio::test]
async fn the_command_line_asks_for_the_public_url_where_no_server_has_started() {
    let dir = tempfile::tempdir().unwrap();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_atlas-integrations"))
            .args(["alert", "raise", "--project", "5f0000000000000000000001", "--event-type", "HOST_DOWN"])
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("ATLAS_INTEGRATIONS_DATABASE_URL")
            .env_remove("ATLAS_INTEGRATIONS_PUBLIC_URL")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("no server has started on this database") && said.contains("--public-url"),
        "{said}"
    );
}

#[tokio::test]
#[cfg_attr(not(postgres_tests), ignore = "replicas share a PostgreSQL database: set TEST_DATABASE_URL")]
async fn replicas_share_the_outbox_and_send_each_notification_once() {
    const ALERTS: usize = 60;
    let app = TestApp::spawn().await;
    let _replica = app.replica().await;
    let receiver = Receiver::start().await;
    webhook_alert(&app, &receiver.url, None).await;
    let owner = app.owner();
    let mut raised = Vec::new();
    for host in 0..ALERTS {
        let observation =
            json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": format!("db-{host}:27017")});
        let answer = owner.post(&path(&app, "/alerts"), &observation).await.json();
        raised.push(answer["results"][0]["id"].as_str().unwrap().to_owned());
    }
    let received = receiver.wait_for(ALERTS, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = receiver.received().len().max(received.len());
    assert_eq!(received, ALERTS, "each notification sent once, by one replica");
    let mut ids: Vec<String> =
        receiver.received().iter().map(|r| r.json()["id"].as_str().unwrap().to_owned()).collect();
    ids.sort();
    raised.sort();
    assert_eq!(ids, raised);
}

#[tokio::test]
async fn an_open_alert_is_repeated_every_interval_until_acknowledged() {
    use atlas_integrations::store::now_ms;
    let tuning = Tuning {
        delivery: Some(DeliverySettings { run_worker: false, ..DeliverySettings::default() }),
        ..Tuning::default()
    };
    let app = TestApp::spawn_tuned(tuning).await;
    webhook_alert(&app, "https://hooks.example.com/repeat", None).await; // interval 60 min
    let alert = raise(&app).await;
    let base = "https://atlas.example.com/api/atlas/v2";
    let minute = 60_000;
    let events =
        |log: Vec<Value>| log.iter().map(|e| e["event"].as_str().unwrap().to_owned()).collect::<Vec<_>>();

    app.store.schedule_repeats(now_ms() + 59 * minute, base).await.unwrap();
    assert_eq!(events(log(&app, &alert).await), ["alert.open"], "not before the interval");
    app.store.schedule_repeats(now_ms() + 61 * minute, base).await.unwrap();
    assert_eq!(events(log(&app, &alert).await), ["alert.open", "alert.update"]);
    app.store.schedule_repeats(now_ms() + 62 * minute, base).await.unwrap();
    assert_eq!(events(log(&app, &alert).await).len(), 2, "one repeat per interval");

    let ack = json!({"acknowledgedUntil": "2099-01-01T00:00:00Z"});
    assert_eq!(app.owner().patch(&path(&app, &format!("/alerts/{alert}")), &ack).await.status, 200);
    // (The repeat was planned at the sweep's time, an hour ahead, so it lists last.)
    let after_ack = log(&app, &alert).await;
    assert_eq!(events(after_ack.clone()), ["alert.open", "alert.acknowledge", "alert.update"]);
    assert_eq!(after_ack[2]["status"], "SKIPPED", "the repeat not yet sent is dropped");
    app.store.schedule_repeats(now_ms() + 200 * minute, base).await.unwrap();
    assert_eq!(log(&app, &alert).await.len(), 3, "an acknowledged alert is not repeated");
}

#[tokio::test]
async fn a_notification_naming_a_removed_integration_is_logged_as_skipped() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    let receiver = Receiver::start().await;
    let hook = owner
        .post(&path(&app, "/integrations/WEBHOOK"), &json!({"type": "WEBHOOK", "url": receiver.url}))
        .await;
    let integration = hook.json()["results"][0]["id"].as_str().unwrap().to_owned();
    let config = json!({"eventTypeName": "HOST_DOWN", "enabled": true,
                        "notifications": [{"typeName": "WEBHOOK", "integrationId": integration}]});
    assert_eq!(owner.post(&path(&app, "/alertConfigs"), &config).await.status, 200);
    assert_eq!(
        owner.delete(&path(&app, "/integrations/WEBHOOK")).await.status,
        204,
        "removing it is allowed"
    );
    let alert = raise(&app).await;
    let skipped = wait_for_status(&app, &alert, 0, "SKIPPED").await;
    assert!(skipped["lastError"].as_str().unwrap().contains("was removed"), "{skipped}");
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn an_integration_is_tested_from_the_command_line() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let hook = json!({"type": "WEBHOOK", "url": receiver.url, "secret": SECRET});
    assert_eq!(app.owner().post(&path(&app, "/integrations/WEBHOOK"), &hook).await.status, 200);
    let mut args =
        vec!["integration".to_owned(), "test".into(), "--project".into(), app.project.id.to_string()];
    args.extend(["--type", "WEBHOOK", "--allow-private-targets"].map(String::from));
    let stdout = run_cli(args, &app).await;
    let answer: Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!((answer["delivered"].as_bool(), answer["statusCode"].as_u64()), (Some(true), Some(200)));
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].header("x-mms-signature").unwrap(), expected_signature(&received[0].body));
}
