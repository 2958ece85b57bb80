//! Alert configurations made and changed in the web console, as a browser posts them: the
//! event type first, then its form; steps that add a matcher or a notification; each refusal
//! placed by its field, in words, with nothing saved; what is saved seen through the API,
//! and stored secrets kept unless typed over.

use atlas_integrations::admin::KeyGrant;
use atlas_integrations::domain::api_key::ProjectRole;
use serde_json::Value;

use crate::helpers::{ConsoleClient, TestApp};

fn configs_path(app: &TestApp) -> String {
    format!("/projects/{}/alert-configs", app.project.id)
}

async fn api_configs(app: &TestApp) -> Vec<Value> {
    let answer = app.owner().get(&format!("/api/atlas/v2/groups/{}/alertConfigs", app.project.id)).await;
    answer.json()["results"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_owner_creates_a_host_down_configuration_to_a_webhook_and_edits_it_keeping_its_secret() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let list = browser.get(&configs_path(&app)).await;
    assert!(list.html.contains("id=\"new-config\""), "{}", list.html);

    let choose = browser.get(&format!("{}/new", configs_path(&app))).await;
    assert_eq!(choose.status, 200);
    assert!(
        choose.html.contains("<optgroup label=\"Hosts\">") && choose.html.contains(">Host down</option>")
    );
    let form =
        browser.get(&format!("{}/new?eventTypeName=HOST_DOWN&notify=WEBHOOK", configs_path(&app))).await;
    assert_eq!(form.status, 200);
    assert!(form.html.contains(">Webhook URL</label>") && form.html.contains(">Host down<"), "{}", form.html);
    assert!(!form.html.contains("Metric threshold"), "HOST_DOWN takes no threshold");

    let new = format!("{}/new", configs_path(&app));
    let webhook = [
        ("eventTypeName", "HOST_DOWN"),
        ("enabled", "true"),
        ("n0.type", "WEBHOOK"),
        ("n0.webhookUrl", "https://hooks.example.com/atlas/wxyz"),
        ("n0.webhookSecret", "signing-secret-1234"),
        ("n0.delay", "0"),
        ("n0.interval", "5"),
    ];
    let mut step = webhook.to_vec();
    step.push(("step", "add-matcher"));
    let with_matcher = browser.submit(&new, &form, &step).await;
    assert_eq!(with_matcher.status, 200);
    assert!(with_matcher.html.contains("name=\"m0.field\""), "a matcher row was added");
    assert!(!with_matcher.html.contains("signing-secret-1234"), "a typed secret is not shown again");
    assert!(api_configs(&app).await.is_empty(), "a step saves nothing");

    let mut save = webhook.to_vec();
    save.extend([
        ("m0.field", "HOSTNAME_AND_PORT"),
        ("m0.operator", "STARTS_WITH"),
        ("m0.value", "db-"),
        ("step", "save"),
    ]);
    let saved = browser.submit(&new, &with_matcher, &save).await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    let configs = api_configs(&app).await;
    assert_eq!(configs.len(), 1);
    let config = &configs[0];
    assert_eq!(config["eventTypeName"], "HOST_DOWN");
    assert_eq!(config["enabled"], true);
    assert_eq!(config["matchers"][0]["fieldName"], "HOSTNAME_AND_PORT");
    assert_eq!(config["matchers"][0]["operator"], "STARTS_WITH");
    let notification = &config["notifications"][0];
    assert_eq!(
        (notification["typeName"].as_str(), notification["intervalMin"].as_i64()),
        (Some("WEBHOOK"), Some(5))
    );
    let id = config["id"].as_str().unwrap();
    assert_eq!(saved.location(), Some(format!("{}?saved={id}#config-{id}", configs_path(&app)).as_str()));
    let listed = browser.get(saved.location().unwrap()).await;
    assert!(listed.html.contains("Hostname and port starts with db-"), "{}", listed.html);
    assert!(listed.html.contains("Webhook, at once, every 5 min"));

    let edit_path = format!("{}/{id}/edit", configs_path(&app));
    let edit = browser.get(&edit_path).await;
    assert_eq!(edit.status, 200);
    assert!(
        !edit.html.contains("signing-secret-1234") && !edit.html.contains("atlas/wxyz"),
        "secrets never shown"
    );
    assert!(edit.html.contains("value=\"db-\""), "{}", edit.html);
    let notifier = notification["notifierId"].as_str().unwrap();
    let changed = browser
        .submit(
            &edit_path,
            &edit,
            &[
                ("eventTypeName", "HOST_DOWN"),
                ("enabled", "true"),
                ("m0.field", "HOSTNAME_AND_PORT"),
                ("m0.operator", "STARTS_WITH"),
                ("m0.value", "db-"),
                ("n0.type", "WEBHOOK"),
                ("n0.id", notifier),
                ("n0.webhookUrl", ""),
                ("n0.webhookSecret", ""),
                ("n0.interval", "15"),
                ("step", "save"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.html);
    let after = &api_configs(&app).await[0];
    assert_eq!(after["notifications"][0]["intervalMin"], 15);
    assert_eq!(after["notifications"][0]["webhookUrl"], notification["webhookUrl"], "the stored URL stays");
    assert_eq!(after["notifications"][0]["notifierId"], notifier);
    assert_eq!(after["id"], config["id"]);
}

#[tokio::test]
async fn a_metric_threshold_to_slack_is_refused_by_field_in_words_then_saved() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let new = format!("{}/new", configs_path(&app));
    let form = browser.get(&format!("{new}?eventTypeName=OUTSIDE_METRIC_THRESHOLD&notify=SLACK")).await;
    assert!(form.html.contains(">Metric threshold<") && form.html.contains(">Connections</option>"));
    assert!(form.html.contains(">Bot token</label>") && !form.html.contains(">apiToken"));

    let refused = browser
        .submit(
            &new,
            &form,
            &[
                ("eventTypeName", "OUTSIDE_METRIC_THRESHOLD"),
                ("metric.name", "CONNECTIONS"),
                ("metric.operator", "GREATER_THAN"),
                ("metric.threshold", "lots"),
                ("n0.type", "SLACK"),
                ("n0.apiToken", "xoxb-console-metric-0123456789"),
                ("n0.channelName", "ops"),
                ("n0.interval", "2"),
                ("step", "save"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.html.contains("id=\"metric-error\"") && refused.html.contains("Threshold must be a number.")
    );
    assert!(
        refused.html.contains("id=\"n0-error\"") && refused.html.contains("Interval must be a whole number")
    );
    assert!(
        refused.html.contains("value=\"lots\"") && refused.html.contains("value=\"ops\""),
        "what was typed stays"
    );
    assert!(!refused.html.contains("xoxb-console-metric"), "but not the secret");
    let threshold = refused.html.split("id=\"metric-threshold\"").nth(1).unwrap().split('>').next().unwrap();
    assert!(threshold.contains("aria-invalid=\"true\""), "the refused input is marked: {threshold}");
    assert!(api_configs(&app).await.is_empty(), "a refused form saves nothing");

    let saved = browser
        .submit(
            &new,
            &refused,
            &[
                ("eventTypeName", "OUTSIDE_METRIC_THRESHOLD"),
                ("enabled", "true"),
                ("severity", "CRITICAL"),
                ("metric.name", "CONNECTIONS"),
                ("metric.operator", "GREATER_THAN"),
                ("metric.threshold", "100"),
                ("metric.units", "RAW"),
                ("n0.type", "SLACK"),
                ("n0.apiToken", "xoxb-console-metric-0123456789"),
                ("n0.channelName", "ops"),
                ("n0.interval", "10"),
                ("n1.type", "GROUP"),
                ("n1.roles", "GROUP_OWNER"),
                ("n1.roles", "GROUP_READ_ONLY"),
                ("n1.emailEnabled", "true"),
                ("step", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    let config = &api_configs(&app).await[0];
    let threshold = &config["metricThreshold"];
    assert_eq!(
        (threshold["metricName"].as_str(), threshold["threshold"].as_i64()),
        (Some("CONNECTIONS"), Some(100))
    );
    assert_eq!(
        (threshold["operator"].as_str(), threshold["units"].as_str()),
        (Some("GREATER_THAN"), Some("RAW"))
    );
    assert_eq!(config["severityOverride"], "CRITICAL");
    assert_eq!(config["notifications"][0]["channelName"], "ops");
    assert!(config["notifications"][0]["apiToken"].as_str().unwrap().ends_with("6789"));
    assert_eq!(config["notifications"][1]["roles"], serde_json::json!(["GROUP_OWNER", "GROUP_READ_ONLY"]));
    assert_eq!(config["notifications"][1]["emailEnabled"], true);
    let listed = browser.get(&configs_path(&app)).await;
    assert!(listed.html.contains("Connections above 100 raw"), "{}", listed.html);
}

#[tokio::test]
async fn a_configuration_without_notifications_or_of_an_unknown_event_is_refused_in_words() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let new = format!("{}/new", configs_path(&app));
    let unknown = browser.get(&format!("{new}?eventTypeName=NOT_AN_EVENT")).await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.html.contains("is not an Atlas alert event type"));
    let form = browser.get(&format!("{new}?eventTypeName=HOST_DOWN")).await;
    let empty = browser.submit(&new, &form, &[("eventTypeName", "HOST_DOWN"), ("step", "save")]).await;
    assert_eq!(empty.status, 400);
    assert!(empty.html.contains("Add at least one notification"), "{}", empty.html);
    let forged = browser.submit(&new, &form, &[("eventTypeName", "NOPE"), ("n0.type", "EMAIL")]).await;
    assert_eq!(forged.status, 400);
    let names: Vec<String> = (0..400).map(|i| format!("m{i}.field")).collect();
    let mut flood: Vec<(&str, &str)> =
        names.iter().map(|name| (name.as_str(), "HOSTNAME_AND_PORT")).collect();
    flood.extend([("eventTypeName", "HOST_DOWN"), ("step", "add-matcher")]);
    let flooded = browser.submit(&new, &form, &flood).await;
    assert_eq!(flooded.status, 400);
    assert!(
        flooded.html.contains("400 matchers") && flooded.html.len() < 10_000,
        "refused before any row is drawn"
    );
    assert!(api_configs(&app).await.is_empty());
}

#[tokio::test]
async fn a_reader_cannot_open_the_editor_and_its_posts_change_nothing() {
    let app = TestApp::spawn().await;
    let reader = app.key(KeyGrant::Project(app.project.id, ProjectRole::GroupReadOnly)).await;
    let browser = ConsoleClient::signed_in(&app.base, &reader.public_key, &reader.private_key).await;
    let list = browser.get(&configs_path(&app)).await;
    assert_eq!(list.status, 200);
    assert!(!list.html.contains("id=\"new-config\""));
    let editor = browser.get(&format!("{}/new?eventTypeName=HOST_DOWN", configs_path(&app))).await;
    assert_eq!(editor.status, 401);
    let posted = browser
        .submit(
            &format!("{}/new", configs_path(&app)),
            &list,
            &[("eventTypeName", "HOST_DOWN"), ("n0.type", "EMAIL"), ("n0.emailAddress", "a@example.com")],
        )
        .await;
    assert_eq!(posted.status, 401);
    assert!(api_configs(&app).await.is_empty());
}
