//! Rotating the secret key: every stored secret is re-sealed under a new key while the
//! server keeps answering, and afterwards the old key is no longer needed; waiting
//! notifications too. A key file that opens nothing is refused at start, and one notification
//! that cannot be opened fails alone.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use atlas_integrations::crypto::MasterKey;
use atlas_integrations::delivery::settings::DeliverySettings;
use serde_json::json;

use crate::helpers::{DigestClient, Mode, Receiver, TestApp, Tuning};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_under_load_fails_no_request_and_retires_the_old_key() {
    let mut app = TestApp::spawn().await;
    let client = app.owner();
    for body in [
        json!({"type": "WEBHOOK", "url": "https://example.com/hook/rotate-me", "secret": "whsec-rotation-1"}),
        json!({"type": "DATADOG", "apiKey": "abcdef0123456789abcdef0123456789"}),
        json!({"type": "SLACK", "apiToken": "xoxb-rotation-token", "channelName": "ops"}),
    ] {
        let kind = body["type"].as_str().unwrap().to_owned();
        assert_eq!(client.post(&app.v2(&kind), &body).await.status, 200);
    }
    let expected = client.get(&app.v2("")).await.json()["results"].clone();

    let old_key = app.database.key_file.clone();
    let new_key = app.data_dir.path().join("new.key");
    MasterKey::generate().write_new(&new_key).unwrap();
    app.database.key_file = new_key.clone();
    app.tuning.previous_key_files = vec![old_key.clone()];
    app.restart().await;

    let (stop, reads, failures) =
        (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let reader = {
        let (base, owner, path) = (app.base.clone(), app.owner.clone(), app.v2(""));
        let (stop, reads, failures, expected) =
            (stop.clone(), reads.clone(), failures.clone(), expected.clone());
        tokio::spawn(async move {
            let client = DigestClient::new(&base, owner, Mode::Reuse);
            while !stop.load(Ordering::SeqCst) {
                let answer = client.get(&path).await;
                if answer.status == 200 && answer.json()["results"] == expected {
                    reads.fetch_add(1, Ordering::SeqCst);
                } else {
                    failures.fetch_add(1, Ordering::SeqCst);
                }
            }
        })
    };

    let mut args =
        vec!["keys".to_owned(), "rotate".into(), "--new-key-file".into(), new_key.display().to_string()];
    args.extend(app.database_args());
    let position = args.iter().position(|a| a == "--secret-key-file").unwrap();
    args[position + 1] = old_key.display().to_string();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_atlas-integrations")).args(&args).output().unwrap()
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["resealed"]["integrations"], 3);
    assert_eq!(report["resealed"]["apiKeys"], 2);

    while reads.load(Ordering::SeqCst) < 5 {
        tokio::task::yield_now().await;
    }
    stop.store(true, Ordering::SeqCst);
    reader.await.unwrap();
    assert_eq!(failures.load(Ordering::SeqCst), 0, "no request failed or read garbage during the rotation");

    app.tuning.previous_key_files.clear();
    app.restart().await;
    let after = app.owner().get(&app.v2("")).await;
    assert_eq!(after.status, 200, "keys authenticate with the new key alone");
    assert_eq!(after.json()["results"], expected, "every secret opens with the new key alone");
    assert_eq!(app.client(&app.reader).get(&app.v2("")).await.status, 200);
}

#[tokio::test]
async fn a_key_file_that_cannot_open_the_data_is_refused_at_start_naming_the_file_and_the_key() {
    let app = TestApp::spawn().await;
    let body = json!({"type": "SLACK", "apiToken": "xoxb-sealed-token", "channelName": "ops"});
    assert_eq!(app.owner().post(&app.v2("SLACK"), &body).await.status, 200);
    let dir = tempfile::tempdir().unwrap();
    let stranger = dir.path().join("stranger.key");
    MasterKey::generate().write_new(&stranger).unwrap();
    let sealed_with = hex::encode(MasterKey::read(&app.database.key_file).unwrap().id());

    let mut args = app.database_args();
    let key_at = args.iter().position(|arg| arg == "--secret-key-file").unwrap() + 1;
    args[key_at] = stranger.display().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_atlas-integrations"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(&args)
        .output()
        .unwrap();
    assert!(!output.status.success(), "the server must not start");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains(&stranger.display().to_string()), "names the key file: {said}");
    assert!(said.contains(&sealed_with), "names the key the data was sealed with: {said}");
}

