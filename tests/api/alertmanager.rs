//! Alertmanager's webhook payload received at `…/alerts:alertmanager`: each label's mapping,
//! the event type from the query, refusals one alert at a time, resends that update rather
//! than open, resolved alerts that close (or find nothing open), 1,000 alerts in one payload,
//! and the requests refused as a whole (a reader, another version, a body that is not JSON).

use base64::Engine as _;
use reqwest::Method;
use serde_json::{Value, json};

use crate::delivery::{WAIT, path};
use crate::helpers::{Receiver, TestApp};

fn firing(labels: Value, annotations: Value) -> Value {
    json!({"status": "firing", "labels": labels, "annotations": annotations,
           "startsAt": "2026-12-03T07:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
           "generatorURL": "http://prometheus:9090/graph", "fingerprint": "c3a2b1"})
}

fn payload(alerts: Vec<Value>) -> Value {
    let status = if alerts.iter().any(|alert| alert["status"] == "firing") { "firing" } else { "resolved" };
    json!({"version": "4", "groupKey": "{}:{alertname=\"HostDown\"}", "truncatedAlerts": 0, "status": status,
           "receiver": "atlas", "groupLabels": {"alertname": "HostDown"}, "commonLabels": {}, "commonAnnotations": {},
           "externalURL": "http://alertmanager:9093", "alerts": alerts})
}

fn resolved(mut alert: Value) -> Value {
    alert["status"] = json!("resolved");
    alert["endsAt"] = json!("2026-12-03T07:05:00Z");
    alert
}

async fn post(app: &TestApp, query: &str, body: &Value) -> Value {
    let answer = app.owner().post(&path(app, &format!("/alerts:alertmanager{query}")), body).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

async fn configure(app: &TestApp, body: Value) {
    let created = app.owner().post(&path(app, "/alertConfigs"), &body).await;
    assert_eq!(created.status, 200, "{}", created.text());
}

/// HOST_DOWN emails ops@example.com (nothing is sent: no SMTP server here).
async fn email_on_host_down(app: &TestApp) {
    configure(
        app,
        json!({"eventTypeName": "HOST_DOWN", "enabled": true,
        "notifications": [{"typeName": "EMAIL", "emailAddress": "ops@example.com"}]}),
    )
    .await;
}

async fn alerts(app: &TestApp, status: &str) -> Vec<Value> {
    let listed =
        app.owner().get(&path(app, &format!("/alerts?status={status}&itemsPerPage=500"))).await.json();
    listed["results"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_firing_alert_opens_once_however_often_it_is_resent_and_resolved_closes_it() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    configure(
        &app,
        json!({"eventTypeName": "HOST_DOWN", "enabled": true,
        "notifications": [{"typeName": "WEBHOOK", "webhookUrl": receiver.url}]}),
    )
    .await;
    let down = firing(
        json!({"alertname": "HostDown", "atlas_event_type": "HOST_DOWN", "instance": "db-0.example.net:27017",
               "cluster": "Cluster0", "replica_set": "rs0"}),
        json!({"summary": "db-0 is down", "description": "No scrape for 1m"}),
    );
    let first = post(&app, "", &payload(vec![down.clone()])).await;
    assert_eq!((first["received"].as_u64(), first["opened"].as_u64()), (Some(1), Some(1)), "{first}");
    let result = &first["results"][0];
    assert_eq!(
        (result["outcome"].as_str(), result["fingerprint"].as_str()),
        (Some("OPENED"), Some("c3a2b1"))
    );
    let id = result["alerts"][0]["id"].as_str().unwrap().to_owned();

    let open = alerts(&app, "OPEN").await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["id"], id.as_str());
    assert_eq!(open[0]["hostnameAndPort"], "db-0.example.net:27017");
    assert_eq!(open[0]["clusterName"], "Cluster0");
    assert_eq!(open[0]["replicaSetName"], "rs0");
    let delivered = receiver.wait_for(1, WAIT).await;
    assert_eq!(delivered[0].header("x-mms-event").as_deref(), Some("alert.open"));
    assert_eq!(delivered[0].json()["humanReadable"], "db-0 is down\n\nNo scrape for 1m");

    for _ in 0..3 {
        let again = post(&app, "", &payload(vec![down.clone()])).await;
        assert_eq!(again["results"][0]["outcome"], "UPDATED", "{again}");
        assert_eq!(again["results"][0]["alerts"][0]["id"], id.as_str());
    }
    assert_eq!(alerts(&app, "OPEN").await.len(), 1, "a resend never opens a second alert");

    let closed = post(&app, "", &payload(vec![resolved(down.clone())])).await;
    assert_eq!(
        (closed["closed"].as_u64(), closed["results"][0]["outcome"].as_str()),
        (Some(1), Some("CLOSED"))
    );
    assert!(alerts(&app, "OPEN").await.is_empty());
    let events: Vec<String> =
        receiver.wait_for(2, WAIT).await.iter().filter_map(|hook| hook.header("x-mms-event")).collect();
    assert_eq!(events, ["alert.open", "alert.close"]);

    let nothing = post(&app, "", &payload(vec![resolved(down)])).await;
    assert_eq!(nothing["results"][0]["outcome"], "NO_OPEN_ALERT", "{nothing}");
    assert_eq!(nothing["unchanged"], 1);
}

#[tokio::test]
async fn the_event_type_comes_from_the_label_else_the_query_and_each_unusable_alert_is_refused_alone() {
    let app = TestApp::spawn().await;
    email_on_host_down(&app).await;
    configure(&app, json!({"eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "enabled": true,
        "metricThreshold": {"metricName": "CONNECTIONS", "operator": "GREATER_THAN", "threshold": 100, "units": "RAW"},
        "notifications": [{"typeName": "EMAIL", "emailAddress": "ops@example.com"}]}))
    .await;
    let batch = payload(vec![
        firing(json!({"hostnameAndPort": "a:1"}), json!({})),
        firing(json!({"atlas_event_type": "NOT_AN_EVENT", "instance": "b:1"}), json!({})),
        firing(
            json!({"atlas_event_type": "OUTSIDE_METRIC_THRESHOLD", "instance": "c:1", "atlas_metric": "CONNECTIONS"}),
            json!({"value": "250", "units": "RAW"}),
        ),
        firing(
            json!({"atlas_event_type": "OUTSIDE_METRIC_THRESHOLD", "instance": "d:1", "atlas_metric": "CONNECTIONS"}),
            json!({"value": "50"}),
        ),
        firing(
            json!({"atlas_event_type": "OUTSIDE_METRIC_THRESHOLD", "instance": "e:1"}),
            json!({"value": "many"}),
        ),
        json!({"status": "pending", "labels": {"instance": "f:1"}}),
    ]);
    let answer = post(&app, "?eventTypeName=HOST_DOWN", &batch).await;
    let outcomes: Vec<&str> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["OPENED", "REFUSED", "OPENED", "MATCHED_NO_CONFIGURATION", "REFUSED", "REFUSED"]);
    assert!(answer["results"][1]["reason"].as_str().unwrap().contains("NOT_AN_EVENT"), "{answer}");
    assert!(answer["results"][4]["reason"].as_str().unwrap().contains("not a number"), "{answer}");
    assert!(answer["results"][5]["reason"].as_str().unwrap().contains("pending"), "{answer}");
    assert_eq!((answer["opened"].as_u64(), answer["refused"].as_u64()), (Some(2), Some(3)));
    let metric =
        alerts(&app, "OPEN").await.into_iter().find(|alert| alert["hostnameAndPort"] == "c:1").unwrap();
    assert_eq!(metric["metricName"], "CONNECTIONS");
    assert_eq!(metric["currentValue"], json!({"number": 250, "units": "RAW"}));

    let without = post(&app, "", &payload(vec![firing(json!({"instance": "g:1"}), json!({}))])).await;
    assert!(without["results"][0]["reason"].as_str().unwrap().contains("atlas_event_type"), "{without}");
    let unknown = app.owner().post(&path(&app, "/alerts:alertmanager?eventTypeName=NOPE"), &batch).await;
    let refused = unknown.assert_error(400, "INVALID_QUERY_PARAMETER");
    assert!(refused["detail"].as_str().unwrap().contains("NOPE"));
}

