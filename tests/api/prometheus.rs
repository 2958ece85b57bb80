//! Prometheus's side of a PROMETHEUS integration: discovery in Atlas's shape and the
//! project's alerting metrics, both behind the integration's Basic credentials; 404 while
//! the integration is absent or disabled; failed logins throttled like Digest's.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Receiver, TestApp};

const USER: &str = "prom_user_alerts";
const PASSWORD: &str = "prom-pass-7f3a91";

fn prometheus(app: &TestApp, what: &str) -> String {
    format!("{}/prometheus/v1.0/groups/{}/{what}", app.base, app.project.id)
}

async fn integrate(app: &TestApp, enabled: bool) {
    let body = json!({"type": "PROMETHEUS", "enabled": enabled, "serviceDiscovery": "http",
                      "username": USER, "password": PASSWORD});
    let uri = format!("/api/atlas/v2/groups/{}/integrations/PROMETHEUS", app.project.id);
    let put = app.owner().put(&uri, &body).await;
    assert_eq!(put.status, 200, "{}", put.text());
}

async fn get(url: &str, credentials: Option<(&str, &str)>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(url);
    if let Some((user, password)) = credentials {
        request = request.basic_auth(user, Some(password));
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn without_an_enabled_integration_the_answer_is_the_same_401_as_for_wrong_credentials() {
    let app = TestApp::spawn().await;
    let url = prometheus(&app, "discovery");
    let elsewhere = url.replace(&app.project.id.to_string(), "5f0000000000000000000000");
    let answers = [
        get(&url, Some((USER, PASSWORD))).await,
        get(&elsewhere, Some((USER, PASSWORD))).await,
        get(&url.replace(&app.project.id.to_string(), "not-a-project"), Some((USER, PASSWORD))).await,
    ];
    integrate(&app, false).await;
    let disabled = get(&url, Some((USER, PASSWORD))).await;
    integrate(&app, true).await;
    let wrong = get(&url, Some((USER, "wrong-password"))).await;
    let mut bodies = Vec::new();
    for answer in answers.into_iter().chain([disabled, wrong]) {
        assert_eq!(answer.status(), 401);
        assert!(answer.headers()["www-authenticate"].to_str().unwrap().starts_with("Basic realm="));
        bodies.push(answer.text().await.unwrap());
    }
    assert!(bodies.windows(2).all(|pair| pair[0] == pair[1]), "one answer for all: {bodies:?}");
    assert_eq!(get(&url, Some((USER, PASSWORD))).await.status(), 200);
}

#[tokio::test]
async fn a_prometheus_password_shorter_than_eight_characters_is_refused() {
    let app = TestApp::spawn().await;
    let body = json!({"type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "http",
                      "username": USER, "password": "short"});
    let refused = app.owner().put(&app.v2("PROMETHEUS"), &body).await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert!(refused.text().contains("at least 8 characters"), "{}", refused.text());
    assert_eq!(app.owner().get(&app.v2("PROMETHEUS")).await.status, 404, "nothing was stored");
}

#[tokio::test]
async fn discovery_and_metrics_want_the_integrations_basic_credentials() {
    let app = TestApp::spawn().await;
    integrate(&app, true).await;
    for what in ["discovery", "metrics"] {
        let url = prometheus(&app, what);
        for credentials in [None, Some((USER, "wrong")), Some(("someone", PASSWORD))] {
            let refused = get(&url, credentials).await;
            assert_eq!(refused.status(), 401, "{what} {credentials:?}");
            let challenge = refused.headers()["www-authenticate"].to_str().unwrap().to_owned();
            assert!(challenge.starts_with("Basic realm="), "{challenge}");
            let error: Value = serde_json::from_str(&refused.text().await.unwrap()).unwrap();
            assert_eq!(error["error"], 401);
        }
        let digest = reqwest::Client::new()
            .get(&url)
            .header(
                "authorization",
                format!("Digest username=\"{}\", realm=\"MMS Public API\"", app.owner.public_key),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(digest.status(), 401, "an API key does not open Prometheus's endpoints");
    }
}

#[tokio::test]
async fn discovery_lists_this_server_as_the_projects_target_in_atlass_shape() {
    let app = TestApp::spawn().await;
    integrate(&app, true).await;
    let answer = get(&prometheus(&app, "discovery"), Some((USER, PASSWORD))).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "application/json");
    let targets: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    let host = app.base.trim_start_matches("http://");
    assert_eq!(targets.as_array().unwrap().len(), 1);
    assert_eq!(targets[0]["targets"], json!([host]));
    let labels = &targets[0]["labels"];
    assert_eq!(labels["group_id"], app.project.id.to_string());
    assert_eq!(labels["org_id"], app.project.org_id.to_string());
    assert_eq!(labels["__scheme__"], "http");
    let metrics_path = labels["__metrics_path__"].as_str().unwrap();
    assert_eq!(format!("{}{metrics_path}", app.base), prometheus(&app, "metrics"));
}

#[tokio::test]
async fn metrics_count_open_alerts_notifications_and_delivery_latency() {
    let app = TestApp::spawn().await;
    integrate(&app, true).await;
    let receiver = Receiver::start().await;
    let v2 = format!("/api/atlas/v2/groups/{}", app.project.id);
    let config = json!({"eventTypeName": "HOST_DOWN", "enabled": true, "notifications": [
        {"typeName": "WEBHOOK", "webhookUrl": receiver.url, "delayMin": 0},
        {"typeName": "EMAIL", "emailAddress": "ops@example.com"}]});
    assert_eq!(app.owner().post(&format!("{v2}/alertConfigs"), &config).await.status, 200);
    for host in ["db-0:27017", "db-1:27017"] {
        let observation = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": host});
        assert_eq!(app.owner().post(&format!("{v2}/alerts"), &observation).await.status, 200);
    }
    receiver.wait_for(2, Duration::from_secs(10)).await;
    let text = loop {
        let answer = get(&prometheus(&app, "metrics"), Some((USER, PASSWORD))).await;
        assert_eq!(answer.status(), 200);
        assert!(answer.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
        let text = answer.text().await.unwrap();
        if text.contains("status=\"DELIVERED\"} 2") {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let group = app.project.id.to_string();
    for line in [
        format!("atlas_alerts_open{{group_id=\"{group}\",event_type_name=\"HOST_DOWN\"}} 2"),
        format!(
            "atlas_alert_notifications{{group_id=\"{group}\",type_name=\"WEBHOOK\",status=\"DELIVERED\"}} 2"
        ),
        format!("atlas_alert_notifications{{group_id=\"{group}\",type_name=\"EMAIL\",status=\"SKIPPED\"}} 2"),
        format!("atlas_alert_notification_delivery_seconds_bucket{{group_id=\"{group}\",le=\"+Inf\"}} 2"),
        format!("atlas_alert_notification_delivery_seconds_count{{group_id=\"{group}\"}} 2"),
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
}

#[tokio::test]
async fn a_flood_of_wrong_prometheus_passwords_is_throttled() {
    let app = TestApp::spawn().await;
    integrate(&app, true).await;
    let url = prometheus(&app, "metrics");
    let mut statuses = Vec::new();
    for _ in 0..30 {
        statuses.push(get(&url, Some((USER, "guess"))).await.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(
        get(&url, Some((USER, PASSWORD))).await.status(),
        429,
        "the throttle holds for the right password too"
    );
}
