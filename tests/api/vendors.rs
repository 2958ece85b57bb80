//! Alerts delivered through each service's own API, to one fake receiver per service (its
//! origin given with `--endpoint`, as an operator would point it at a proxy): the method, the
//! path, the credential header and the fields each service reads, over the sequence open →
//! acknowledge → close; Slack's `"ok": false`; the integration test of every type.

use std::time::Duration;

use atlas_integrations::delivery::endpoints::Endpoints;
use atlas_integrations::delivery::retry::RetryPolicy;
use atlas_integrations::delivery::settings::DeliverySettings;
use serde_json::{Value, json};

use crate::helpers::{Received, Receiver, Reply, TestApp, Tuning};

const V2: &str = "/api/atlas/v2";
const WAIT: Duration = Duration::from_secs(10);
const HOST: &str = "db-0.example.net:27017";
const PAGER_DUTY_KEY: &str = "e93facc04764012d7bfb002500d5d1a6";
const SLACK_TOKEN: &str = "xoxb-1234-5678-slacktokenabcd";
const DATADOG_KEY: &str = "0123456789abcdef0123456789abcdef";
const OPS_GENIE_KEY: &str = "00000000-aaaa-2222-bbbb-333333333311";
const VICTOR_OPS_KEY: &str = "fa07bbc8-eab2-4085-81af-daed47dc1c11";

/// A server whose every service is reached at `receiver`.
async fn app_sending_to(receiver: &Receiver) -> TestApp {
    app_with_guard(receiver, true).await
}

async fn app_with_guard(receiver: &Receiver, allow_private_targets: bool) -> TestApp {
    let origin = receiver.origin();
    let overrides: Vec<String> = ["pagerduty", "slack", "datadog", "opsgenie", "victorops"]
        .iter()
        .map(|name| format!("{name}={origin}"))
        .collect();
    TestApp::spawn_tuned(Tuning {
        delivery: Some(DeliverySettings {
            allow_private_targets,
            idle_wait: Duration::from_millis(20),
            retry: RetryPolicy { first_delay_ms: 100, max_delay_ms: 400, give_up_after_ms: 60_000 },
            endpoints: Endpoints::parse(&overrides).unwrap(),
            ..DeliverySettings::default()
        }),
        ..Tuning::default()
    })
    .await
}

fn path(app: &TestApp, suffix: &str) -> String {
    format!("{V2}/groups/{}{suffix}", app.project.id)
}

async fn integrate(app: &TestApp, settings: Value) {
    let kind = settings["type"].as_str().unwrap().to_owned();
    let put = app.owner().put(&path(app, &format!("/integrations/{kind}")), &settings).await;
    assert_eq!(put.status, 200, "{}", put.text());
}

/// An alert configuration telling `type_name` (through the project's integration) of HOST_DOWN.
async fn configure(app: &TestApp, type_name: &str, severity: Option<&str>) {
    let mut body = json!({"eventTypeName": "HOST_DOWN", "enabled": true,
                          "notifications": [{"typeName": type_name, "delayMin": 0}]});
    if let Some(severity) = severity {
        body["severityOverride"] = json!(severity);
    }
    let created = app.owner().post(&path(app, "/alertConfigs"), &body).await;
    assert_eq!(created.status, 200, "{}", created.text());
}

/// Raises an alert, acknowledges it and closes it, waiting for each notification; what the
/// receiver heard, and the alert's id.
async fn open_acknowledge_close(app: &TestApp, receiver: &Receiver) -> (Vec<Received>, String) {
    let observation = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": HOST,
                             "humanReadable": format!("Host {HOST} is down")});
    let raised = app.owner().post(&path(app, "/alerts"), &observation).await.json();
    let alert = raised["results"][0]["id"].as_str().expect("an alert opened").to_owned();
    receiver.wait_for(1, WAIT).await;
    let ack = json!({"acknowledgedUntil": "2099-01-01T00:00:00Z", "acknowledgementComment": "on it"});
    assert_eq!(app.owner().patch(&path(app, &format!("/alerts/{alert}")), &ack).await.status, 200);
    receiver.wait_for(2, WAIT).await;
    let closed = app.owner().post(&path(app, &format!("/alerts/{alert}:close")), &json!({})).await;
    assert_eq!(closed.status, 200);
    let received = receiver.wait_for(3, WAIT).await;
    assert_eq!(received.len(), 3, "open, acknowledge and close each told once: {received:?}");
    (received, alert)
}

