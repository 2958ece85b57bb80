//! What alerting costs grows with what matches and what is due, not with what a project
//! stores: a configuration's patterns have a compiled-size budget, configurations are opened
//! once per change (not on every raise), the repeat sweep reads only alerts whose repeat is
//! due, and a project with heavy patterns and hundreds of open alerts leaves another
//! project's writes prompt.

use std::time::Duration;

use atlas_integrations::admin::{self, KeyGrant};
use atlas_integrations::delivery::settings::DeliverySettings;
use atlas_integrations::domain::alerts::observation::Observation;
use atlas_integrations::domain::api_key::ProjectRole;
use atlas_integrations::domain::ids::GroupId;
use atlas_integrations::store::now_ms;
use serde_json::{Value, json};

use crate::helpers::{DigestClient, Mode, ServerProcess, TestApp, Tuning, integrations_path};

const V2: &str = "/api/atlas/v2";
/// A legal pattern whose Unicode class compiles to about 280 KiB.
const HEAVY: &str = r"\w{5}:27017|a+";
const MINUTE: i64 = 60_000;

fn at(group: GroupId, suffix: &str) -> String {
    format!("{V2}/groups/{group}{suffix}")
}

fn regex_matchers(patterns: &[&str]) -> Value {
    let matchers: Vec<Value> = patterns
        .iter()
        .map(|pattern| json!({"fieldName": "HOSTNAME_AND_PORT", "operator": "REGEX", "value": pattern}))
        .collect();
    Value::Array(matchers)
}

/// A `HOST_DOWN` configuration with a webhook repeating every `interval` minutes.
fn repeating(matchers: Value, interval: u32) -> Value {
    json!({"eventTypeName": "HOST_DOWN", "enabled": true, "matchers": matchers,
           "notifications": [{"typeName": "WEBHOOK", "webhookUrl": "https://hooks.example.com/ops",
                              "delayMin": 0, "intervalMin": interval}]})
}

fn host_down(host: usize) -> Observation {
    Observation {
        event_type_name: "HOST_DOWN".into(),
        hostname_and_port: Some(format!("db{host:03}:27017")),
        ..Observation::default()
    }
}

fn without_worker() -> Tuning {
    let delivery = DeliverySettings { run_worker: false, ..DeliverySettings::default() };
    Tuning { delivery: Some(delivery), ..Tuning::default() }
}

async fn open_alerts(app: &TestApp, how_many: usize) {
    let base = format!("{}{V2}", app.base);
    for host in 0..how_many {
        let raised = app.store.raise_alert(app.project.id, &host_down(host), &base).await.unwrap();
        assert_eq!(raised.len(), 1, "db{host:03} opens one alert");
    }
}

