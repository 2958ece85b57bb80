//! What operators read: `--metrics-listen` counts exactly the traffic sent, with route
//! templates and fixed words as labels; `--log-format json` writes one object a line with
//! the request's fields and never a secret.

use std::collections::HashMap;

use atlas_integrations::admin::KeyGrant;
use atlas_integrations::domain::api_key::ProjectRole;
use serde_json::{Value, json};

use crate::helpers::{Credentials, DigestClient, Mode, ServerProcess, TestApp};

/// The samples of a scrape, by `name{labels}` as written.
fn samples(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("a sample is a series and a value");
            (series.to_owned(), value.parse().expect("a sample's value is a number"))
        })
        .collect()
}

async fn scrape(server: &ServerProcess) -> (String, HashMap<String, f64>) {
    let url = format!("{}/metrics", server.metrics.as_ref().unwrap());
    let answer = reqwest::get(&url).await.unwrap();
    assert_eq!(answer.status(), 200);
    let media = answer.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(media.starts_with("text/plain; version=0.0.4"), "{media}");
    let text = answer.text().await.unwrap();
    let parsed = samples(&text);
    (text, parsed)
}

#[tokio::test]
async fn the_metrics_count_what_was_sent_by_route_template_and_reason() {
    let app = TestApp::spawn().await;
    let server = ServerProcess::start(&app, &["--metrics-listen", "127.0.0.1:0"]);
    let owner = DigestClient::new(&server.base, app.owner.clone(), Mode::Reuse);
    let group = app.project.id.to_string();
    let list = format!("/api/atlas/v2/groups/{group}/integrations");
    for _ in 0..5 {
        assert_eq!(owner.get(&list).await.status, 200);
    }
    let wrong = Credentials { public_key: app.owner.public_key.clone(), private_key: "not-the-key".into() };
    let impostor = DigestClient::new(&server.base, wrong, Mode::Fresh);
    for _ in 0..3 {
        assert_eq!(impostor.get(&list).await.status, 401);
    }
    let put = owner
        .put(
            &format!("{list}/SLACK"),
            &json!({"type": "SLACK", "apiToken": "xoxb-metrics-test-token", "channelName": "ops"}),
        )
        .await;
    assert_eq!(put.status, 200);

    let (text, samples) = scrape(&server).await;
    let route = "/api/atlas/v2/groups/{group_id}/integrations";
    let requests = |method: &str, route: &str, status: u16| {
        let series = format!(
            "atlas_integrations_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}}"
        );
        samples.get(&series).copied().unwrap_or(0.0)
    };
    assert_eq!(requests("GET", route, 200), 5.0, "{text}");
    assert_eq!(requests("PUT", &format!("{route}/{{integration_type}}"), 200), 1.0, "{text}");
    // Each of the impostor's requests is a challenge and a wrong answer to it.
    assert_eq!(requests("GET", route, 401), 7.0, "{text}");
    let failures = "atlas_integrations_auth_failures_total{scheme=\"digest\",reason=\"wrong_response\"}";
    assert_eq!(samples[failures], 3.0, "{text}");
    let duration_count =
        format!("atlas_integrations_http_request_duration_seconds_count{{method=\"GET\",route=\"{route}\"}}");
    assert_eq!(samples[&duration_count], 12.0);
    assert_eq!(samples["atlas_integrations_outbox_depth"], 0.0);
    let engine = if app.database.is_postgres() { "postgres" } else { "sqlite" };
    let idle = format!("atlas_integrations_db_pool_connections{{engine=\"{engine}\",state=\"idle\"}}");
    assert!(samples.contains_key(&idle), "{text}");
    match app.database.is_postgres() {
        // Every statement waited for a pooled connection (often not at all).
        true => assert!(samples["atlas_integrations_db_pool_wait_seconds_count{engine=\"postgres\"}"] >= 6.0),
        // The PUT, at least, was committed by the group-commit writer.
        false => assert!(samples["atlas_integrations_db_write_batch_size_count"] >= 1.0),
    }
    // Labels never carry a project, a key or a path.
    assert!(!text.contains(&group), "{text}");
    assert!(!text.contains(&app.owner.public_key), "{text}");

    let (_, again) = scrape(&server).await;
    assert_eq!(again[failures], 3.0, "a scrape counts nothing itself");
}