async fn notification_log(app: &TestApp, alert: &str) -> Vec<Value> {
    let log = app.owner().get(&path(app, &format!("/alerts/{alert}/notifications"))).await;
    log.json()["results"].as_array().unwrap().clone()
}

/// The alert's log once every entry passes `settled` (a receiver has the request a moment
/// before the worker records its answer), or as it is at the deadline.
async fn settled_log(app: &TestApp, alert: &str, settled: impl Fn(&Value) -> bool) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let entries = notification_log(app, alert).await;
        if entries.iter().all(&settled) || tokio::time::Instant::now() >= deadline {
            return entries;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_for_log_status(app: &TestApp, alert: &str, status: &str) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let entries = notification_log(app, alert).await;
        if let Some(entry) = entries.iter().find(|entry| entry["status"] == status) {
            return entry.clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "no notification became {status}: {entries:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn pager_duty_triggers_acknowledges_and_resolves_one_incident_per_alert() {
    let receiver =
        Receiver::answering(Reply::Json(202, r#"{"status":"success","message":"Event processed"}"#)).await;
    let app = app_sending_to(&receiver).await;
    integrate(&app, json!({"type": "PAGER_DUTY", "serviceKey": PAGER_DUTY_KEY, "region": "EU"})).await;
    configure(&app, "PAGER_DUTY", Some("CRITICAL")).await;
    let (received, alert) = open_acknowledge_close(&app, &receiver).await;

    let actions: Vec<_> = received.iter().map(|r| r.json()["event_action"].clone()).collect();
    assert_eq!(actions, ["trigger", "acknowledge", "resolve"]);
    for request in &received {
        assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v2/enqueue"));
        assert_eq!(request.header("content-type").as_deref(), Some("application/json"));
        let body = request.json();
        assert_eq!(body["routing_key"], PAGER_DUTY_KEY);
        assert_eq!(body["dedup_key"], alert.as_str(), "one incident per alert");
    }
    let trigger = received[0].json();
    let payload = &trigger["payload"];
    assert_eq!(payload["severity"], "critical");
    assert_eq!(payload["summary"], format!("Host {HOST} is down"));
    assert_eq!(payload["source"], HOST);
    assert_eq!(payload["class"], "HOST_DOWN");
    assert!(payload["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(payload["custom_details"]["id"], alert.as_str());
    assert!(trigger["client_url"].as_str().unwrap().ends_with(&format!("/alerts/{alert}")));
    let delivered = |entry: &Value| entry["status"] == "DELIVERED" && entry["lastStatusCode"] == 202;
    let log = settled_log(&app, &alert, delivered).await;
    assert!(log.iter().all(delivered), "{log:?}");
}

#[tokio::test]
async fn pager_duty_back_off_is_honoured() {
    let receiver = Receiver::answering(Reply::Json(202, r#"{"status":"success"}"#)).await;
    receiver.script([Reply::RetryAfter(429, 1)]);
    let app = app_sending_to(&receiver).await;
    integrate(&app, json!({"type": "PAGER_DUTY", "serviceKey": PAGER_DUTY_KEY})).await;
    configure(&app, "PAGER_DUTY", None).await;
    let observation = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": HOST});
    let raised = app.owner().post(&path(&app, "/alerts"), &observation).await.json();
    let alert = raised["results"][0]["id"].as_str().unwrap().to_owned();
    let delivered = wait_for_log_status(&app, &alert, "DELIVERED").await;
    assert_eq!(delivered["attempts"], 2);
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].json()["payload"]["severity"], "warning", "WARNING without an override");
}

#[tokio::test]
async fn slack_gets_a_readable_message_in_its_channel_with_the_token_as_bearer() {
    let receiver = Receiver::answering(Reply::Json(200, r#"{"ok":true,"channel":"C1","ts":"1.2"}"#)).await;
    let app = app_sending_to(&receiver).await;
    integrate(&app, json!({"type": "SLACK", "apiToken": SLACK_TOKEN, "channelName": "ops-alerts"})).await;
    configure(&app, "SLACK", None).await;
    let (received, alert) = open_acknowledge_close(&app, &receiver).await;

    for request in &received {
        assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/api/chat.postMessage"));
        assert_eq!(request.header("authorization"), Some(format!("Bearer {SLACK_TOKEN}")));
        assert_eq!(request.header("content-type").as_deref(), Some("application/json; charset=utf-8"));
        let body = request.json();
        assert_eq!(body["channel"], "ops-alerts");
        assert!(body["text"].as_str().unwrap().contains(&format!("HOST_DOWN: {HOST}")), "{body}");
        let blocks = body["blocks"].to_string();
        assert!(blocks.contains(&format!("/alerts/{alert}")), "a link a person can follow: {blocks}");
    }
    let statuses: Vec<_> = received.iter().map(|r| r.json()["text"].as_str().unwrap().to_owned()).collect();
    assert!(
        statuses[0].contains("[OPEN]")
            && statuses[1].contains("[ACKNOWLEDGED]")
            && statuses[2].contains("[CLOSED]"),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn slacks_ok_false_is_a_failed_delivery_with_slacks_error_and_its_own_trouble_is_retried() {
    let receiver = Receiver::answering(Reply::Json(200, r#"{"ok":false,"error":"channel_not_found"}"#)).await;
    let app = app_sending_to(&receiver).await;
    integrate(&app, json!({"type": "SLACK", "apiToken": SLACK_TOKEN, "channelName": "gone"})).await;
    configure(&app, "SLACK", None).await;
    let observation = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": HOST});
    let raised = app.owner().post(&path(&app, "/alerts"), &observation).await.json();
    let alert = raised["results"][0]["id"].as_str().unwrap().to_owned();
    let failed = wait_for_log_status(&app, &alert, "FAILED").await;
    assert_eq!(failed["attempts"], 1, "a permanent refusal is not retried");
    assert_eq!(failed["lastStatusCode"], 200);
    assert!(failed["lastError"].as_str().unwrap().contains("channel_not_found"), "{failed}");

    receiver.script([
        Reply::Json(200, r#"{"ok":false,"error":"internal_error"}"#),
        Reply::Json(200, r#"{"ok":true}"#),
    ]);
    let again = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-1.example.net:27017"});
    let raised = app.owner().post(&path(&app, "/alerts"), &again).await.json();
    let alert = raised["results"][0]["id"].as_str().unwrap().to_owned();
    let delivered = wait_for_log_status(&app, &alert, "DELIVERED").await;
    assert_eq!(delivered["attempts"], 2, "Slack's internal_error is tried again");
}

#[tokio::test]
async fn datadog_gets_events_grouped_by_alert_with_its_key_header_and_tags() {
    let receiver = Receiver::answering(Reply::Json(202, r#"{"status":"ok"}"#)).await;
    let app = app_sending_to(&receiver).await;
    integrate(&app, json!({"type": "DATADOG", "apiKey": DATADOG_KEY, "region": "US3"})).await;
    configure(&app, "DATADOG", Some("ERROR")).await;
    let (received, alert) = open_acknowledge_close(&app, &receiver).await;

    let types: Vec<_> = received.iter().map(|r| r.json()["alert_type"].clone()).collect();
    assert_eq!(types, ["error", "info", "success"]);
    for request in &received {
        assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/api/v1/events"));
        assert_eq!(request.header("dd-api-key").as_deref(), Some(DATADOG_KEY));
        let body = request.json();
        assert_eq!(body["aggregation_key"], alert.as_str());
        assert!(body["title"].as_str().unwrap().chars().count() <= 100);
        assert!(body["text"].as_str().unwrap().contains(&format!("Host {HOST} is down")));
        let tags: Vec<_> =
            body["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()).collect();
        for tag in
            [format!("project:{}", app.project.id), "event_type:HOST_DOWN".into(), format!("host:{HOST}")]
        {
            assert!(tags.contains(&tag), "{tag} in {tags:?}");
        }
    }
    let events: Vec<_> = received.iter().map(|r| r.json()["tags"].to_string()).collect();
    assert!(events[2].contains("alert_event:alert.close"), "{events:?}");
}

#[tokio::test]
async fn opsgenie_creates_one_alert_by_alias_then_acknowledges_and_closes_it() {
    let receiver =
        Receiver::answering(Reply::Json(202, r#"{"result":"Request will be processed","requestId":"r1"}"#))
            .await;
    let app = app_sending_to(&receiver).await;
    integrate(&app, json!({"type": "OPS_GENIE", "apiKey": OPS_GENIE_KEY, "region": "EU"})).await;
    configure(&app, "OPS_GENIE", Some("CRITICAL")).await;
    let long_name = format!("{}.example.net:27017", "a".repeat(150));
    let observation = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": long_name});
    let raised = app.owner().post(&path(&app, "/alerts"), &observation).await.json();
    let alert = raised["results"][0]["id"].as_str().unwrap().to_owned();
    receiver.wait_for(1, WAIT).await;
    let ack = json!({"acknowledgedUntil": "2099-01-01T00:00:00Z", "acknowledgementComment": "on it"});
    assert_eq!(app.owner().patch(&path(&app, &format!("/alerts/{alert}")), &ack).await.status, 200);
    receiver.wait_for(2, WAIT).await;
    assert_eq!(
        app.owner().post(&path(&app, &format!("/alerts/{alert}:close")), &json!({})).await.status,
        200
    );
    let received = receiver.wait_for(3, WAIT).await;

    let paths: Vec<_> = received.iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/v2/alerts".to_owned(),
            format!("/v2/alerts/{alert}/acknowledge?identifierType=alias"),
            format!("/v2/alerts/{alert}/close?identifierType=alias"),
        ]
    );
    for request in &received {
        assert_eq!(request.method, "POST");
        assert_eq!(request.header("authorization"), Some(format!("GenieKey {OPS_GENIE_KEY}")));
    }
    let created = received[0].json();
    assert_eq!(created["alias"], alert.as_str());
    assert_eq!(created["priority"], "P1");
    assert_eq!(created["source"], "atlas-integrations");
    assert!(created["message"].as_str().unwrap().chars().count() <= 130, "{}", created["message"]);
    assert!(created["description"].as_str().unwrap().contains("HOST_DOWN"));
    assert!(created["tags"].as_array().unwrap().contains(&json!("event_type:HOST_DOWN")));
    assert_eq!(received[1].json()["note"], "on it");
}

#[tokio::test]
async fn victorops_follows_one_entity_from_critical_to_recovery() {
    let receiver = Receiver::answering(Reply::Json(200, r#"{"result":"success","entity_id":"x"}"#)).await;
    let app = app_sending_to(&receiver).await;
    integrate(&app, json!({"type": "VICTOR_OPS", "apiKey": VICTOR_OPS_KEY, "routingKey": "db-team"})).await;
    configure(&app, "VICTOR_OPS", Some("ERROR")).await;
    let (received, alert) = open_acknowledge_close(&app, &receiver).await;

    let types: Vec<_> = received.iter().map(|r| r.json()["message_type"].clone()).collect();
    assert_eq!(types, ["CRITICAL", "ACKNOWLEDGEMENT", "RECOVERY"]);
    for request in &received {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, format!("/integrations/generic/20131114/alert/{VICTOR_OPS_KEY}/db-team"));
        let body = request.json();
        assert_eq!(body["entity_id"], alert.as_str());
        assert!(body["entity_display_name"].as_str().unwrap().contains("HOST_DOWN"));
        assert!(body["state_message"].as_str().unwrap().contains(&format!("Host {HOST} is down")));
    }
}

#[tokio::test]
async fn teams_gets_an_adaptive_card_with_the_alerts_facts() {
    let receiver = Receiver::start().await;
    let app = app_sending_to(&receiver).await;
    integrate(&app, json!({"type": "MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl": receiver.url})).await;
    configure(&app, "MICROSOFT_TEAMS", None).await;
    let (received, alert) = open_acknowledge_close(&app, &receiver).await;

    let mut statuses = Vec::new();
    for request in &received {
        assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/hook"));
        let body = request.json();
        assert_eq!(body["type"], "message");
        let attachment = &body["attachments"][0];
        assert_eq!(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
        let card = &attachment["content"];
        assert_eq!(card["type"], "AdaptiveCard");
        let facts = card["body"][2]["facts"].as_array().unwrap();
        let fact = |title: &str| facts.iter().find(|f| f["title"] == title).map(|f| f["value"].clone());
        assert_eq!(fact("Where"), Some(json!(HOST)));
        assert_eq!(fact("Alert"), Some(json!(alert)));
        statuses.push(fact("Status").unwrap());
        assert!(card["actions"][0]["url"].as_str().unwrap().ends_with(&format!("/alerts/{alert}")));
    }
    assert_eq!(statuses, ["OPEN", "ACKNOWLEDGED", "CLOSED"]);
}

#[tokio::test]
async fn every_type_can_be_tested_and_a_refused_key_says_so() {
    let receiver = Receiver::answering(Reply::Json(202, r#"{"ok":true}"#)).await;
    let app = app_sending_to(&receiver).await;
    let owner = app.owner();
    let types = [
        json!({"type": "PAGER_DUTY", "serviceKey": PAGER_DUTY_KEY}),
        json!({"type": "SLACK", "apiToken": SLACK_TOKEN, "channelName": "ops"}),
        json!({"type": "DATADOG", "apiKey": DATADOG_KEY}),
        json!({"type": "OPS_GENIE", "apiKey": OPS_GENIE_KEY}),
        json!({"type": "VICTOR_OPS", "apiKey": VICTOR_OPS_KEY}),
        json!({"type": "MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl": receiver.url}),
        json!({"type": "WEBHOOK", "url": receiver.url}),
    ];
    for settings in types {
        let kind = settings["type"].as_str().unwrap();
        integrate(&app, settings.clone()).await;
        let before = receiver.received().len();
        let tested = owner.post(&path(&app, &format!("/integrations/{kind}:test")), &json!({})).await;
        assert_eq!(tested.status, 200, "{kind}: {}", tested.text());
        assert_eq!(tested.json()["delivered"], true);
        let sent = &receiver.received()[before..];
        let resolves = matches!(kind, "PAGER_DUTY" | "OPS_GENIE");
        assert_eq!(
            sent.len(),
            if resolves { 2 } else { 1 },
            "{kind}: a test that opens an incident resolves it"
        );
        assert!(sent[0].body.windows(16).any(|w| w == b"INTEGRATION_TEST"), "{kind}");

        let refusal = match kind {
            "SLACK" => Reply::Json(200, r#"{"ok":false,"error":"invalid_auth"}"#),
            _ => Reply::Json(401, r#"{"message":"invalid key"}"#),
        };
        receiver.script([refusal]);
        let refused = owner.post(&path(&app, &format!("/integrations/{kind}:test")), &json!({})).await;
        assert_eq!(refused.status, 502, "{kind}: {}", refused.text());
        let error = refused.json();
        assert_eq!(error["errorCode"], "INTEGRATION_TEST_FAILED");
        let detail = error["detail"].as_str().unwrap();
        assert!(detail.contains("invalid"), "{kind}: {detail}");
        for secret in [PAGER_DUTY_KEY, SLACK_TOKEN, DATADOG_KEY, OPS_GENIE_KEY, VICTOR_OPS_KEY] {
            assert!(!detail.contains(secret), "{kind}: the key is not repeated");
        }
    }
    for (ended, settings) in [
        (
            "NEW_RELIC",
            json!({"type": "NEW_RELIC", "accountId": "b".repeat(40), "licenseKey": "a".repeat(40), "writeToken": "w", "readToken": "r"}),
        ),
        ("FLOWDOCK", json!({"type": "FLOWDOCK", "apiToken": "t0k3n", "flowName": "f", "orgName": "o"})),
        (
            "PROMETHEUS",
            json!({"type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "http", "username": "prom", "password": "pw-long-enough"}),
        ),
    ] {
        integrate(&app, settings).await;
        let tested = owner.post(&path(&app, &format!("/integrations/{ended}:test")), &json!({})).await;
        assert_eq!(tested.status, 400, "{ended}: {}", tested.text());
    }
}

#[tokio::test]
async fn the_address_guard_holds_for_a_services_overridden_origin_too() {
    let receiver = Receiver::answering(Reply::Json(202, "{}")).await;
    let app = app_with_guard(&receiver, false).await;
    integrate(&app, json!({"type": "PAGER_DUTY", "serviceKey": PAGER_DUTY_KEY})).await;
    let tested = app.owner().post(&path(&app, "/integrations/PAGER_DUTY:test"), &json!({})).await;
    assert_eq!(tested.status, 502, "{}", tested.text());
    assert!(tested.json()["detail"].as_str().unwrap().contains("no public address"), "{}", tested.text());
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn no_services_key_reaches_the_database_files_or_the_logs() {
    let receiver = Receiver::answering(Reply::Json(500, r#"{"message":"try later"}"#)).await;
    let app = app_sending_to(&receiver).await;
    let keys = [PAGER_DUTY_KEY, SLACK_TOKEN, DATADOG_KEY, OPS_GENIE_KEY, VICTOR_OPS_KEY];
    integrate(&app, json!({"type": "PAGER_DUTY", "serviceKey": PAGER_DUTY_KEY})).await;
    integrate(&app, json!({"type": "SLACK", "apiToken": SLACK_TOKEN, "channelName": "ops"})).await;
    integrate(&app, json!({"type": "DATADOG", "apiKey": DATADOG_KEY})).await;
    integrate(&app, json!({"type": "OPS_GENIE", "apiKey": OPS_GENIE_KEY})).await;
    integrate(&app, json!({"type": "VICTOR_OPS", "apiKey": VICTOR_OPS_KEY, "routingKey": "db"})).await;
    let notifications: Vec<_> = ["PAGER_DUTY", "SLACK", "DATADOG", "OPS_GENIE", "VICTOR_OPS"]
        .iter()
        .map(|type_name| json!({"typeName": type_name, "delayMin": 0}))
        .collect();
    let body = json!({"eventTypeName": "HOST_DOWN", "enabled": true, "notifications": notifications});
    assert_eq!(app.owner().post(&path(&app, "/alertConfigs"), &body).await.status, 200);
    let observation = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": HOST});
    let raised = app.owner().post(&path(&app, "/alerts"), &observation).await.json();
    let alert = raised["results"][0]["id"].as_str().unwrap().to_owned();
    let attempted = receiver.wait_for(10, WAIT).await;
    assert!(attempted.len() >= 10, "every service failed and was tried again: {}", attempted.len());
    let answered_500 = |entry: &Value| entry["lastError"].as_str().is_some_and(|e| e.contains("500"));
    let log = settled_log(&app, &alert, answered_500).await;
    assert!(log.iter().all(answered_500), "{log:?}");

    let bytes = app.database.raw_bytes(app.data_dir.path());
    let logs = crate::helpers::captured_logs();
    let answers = serde_json::to_string(&log).unwrap();
    assert!(logs.contains("notification attempted"), "the scan reads the attempts' log lines");
    for key in keys {
        assert!(!bytes.windows(key.len()).any(|w| w == key.as_bytes()), "{key} is in the database files");
        assert!(!logs.contains(key), "{key} is in the logs");
        assert!(!answers.contains(key), "{key} is in the notification log");
    }
}