#[tokio::test]
async fn patterns_that_compile_too_large_together_are_refused_with_the_size_and_nothing_is_kept() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    let configs = at(app.project.id, "/alertConfigs");
    let fits = owner.post(&configs, &repeating(regex_matchers(&[HEAVY, HEAVY, HEAVY]), 60)).await;
    assert_eq!(fits.status, 200, "three heavy patterns fit the budget: {}", fits.text());

    let refused = owner.post(&configs, &repeating(regex_matchers(&[HEAVY; 4]), 60)).await;
    let detail = refused.assert_error(400, "INVALID_ATTRIBUTE")["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("KiB") && detail.contains("[A-Za-z0-9_]"), "{detail}");
    assert_eq!(owner.get(&configs).await.json()["totalCount"], 1, "the refused one was not stored");

    let alone = owner.post(&configs, &repeating(regex_matchers(&[r"\w{64}"]), 60)).await;
    let detail = alone.assert_error(400, "INVALID_ATTRIBUTE")["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("too large"), "{detail}");
}

#[tokio::test]
async fn configurations_are_opened_once_per_change_not_on_every_raise() {
    let app = TestApp::spawn_tuned(without_worker()).await;
    let server = ServerProcess::start(&app, &["--metrics-listen", "127.0.0.1:0", "--no-delivery-worker"]);
    let owner = DigestClient::new(&server.base, app.owner.clone(), Mode::Reuse);
    let configs = at(app.project.id, "/alertConfigs");
    let mut ids = Vec::new();
    for patterns in [&[HEAVY][..], &["db0.*"], &["db.*:27017"]] {
        let created = owner.post(&configs, &repeating(regex_matchers(patterns), 60)).await;
        assert_eq!(created.status, 200, "{}", created.text());
        ids.push(created.json()["id"].as_str().unwrap().to_owned());
    }
    // Each change is opened again right after it commits: 1, then 2, then 3 configurations.
    assert_eq!(opened(&server).await, 6.0, "opened after each creation");
    let raise =
        |host: usize| json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": format!("db{host:03}:27017")});
    for host in 0..20 {
        let raised = owner.post(&at(app.project.id, "/alerts"), &raise(host)).await;
        assert_eq!(raised.status, 200, "{}", raised.text());
        assert_eq!(raised.json()["results"].as_array().unwrap().len(), 3, "each matches all three");
    }
    for _ in 0..5 {
        assert_eq!(owner.get(&configs).await.json()["totalCount"], 3);
        assert_eq!(owner.get(&format!("{configs}/{}", ids[0])).await.status, 200);
    }
    assert_eq!(opened(&server).await, 6.0, "nothing opened for twenty raises and ten reads");

    let changed =
        owner.put(&format!("{configs}/{}", ids[1]), &repeating(regex_matchers(&["nothing"]), 60)).await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let raised = owner.post(&at(app.project.id, "/alerts"), &raise(20)).await.json();
    assert_eq!(raised["results"].as_array().unwrap().len(), 2, "the change is seen at once");
    owner.post(&at(app.project.id, "/alerts"), &raise(21)).await;
    assert_eq!(opened(&server).await, 9.0, "opened again once, after the change");
}

async fn opened(server: &ServerProcess) -> f64 {
    let url = format!("{}/metrics", server.metrics.as_ref().unwrap());
    let text = reqwest::get(&url).await.unwrap().text().await.unwrap();
    let line = text.lines().find(|line| line.starts_with("atlas_integrations_alert_configs_opened_total "));
    line.and_then(|line| line.split_whitespace().nth(1)).map_or(0.0, |value| value.parse().unwrap())
}

#[tokio::test]
async fn the_repeat_sweep_reads_only_the_alerts_whose_repeat_is_due() {
    let app = TestApp::spawn_tuned(without_worker()).await;
    let owner = app.owner();
    let configs = at(app.project.id, "/alertConfigs");
    assert_eq!(owner.post(&configs, &repeating(regex_matchers(&["db0.*"]), 60)).await.status, 200);
    let quiet = json!({"eventTypeName": "HOST_DOWN", "enabled": true,
                       "matchers": regex_matchers(&["db1.*"]),
                       "notifications": [{"typeName": "EMAIL", "emailAddress": "ops@example.com"}]});
    assert_eq!(owner.post(&configs, &quiet).await.status, 200, "its alerts never repeat");
    open_alerts(&app, 200).await; // db000-db099 repeat hourly, db100-db199 never
    let base = format!("{}{V2}", app.base);
    let sweep = |minutes: i64| {
        let (store, base) = (app.store.clone(), base.clone());
        async move { store.schedule_repeats(now_ms() + minutes * MINUTE, &base).await.unwrap() }
    };

    assert_eq!(sweep(1).await, 0, "nothing is due before the interval");
    assert_eq!(sweep(61).await, 100, "every repeating alert once, the others never");
    assert_eq!(sweep(62).await, 0, "each is next due an interval after its repeat");

    let alerts = owner.get(&at(app.project.id, "/alerts?itemsPerPage=500")).await.json();
    let first = alerts["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|alert| alert["hostnameAndPort"] == "db000:27017")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ack = json!({"acknowledgedUntil": "2099-01-01T00:00:00Z"});
    assert_eq!(owner.patch(&at(app.project.id, &format!("/alerts/{first}")), &ack).await.status, 200);
    assert_eq!(sweep(200).await, 99, "an acknowledged alert is not read until it lapses");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heavy_patterns_with_hundreds_of_open_alerts_leave_another_projects_writes_prompt() {
    let app = TestApp::spawn_tuned(without_worker()).await;
    let configs = at(app.project.id, "/alertConfigs");
    let heavy = repeating(regex_matchers(&[HEAVY, HEAVY, HEAVY]), 5);
    assert_eq!(app.owner().post(&configs, &heavy).await.status, 200);
    open_alerts(&app, 300).await;

    let other =
        admin::create_project(app.store.as_ref(), "Neighbour", Some(app.project.org_id)).await.unwrap();
    let neighbour = app.client(&app.key(KeyGrant::Project(other.id, ProjectRole::GroupOwner)).await);
    let (store, base) = (app.store.clone(), format!("{}{V2}", app.base));
    let sweep = tokio::spawn(async move { store.schedule_repeats(now_ms() + 6 * MINUTE, &base).await });
    let mut writes = 0;
    let mut slowest = Duration::ZERO;
    while !sweep.is_finished() || writes == 0 {
        let started = tokio::time::Instant::now();
        let body = json!({"type": "SLACK", "apiToken": format!("xoxb-{writes}"), "channelName": "ops"});
        let put = neighbour.put(&integrations_path(V2, &other.id.to_string(), "SLACK"), &body).await;
        assert_eq!(put.status, 200, "{}", put.text());
        slowest = slowest.max(started.elapsed());
        writes += 1;
    }
    assert_eq!(sweep.await.unwrap().unwrap(), 300, "every open alert's repeat was planned");
    // Deadline, not a benchmark: a sweep holding the writer for all 300 alerts stalled
    // writes for seconds; batches of 32 leave a turn between them.
    assert!(slowest < Duration::from_secs(2), "a neighbour's write took {slowest:?} during the sweep");
}
