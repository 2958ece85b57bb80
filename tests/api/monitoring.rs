//! The real programs: Debian's Prometheus Alertmanager, authenticating with OAuth 2.0 client
//! credentials, sends a firing alert (posted to its API) that opens an Atlas alert whose
//! webhook a local receiver hears, resends it without opening another, and sends its
//! resolution, which closes it; and Prometheus discovers the project's metrics through the
//! PROMETHEUS integration and scrapes them, both with Basic credentials as Atlas's own
//! instructions set them up. Skipped where the programs are not installed (`.ci/run` installs
//! them and requires them).

use std::time::Duration;

use atlas_integrations::delivery::retry::RetryPolicy;
use atlas_integrations::delivery::settings::DeliverySettings;
use atlas_integrations::domain::api_key::ProjectRole;
use serde_json::{Value, json};

use crate::delivery::path;
use crate::helpers::{Program, Receiver, TestApp, Tuning, installed};

/// How long a program may take to do what the test waits for.
const PATIENCE: Duration = Duration::from_secs(60);

async fn app() -> TestApp {
    TestApp::spawn_tuned(Tuning {
        delivery: Some(DeliverySettings {
            allow_private_targets: true,
            idle_wait: Duration::from_millis(20),
            retry: RetryPolicy { first_delay_ms: 100, max_delay_ms: 400, give_up_after_ms: 60_000 },
            ..DeliverySettings::default()
        }),
        ..Tuning::default()
    })
    .await
}