#[tokio::test]
async fn a_thousand_alerts_in_one_payload_are_taken_in_one_request() {
    let app = TestApp::spawn().await;
    email_on_host_down(&app).await;
    let many = (0..1_000)
        .map(|n| {
            firing(
                json!({"alertname": "HostDown", "atlas_event_type": "HOST_DOWN", "instance": format!("db-{n}:27017"),
                       "job": "mongodb", "severity": "page"}),
                json!({"summary": format!("db-{n} is down"), "description": "No scrape for 1m", "runbook_url": "https://runbooks.example/host-down"}),
            )
        })
        .collect();
    let answer = post(&app, "", &payload(many)).await;
    assert_eq!((answer["received"].as_u64(), answer["opened"].as_u64()), (Some(1_000), Some(1_000)));
    let listed = app.owner().get(&path(&app, "/alerts?status=OPEN")).await.json();
    assert_eq!(listed["totalCount"], 1_000);
}

#[tokio::test]
async fn a_reader_another_version_or_a_body_that_is_not_json_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    email_on_host_down(&app).await;
    let down = payload(vec![firing(json!({"atlas_event_type": "HOST_DOWN", "instance": "a:1"}), json!({}))]);
    let route = path(&app, "/alerts:alertmanager");
    app.client(&app.reader).post(&route, &down).await.assert_error(401, "USER_UNAUTHORIZED");
    // Alertmanager's basic_auth: the owner's own key pair, sent in the clear, is not taken.
    let pair = format!("{}:{}", app.owner.public_key, app.owner.private_key);
    let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair));
    let body = Some(down.to_string().into_bytes());
    let headers = [("Content-Type", "application/json"), ("Authorization", basic.as_str())];
    let refused = app.owner().send_raw(Method::POST, &route, &headers, body).await;
    assert_eq!(refused.status, 401, "{}", refused.text());
    let mut old = down.clone();
    old["version"] = json!("3");
    let refused = app.owner().post(&route, &old).await.assert_error(400, "INVALID_ATTRIBUTE");
    assert!(refused["detail"].as_str().unwrap().contains("version 3"));
    let headers = [("Content-Type", "application/json")];
    let broken = app.owner().send(Method::POST, &route, &headers, Some(b"{\"alerts\": [".to_vec())).await;
    broken.assert_error(400, "INVALID_JSON");
    let shapeless = app.owner().send(Method::POST, &route, &headers, Some(b"{\"alerts\": 7}".to_vec())).await;
    shapeless.assert_error(400, "INVALID_JSON");
    assert!(alerts(&app, "OPEN").await.is_empty(), "nothing was raised");
}