fn worker(run: bool) -> Option<DeliverySettings> {
    Some(DeliverySettings {
        run_worker: run,
        allow_private_targets: true,
        idle_wait: std::time::Duration::from_millis(20),
        ..DeliverySettings::default()
    })
}

async fn webhook_alerts(app: &TestApp, url: &str, hosts: usize) -> Vec<String> {
    let config = json!({"eventTypeName": "HOST_DOWN", "enabled": true, "notifications": [
        {"typeName": "WEBHOOK", "webhookUrl": url, "webhookSecret": "whsec-rotate", "delayMin": 0, "intervalMin": 60}]});
    let at = format!("/api/atlas/v2/groups/{}", app.project.id);
    assert_eq!(app.owner().post(&format!("{at}/alertConfigs"), &config).await.status, 200);
    let mut alerts = Vec::new();
    for host in 0..hosts {
        let observation =
            json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": format!("db-{host}:27017")});
        let raised = app.owner().post(&format!("{at}/alerts"), &observation).await.json();
        alerts.push(raised["results"][0]["id"].as_str().unwrap().to_owned());
    }
    alerts
}

#[tokio::test]
async fn a_rotation_reseals_waiting_notifications_so_they_are_sent_under_the_new_key_alone() {
    let tuning = Tuning { delivery: worker(false), ..Tuning::default() };
    let mut app = TestApp::spawn_tuned(tuning).await;
    let receiver = Receiver::start().await;
    webhook_alerts(&app, &receiver.url, 1).await;

    let new_key = app.data_dir.path().join("new.key");
    MasterKey::generate().write_new(&new_key).unwrap();
    let mut args =
        vec!["keys".to_owned(), "rotate".into(), "--new-key-file".into(), new_key.display().to_string()];
    args.extend(app.database_args());
    let output = Command::new(env!("CARGO_BIN_EXE_atlas-integrations")).args(&args).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["resealed"]["notifications"], 1);

    app.database.key_file = new_key;
    app.tuning.delivery = worker(true);
    app.restart().await;
    let heard = receiver.wait_for(1, std::time::Duration::from_secs(10)).await;
    assert_eq!(heard.len(), 1, "the waiting notification opened under the new key alone");
}

#[tokio::test]
async fn a_notification_that_cannot_be_opened_fails_alone_and_the_others_are_sent() {
    let tuning = Tuning { delivery: worker(false), ..Tuning::default() };
    let mut app = TestApp::spawn_tuned(tuning).await;
    let receiver = Receiver::start().await;
    let alerts = webhook_alerts(&app, &receiver.url, 3).await;
    app.database
        .execute(&format!(
            "UPDATE notifications SET delivery = substr(delivery, 1, 40) WHERE alert_id = '{}'",
            alerts[1]
        ))
        .await;
    app.tuning.delivery = worker(true);
    app.restart().await;
    let heard = receiver.wait_for(2, std::time::Duration::from_secs(10)).await;
    assert_eq!(heard.len(), 2, "the two that open are sent");
    let at = format!("/api/atlas/v2/groups/{}/alerts/{}/notifications", app.project.id, alerts[1]);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let entry = app.owner().get(&at).await.json()["results"][0].clone();
        if entry["status"] == "FAILED" {
            assert!(entry["lastError"].as_str().unwrap().contains("cannot be opened"), "{entry}");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{entry}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
