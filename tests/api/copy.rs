//! `copy` moves everything between databases (SQLite and PostgreSQL, both ways): keys,
//! secrets and integrations keep working, and alert configurations, alerts, their
//! notifications (pending ones still pending), events and console sessions arrive as they
//! were. It refuses a destination that holds anything, knows every table of the schema, and
//! says how to create a PostgreSQL database that does not exist.

use std::process::{Command, Output};

use atlas_integrations::accounts::{AccountRequest, create_account};
use atlas_integrations::delivery::settings::DeliverySettings;
use atlas_integrations::domain::api_key::OrgRole;
use atlas_integrations::domain::console_session::{ConsoleSession, SignedIn};
use atlas_integrations::store::{COPIED, LEFT_BEHIND, now_ms};
use serde_json::{Value, json};

use crate::helpers::{
    DigestClient, Mode, TestApp, TestDatabase, Tuning, config_with, postgres_server, start,
};

fn run_copy(from: &str, to: &str, key_file: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_atlas-integrations"))
        .args(["copy", "--from", from, "--to", to, "--secret-key-file"])
        .arg(key_file)
        .output()
        .unwrap()
}

fn copy(from: &str, to: &str, key_file: &std::path::Path) -> Value {
    let output = run_copy(from, to, key_file);
    assert!(output.status.success(), "copy failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The other engine where both are available; otherwise another SQLite file.
async fn destination(dir: &std::path::Path, source: &TestDatabase) -> TestDatabase {
    match (source.is_postgres(), postgres_server()) {
        (false, Some(server)) => TestDatabase::postgres(&server, source.key_file.clone()).await,
        _ => TestDatabase::sqlite(dir, source.key_file.clone()),
    }
}

/// Servers that only answer: nothing is delivered, so what is pending stays pending.
fn quiet() -> Tuning {
    Tuning {
        delivery: Some(DeliverySettings { run_worker: false, ..DeliverySettings::default() }),
        ..Tuning::default()
    }
}

/// Everything the API shows of the project: integrations, configurations, alerts of every
/// status with their notification logs, events.
async fn everything(client: &DigestClient, base: &str, app: &TestApp) -> Value {
    let at = |suffix: &str| format!("/api/atlas/v2/groups/{}{suffix}", app.project.id);
    let read = |path: String| async move {
        let answer = client.get(&path).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text());
        answer.json()["results"].clone()
    };
    let alerts = read(at("/alerts?itemsPerPage=500")).await;
    let mut logs = Vec::new();
    for alert in alerts.as_array().unwrap() {
        logs.push(read(at(&format!("/alerts/{}/notifications", alert["id"].as_str().unwrap()))).await);
    }
    let all = json!({
        "integrations": read(at("/integrations")).await,
        "alertConfigs": read(at("/alertConfigs")).await,
        "alerts": alerts,
        "notifications": logs,
        "events": read(at("/events?itemsPerPage=500")).await,
    });
    // Links name the server that answered; the rest must not change.
    serde_json::from_str(&all.to_string().replace(base, "")).unwrap()
}

async fn seed_alerts(app: &TestApp) {
    let owner = app.owner();
    let at = |suffix: &str| format!("/api/atlas/v2/groups/{}{suffix}", app.project.id);
    let config = json!({"eventTypeName": "HOST_DOWN", "enabled": true, "severityOverride": "CRITICAL",
        "matchers": [{"fieldName": "HOSTNAME_AND_PORT", "operator": "STARTS_WITH", "value": "db-"}],
        "notifications": [{"typeName": "WEBHOOK", "webhookUrl": "https://hooks.example.com/x",
                           "webhookSecret": "whsec-move-me", "delayMin": 30, "intervalMin": 60}]});
    assert_eq!(owner.post(&at("/alertConfigs"), &config).await.status, 200);
    let mut ids = Vec::new();
    for host in ["db-0.example.net:27017", "db-1.example.net:27017", "db-2.example.net:27017"] {
        let raised =
            owner.post(&at("/alerts"), &json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": host})).await;
        assert_eq!(raised.status, 200, "{}", raised.text());
        ids.push(raised.json()["results"][0]["id"].as_str().unwrap().to_owned());
    }
    let until = "2099-01-01T00:00:00Z";
    let acknowledged = owner
        .patch(
            &at(&format!("/alerts/{}", ids[1])),
            &json!({"acknowledgedUntil": until, "acknowledgementComment": "on it"}),
        )
        .await;
    assert_eq!(acknowledged.status, 200, "{}", acknowledged.text());
    assert_eq!(owner.post(&at(&format!("/alerts/{}:close", ids[2])), &json!({})).await.status, 200);
}

#[tokio::test]
async fn copy_there_and_back_carries_every_row_and_the_api_answers_the_same() {
    let app = TestApp::spawn_tuned(quiet()).await;
    let client = app.owner();
    for body in [
        json!({"type": "WEBHOOK", "url": "https://example.com/hook/secret-path-9", "secret": "whsec-123456"}),
        json!({"type": "DATADOG", "apiKey": "abcdef0123456789abcdef0123456789", "region": "EU"}),
    ] {
        let kind = body["type"].as_str().unwrap().to_owned();
        assert_eq!(client.post(&app.v2(&kind), &body).await.status, 200);
    }
    seed_alerts(&app).await;
    app.store.revoke_api_key(&app.reader.public_key).await.unwrap();
    let request = AccountRequest {
        org_id: app.project.org_id,
        name: "Mover".into(),
        description: "moves".into(),
        org_roles: vec![OrgRole::OrgReadOnly],
        secret_hours: 24,
    };
    let (account, secret) = create_account(app.store.as_ref(), request).await.unwrap();
    app.store.add_service_account_access_entry(account.id, "127.0.0.1".parse().unwrap()).await.unwrap();
    let (session, _) = ConsoleSession::begin(SignedIn::ApiKey(app.owner.public_key.clone()), now_ms());
    app.store.begin_session(&session).await.unwrap();
    let before = everything(&client, &app.base, &app).await;
    assert!(
        before["notifications"].to_string().contains("PENDING"),
        "an open alert's notification waits for its delay: {before}"
    );

    let there_dir = tempfile::tempdir().unwrap();
    let there = destination(there_dir.path(), &app.database).await;
    let report = copy(&app.database.url, &there.url, &app.database.key_file);
    assert_eq!(report["destination"], report["source"]);
    for (table, least) in [
        ("organizations", 1),
        ("projects", 1),
        ("api_keys", 2),
        ("integrations", 2),
        ("events", 2),
        ("alert_configs", 1),
        ("alerts", 3),
        ("notifications", 3),
        ("service_accounts", 1),
        ("service_account_access_list", 1),
        ("console_sessions", 1),
    ] {
        assert!(report["source"][table].as_u64().unwrap() >= least, "{table}: {report}");
    }

    let back_dir = tempfile::tempdir().unwrap();
    let back = destination(back_dir.path(), &there).await;
    assert_eq!(copy(&there.url, &back.url, &app.database.key_file)["destination"], report["source"]);

    for database in [&there, &back] {
        let dir = tempfile::tempdir().unwrap();
        let (base, store, _shutdown, _task) =
            start(&config_with(dir.path(), &database.url, &database.key_file, 300, &quiet())).await;
        let owner = DigestClient::new(&base, app.owner.clone(), Mode::Reuse);
        assert_eq!(
            everything(&owner, &base, &app).await,
            before,
            "the API answers exactly as before the move"
        );
        assert_eq!(store.find_session(&session.id).await.unwrap(), Some(session.clone()), "signed in still");
        let revoked = DigestClient::new(&base, app.reader.clone(), Mode::Reuse);
        assert_eq!(revoked.get(&app.v2("")).await.status, 401, "a revoked key stays revoked");
        let token = reqwest::Client::new()
            .post(format!("{base}/api/oauth/token"))
            .basic_auth(account.client_id(), Some(secret.secret.expose()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .unwrap();
        assert_eq!(token.status(), 200, "the service account's secret works after the move");
        let token: Value = serde_json::from_str(&token.text().await.unwrap()).unwrap();
        let listed = reqwest::Client::new()
            .get(format!("{base}{}", app.v2("")))
            .bearer_auth(token["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(listed.status(), 200, "with its roles and access list");
    }
}

#[tokio::test]
async fn copy_refuses_a_destination_that_holds_anything_and_changes_nothing_there() {
    let app = TestApp::spawn_tuned(quiet()).await;
    let dir = tempfile::tempdir().unwrap();
    let there = destination(dir.path(), &app.database).await;
    let first = copy(&app.database.url, &there.url, &app.database.key_file);
    let again = run_copy(&app.database.url, &there.url, &app.database.key_file);
    assert!(!again.status.success(), "a second copy into the same database is refused");
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("not empty") && said.contains("projects"), "{said}");
    let other_dir = tempfile::tempdir().unwrap();
    let other = destination(other_dir.path(), &there).await;
    assert_eq!(
        copy(&there.url, &other.url, &app.database.key_file)["source"],
        first["source"],
        "nothing doubled"
    );
}

#[tokio::test]
async fn copy_knows_every_table_of_the_schema() {
    let app = TestApp::spawn().await;
    let mut tables = app.store.table_names().await.unwrap();
    tables.retain(|table| !LEFT_BEHIND.iter().any(|(left, _)| left == table));
    tables.sort();
    let mut copied: Vec<String> = COPIED.iter().map(|table| table.to_string()).collect();
    copied.sort();
    assert_eq!(
        tables, copied,
        "a table was added or removed: list it in COPIED (in the order its references need) or in \
         LEFT_BEHIND with the reason (src/store/queries/tables.rs)"
    );
}

#[tokio::test]
async fn copy_from_a_missing_file_or_into_a_missing_postgres_database_says_what_to_do() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let missing_source = format!("sqlite://{}/nothing-here.db", dir.path().display());
    let target = format!("sqlite://{}/target.db", dir.path().display());
    let refused = run_copy(&missing_source, &target, &app.database.key_file);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("does not exist") && said.contains("nothing-here.db"), "{said}");
    assert!(!dir.path().join("nothing-here.db").exists(), "no empty source is made");

    let Some(server) = postgres_server() else { return };
    let mut url = url::Url::parse(&server).unwrap();
    url.set_path("/atlas_no_such_database_4f1");
    let refused = run_copy(&app.database.url, url.as_str(), &app.database.key_file);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("atlas_no_such_database_4f1 does not exist") && said.contains("createdb"),
        "{said}"
    );
}
