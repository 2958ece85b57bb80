//! `copy` moves everything between databases (SQLite and PostgreSQL, both ways), keeps keys
//! and secrets working, checks counts, and is safe to run again.

use std::process::Command;

use atlas_integrations::accounts::{AccountRequest, create_account};
use atlas_integrations::domain::api_key::OrgRole;
use serde_json::{Value, json};

use crate::helpers::{DigestClient, Mode, TestApp, TestDatabase, config, postgres_server, start};

fn copy(from: &str, to: &str, key_file: &std::path::Path) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_atlas-integrations"))
        .args(["copy", "--from", from, "--to", to, "--secret-key-file"])
        .arg(key_file)
        .output()
        .unwrap();
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

#[tokio::test]
async fn copy_there_and_back_keeps_every_key_and_integration_and_can_run_again() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    for body in [
        json!({"type": "WEBHOOK", "url": "https://example.com/hook/secret-path-9", "secret": "whsec-123456"}),
        json!({"type": "DATADOG", "apiKey": "abcdef0123456789abcdef0123456789", "region": "EU"}),
    ] {
        let kind = body["type"].as_str().unwrap().to_owned();
        assert_eq!(client.post(&app.v2(&kind), &body).await.status, 200);
    }
    app.store.revoke_api_key(&app.reader.public_key).await.unwrap();
    let before = client.get(&app.v2("")).await.json();
    let request = AccountRequest {
        org_id: app.project.org_id,
        name: "Mover".into(),
        description: "moves".into(),
        org_roles: vec![OrgRole::OrgReadOnly],
        secret_hours: 24,
    };
    let (account, secret) = create_account(app.store.as_ref(), request).await.unwrap();
    app.store.add_service_account_access_entry(account.id, "127.0.0.1".parse().unwrap()).await.unwrap();

    let there_dir = tempfile::tempdir().unwrap();
    let there = destination(there_dir.path(), &app.database).await;
    let report = copy(&app.database.url, &there.url, &app.database.key_file);
    assert_eq!(
        report["source"],
        json!({"organizations": 1, "projects": 1, "apiKeys": 2, "integrations": 2, "serviceAccounts": 1})
    );
    assert_eq!(report["destination"], report["source"]);
    let again = copy(&app.database.url, &there.url, &app.database.key_file);
    assert_eq!(again["destination"], report["source"], "a second run copies nothing twice");

    let back_dir = tempfile::tempdir().unwrap();
    let back = destination(back_dir.path(), &there).await;
    copy(&there.url, &back.url, &app.database.key_file);

    for database in [&there, &back] {
        let dir = tempfile::tempdir().unwrap();
        let (base, _store, _shutdown, _task) =
            start(&config(dir.path(), &database.url, &database.key_file, 300)).await;
        let owner = DigestClient::new(&base, app.owner.clone(), Mode::Reuse);
        let after = owner.get(&app.v2("")).await;
        assert_eq!(after.status, 200, "the same key authenticates after the move");
        assert_eq!(after.json()["results"], before["results"], "ids, settings and masks are the same");
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