#[tokio::test]
async fn the_metrics_address_serves_only_metrics_and_no_api() {
    let app = TestApp::spawn().await;
    let server = ServerProcess::start(&app, &["--metrics-listen", "127.0.0.1:0"]);
    let metrics = server.metrics.clone().unwrap();
    let list = format!("{metrics}/api/atlas/v2/groups/{}/integrations", app.project.id);
    assert_eq!(reqwest::get(&list).await.unwrap().status(), 404);
    assert_eq!(reqwest::get(format!("{}/metrics", server.base)).await.unwrap().status(), 404);
}

#[tokio::test]
async fn json_logs_are_one_object_a_line_with_the_request_fields_and_no_secret() {
    let app = TestApp::spawn().await;
    let reader = app.key(KeyGrant::Project(app.project.id, ProjectRole::GroupReadOnly)).await;
    let server = ServerProcess::start(&app, &["--log-format", "json"]);
    let owner = DigestClient::new(&server.base, app.owner.clone(), Mode::Reuse);
    let token = "xoxb-json-log-secret-token-9f8e7d";
    let put_path = format!("/api/atlas/v2/groups/{}/integrations/SLACK", app.project.id);
    assert_eq!(
        owner.put(&put_path, &json!({"type": "SLACK", "apiToken": token, "channelName": "ops"})).await.status,
        200
    );
    let traced = reqwest::Client::new()
        .get(format!("{}/healthz", server.base))
        .header("x-request-id", "trace-from-the-client-1")
        .send()
        .await
        .unwrap();
    assert_eq!(traced.status(), 200);
    assert_eq!(traced.headers()["x-request-id"], "trace-from-the-client-1");
    let read = DigestClient::new(&server.base, reader.clone(), Mode::Reuse);
    let answer = read.get(&format!("/api/atlas/v2/groups/{}/integrations", app.project.id)).await;
    assert_eq!(answer.status, 200);
    let generated = answer.header("x-request-id").expect("every answer names its request");
    assert_eq!(generated.len(), 32);

    let mut lines = Vec::new();
    for _ in 0..100 {
        lines = server.lines();
        if lines.iter().any(|line| line.contains(&generated)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let objects: Vec<Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not one JSON object: {line}: {e}")))
        .collect();
    for object in &objects {
        assert!(object["timestamp"].is_string() && object["level"].is_string(), "{object}");
    }
    let request = objects
        .iter()
        .find(|o| o["fields"]["request_id"] == generated.as_str())
        .expect("the request's line carries its id");
    let fields = &request["fields"];
    assert_eq!(fields["message"], "request");
    assert_eq!(fields["method"], "GET");
    assert_eq!(fields["route"], "/api/atlas/v2/groups/{group_id}/integrations");
    assert_eq!(fields["status"], 200);
    assert!(fields["latency_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(fields["client"], "127.0.0.1");
    assert_eq!(fields["credential"], reader.public_key.as_str());
    assert!(objects.iter().any(|o| o["fields"]["request_id"] == "trace-from-the-client-1"));

    let all = lines.join("\n");
    for secret in [token, app.owner.private_key.as_str(), reader.private_key.as_str()] {
        assert!(!all.contains(secret), "a secret reached the log");
    }
    assert!(!all.to_ascii_lowercase().contains("authorization"), "an Authorization header reached the log");
    assert!(!all.contains("Digest username"), "a Digest header reached the log");
}

#[tokio::test]
async fn a_guessing_address_is_refused_at_the_token_endpoint_before_any_secret_is_hashed() {
    let app = TestApp::spawn().await;
    let server =
        ServerProcess::start(&app, &["--metrics-listen", "127.0.0.1:0", "--auth-failure-address-limit", "5"]);
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for guess in 0..20 {
        // A new (well-formed, unknown) client id each time: the per-client throttle never
        // sees a repeat, only the per-address one can stop this.
        let answer = client
            .post(format!("{}/api/oauth/token", server.base))
            .basic_auth(format!("mdb_sa_id_{guess:024x}"), Some("mdb_sa_sk_guess"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .unwrap();
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses[..5], [401; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|status| *status == 429), "{statuses:?}");
    let (_, samples) = scrape(&server).await;
    assert_eq!(
        samples.get("atlas_integrations_secret_verifications_total").copied(),
        Some(5.0),
        "only the first five were hashed"
    );
}