/// Polls `check` every 100 ms until it gives a value, failing after [`PATIENCE`] with `what`.
async fn eventually<T, F: std::future::Future<Output = Option<T>>>(
    what: &str,
    mut check: impl FnMut() -> F,
) -> T {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn now_plus(seconds: i64) -> String {
    let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    at.format(&time::format_description::well_known::Rfc3339).unwrap()
}

/// The project notifies `receiver` of HOST_DOWN, and an Alertmanager sends every alert to
/// this server with OAuth 2.0 client credentials of a GROUP_OWNER service account.
async fn alertmanager_for(app: &TestApp, receiver: &Receiver, alertmanager: &std::path::Path) -> Program {
    let config = json!({"eventTypeName": "HOST_DOWN", "enabled": true,
        "notifications": [{"typeName": "WEBHOOK", "webhookUrl": receiver.url}]});
    assert_eq!(app.owner().post(&path(app, "/alertConfigs"), &config).await.status, 200);
    let (account, secret) = app.project_service_account("Alertmanager", ProjectRole::GroupOwner).await;
    let settings = format!(
        "route:\n  receiver: atlas\n  group_by: [alertname, instance]\n  group_wait: 0s\n  group_interval: 1s\n  repeat_interval: 1s\n\
         receivers:\n  - name: atlas\n    webhook_configs:\n      - url: '{base}{alerts}:alertmanager'\n        send_resolved: true\n\
         \x20       http_config:\n          oauth2:\n            client_id: '{id}'\n            client_secret: '{secret}'\n\
         \x20           token_url: '{base}/api/oauth/token'\n",
        base = app.base,
        alerts = path(app, "/alerts"),
        id = account.client_id(),
        secret = secret.secret.expose(),
    );
    Program::start(
        alertmanager,
        &[("alertmanager.yml", settings)],
        &[
            "--config.file={dir}/alertmanager.yml",
            "--storage.path={dir}/data",
            "--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        "/-/ready",
    )
    .await
}

/// Whether `receiver` heard `event` (`alert.open`, …).
fn heard(receiver: &Receiver, event: &str) -> bool {
    receiver.received().iter().any(|hook| hook.header("x-mms-event").as_deref() == Some(event))
}

#[tokio::test]
async fn alertmanager_opens_an_atlas_alert_through_oauth_resends_without_a_second_and_resolves_it() {
    let Some(alertmanager) = installed("prometheus-alertmanager") else { return };
    let app = app().await;
    let receiver = Receiver::start().await;
    let program = alertmanager_for(&app, &receiver, &alertmanager).await;
    let labels = json!({"alertname": "HostDown", "atlas_event_type": "HOST_DOWN", "instance": "db-0.example.net:27017"});
    let post = |ends_at: Option<String>| {
        let mut alert =
            json!({"labels": labels, "annotations": {"summary": "db-0 is down"}, "startsAt": now_plus(-60)});
        if let Some(ends_at) = ends_at {
            alert["endsAt"] = json!(ends_at);
        }
        let url = format!("{}/api/v2/alerts", program.url);
        async move {
            let body = json!([alert]).to_string();
            let request = reqwest::Client::new().post(url).header("content-type", "application/json");
            let posted = request.body(body).send().await.unwrap();
            assert_eq!(posted.status(), 200, "{}", posted.text().await.unwrap());
        }
    };
    post(None).await;

    let opened = eventually(&format!("no alert.open reached the receiver: {}", program.log()), || async {
        heard(&receiver, "alert.open").then(|| receiver.received())
    })
    .await;
    let alert_id = opened[0].json()["id"].as_str().unwrap().to_owned();
    let one = format!("/alerts/{alert_id}");
    // Alertmanager repeats the firing alert every repeat_interval: each repeat is seen again.
    eventually("Alertmanager never sent the alert again", || async {
        let alert = app.owner().get(&path(&app, &one)).await.json();
        (alert["updated"] != alert["created"]).then_some(())
    })
    .await;
    let open = app.owner().get(&path(&app, "/alerts?status=OPEN")).await.json();
    assert_eq!(open["totalCount"], 1, "a repeat does not open a second alert: {open}");
    let opens = receiver
        .received()
        .iter()
        .filter(|hook| hook.header("x-mms-event").as_deref() == Some("alert.open"))
        .count();
    assert_eq!(opens, 1);

    post(Some(now_plus(-1))).await;
    eventually(&format!("no alert.close reached the receiver: {}", program.log()), || async {
        heard(&receiver, "alert.close").then_some(())
    })
    .await;
    let closed: Value = app.owner().get(&path(&app, &one)).await.json();
    assert_eq!(closed["status"], "CLOSED", "{closed}");
}

#[tokio::test]
async fn prometheus_discovers_and_scrapes_the_projects_metrics_with_basic_credentials() {
    let Some(prometheus) = installed("prometheus") else { return };
    let app = app().await;
    let (user, password) = ("prom_user_e2e", "prom-pass-e2e-5b1c");
    let integration = json!({"type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "http",
                             "username": user, "password": password});
    assert_eq!(app.owner().put(&app.v2("PROMETHEUS"), &integration).await.status, 200);
    let config = json!({"eventTypeName": "HOST_DOWN", "enabled": true,
        "notifications": [{"typeName": "EMAIL", "emailAddress": "ops@example.com"}]});
    assert_eq!(app.owner().post(&path(&app, "/alertConfigs"), &config).await.status, 200);
    let down = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-0.example.net:27017"});
    assert_eq!(app.owner().post(&path(&app, "/alerts"), &down).await.status, 200);

    let settings = format!(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: atlas\n    scrape_interval: 1s\n\
         \x20   basic_auth:\n      username: {user}\n      password: {password}\n    http_sd_configs:\n\
         \x20     - url: '{base}/prometheus/v1.0/groups/{group}/discovery'\n        refresh_interval: 1s\n\
         \x20       basic_auth:\n          username: {user}\n          password: {password}\n",
        base = app.base,
        group = app.project.id,
    );
    let program = Program::start(
        &prometheus,
        &[("prometheus.yml", settings)],
        &[
            "--config.file={dir}/prometheus.yml",
            "--storage.tsdb.path={dir}/data",
            "--web.listen-address=127.0.0.1:{port}",
        ],
        "/-/ready",
    )
    .await;
    let query = |expression: &'static str| {
        let url = format!("{}/api/v1/query", program.url);
        async move {
            let encoded: String = url::form_urlencoded::byte_serialize(expression.as_bytes()).collect();
            let answer = reqwest::get(format!("{url}?query={encoded}")).await.ok()?;
            let body: Value = serde_json::from_slice(&answer.bytes().await.ok()?).ok()?;
            body["data"]["result"].as_array().filter(|result| !result.is_empty()).cloned()
        }
    };
    let up = eventually(&format!("the target never came up: {}", program.log()), || async {
        query("up{job=\"atlas\"} == 1").await
    })
    .await;
    assert_eq!(up[0]["metric"]["group_id"], app.project.id.to_string(), "discovery's labels kept: {up:?}");
    let open = eventually("atlas_alerts_open was never scraped", || async {
        query("atlas_alerts_open{event_type_name=\"HOST_DOWN\"}").await
    })
    .await;
    assert_eq!(open[0]["value"][1], "1", "{open:?}");
}

#[tokio::test]
async fn a_prometheus_rule_reaches_the_projects_webhook_through_alertmanager_and_this_server() {
    let (Some(alertmanager), Some(prometheus)) =
        (installed("prometheus-alertmanager"), installed("prometheus"))
    else {
        return;
    };
    let app = app().await;
    let receiver = Receiver::start().await;
    let manager = alertmanager_for(&app, &receiver, &alertmanager).await;
    let rules = "groups:\n  - name: mongodb\n    rules:\n      - alert: MongoDBDown\n        expr: vector(1)\n\
                 \x20       labels:\n          atlas_event_type: HOST_DOWN\n          instance: db-7.example.net:27017\n\
                 \x20       annotations:\n          summary: db-7 stopped answering\n";
    let settings = format!(
        "global:\n  evaluation_interval: 1s\nrule_files: [rules.yml]\nalerting:\n  alertmanagers:\n\
         \x20   - static_configs:\n        - targets: ['{}']\n",
        manager.url.trim_start_matches("http://"),
    );
    // Alerts fired before Prometheus has found its Alertmanager (its discovery settles after
    // about 5 s) are sent again after the resend delay, a minute by default.
    let program = Program::start(
        &prometheus,
        &[("prometheus.yml", settings), ("rules.yml", rules.to_owned())],
        &[
            "--config.file={dir}/prometheus.yml",
            "--storage.tsdb.path={dir}/data",
            "--web.listen-address=127.0.0.1:{port}",
            "--rules.alert.resend-delay=1s",
        ],
        "/-/ready",
    )
    .await;
    let opened = eventually(
        &format!("the rule's alert never arrived: {}\n{}", program.log(), manager.log()),
        || async { heard(&receiver, "alert.open").then(|| receiver.received()) },
    )
    .await;
    let body = opened[0].json();
    assert_eq!(body["eventTypeName"], "HOST_DOWN");
    assert_eq!(body["hostnameAndPort"], "db-7.example.net:27017");
    assert_eq!(body["humanReadable"], "db-7 stopped answering");
}
