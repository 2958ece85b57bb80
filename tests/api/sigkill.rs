//! A server killed with SIGKILL in the middle of a write load loses no write it acknowledged.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use atlas_integrations::admin::{self, KeyGrant};
use atlas_integrations::domain::api_key::ProjectRole;
use atlas_integrations::domain::integration::{FieldValue, IntegrationType};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{
    Credentials, DigestClient, Mode, TestApp, V2_ACCEPT, challenge_nonce_of, integrations_path,
};

const WRITERS: usize = 6;
const ACKS_BEFORE_KILL: u64 = 150;

async fn try_put(client: &DigestClient, uri: &str, body: Vec<u8>) -> Option<u16> {
    let headers = [("content-type", "application/json"), ("accept", V2_ACCEPT)];
    let challenge = client.try_send_raw(Method::PUT, uri, &headers, None).await?;
    let nonce = challenge_nonce_of(&challenge.header("www-authenticate")?);
    let authorization = client.authorization(&Method::PUT, uri, &nonce, 1);
    let mut signed = headers.to_vec();
    signed.push(("authorization", &authorization));
    client.try_send_raw(Method::PUT, uri, &signed, Some(body)).await.map(|answer| answer.status)
}

fn stored_counter(integration: &atlas_integrations::domain::integration::Integration) -> u64 {
    match &integration.fields["serviceKey"] {
        FieldValue::Secret(key) => key.expose().parse().unwrap(),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_load_loses_no_acknowledged_write() {
    let app = TestApp::spawn().await;
    let mut targets = Vec::new();
    for i in 0..WRITERS {
        let project = admin::create_project(app.store.as_ref(), &format!("writer {i}"), None).await.unwrap();
        let created = admin::create_api_key(
            app.store.as_ref(),
            KeyGrant::Project(project.id, ProjectRole::GroupOwner),
            "",
        )
        .await
        .unwrap();
        let credentials = Credentials {
            public_key: created.key.public_key,
            private_key: created.private_key.expose().to_owned(),
        };
        targets.push((project.id, credentials));
    }

    let mut child = Command::new(env!("CARGO_BIN_EXE_atlas-integrations"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(app.database_args())
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = lines
        .by_ref()
        .map(Result::unwrap)
        .find_map(|line| line.split("address=").nth(1).map(|a| a.trim().to_owned()))
        .expect("the server says where it listens");
    std::thread::spawn(move || lines.for_each(drop));
    let base = format!("http://{address}");

    let acknowledged = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = targets
        .iter()
        .map(|(group, credentials)| {
            let client = DigestClient::new(&base, credentials.clone(), Mode::Fresh);
            let uri = integrations_path("/api/atlas/v2", &group.to_string(), "PAGER_DUTY");
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            tokio::spawn(async move {
                let mut last_acked = 0u64;
                for counter in 1..=5_000u64 {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let body = serde_json::to_vec(
                        &json!({"type": "PAGER_DUTY", "serviceKey": format!("{counter:032}")}),
                    )
                    .unwrap();
                    match try_put(&client, &uri, body).await {
                        Some(200) => {
                            last_acked = counter;
                            acknowledged.fetch_add(1, Ordering::SeqCst);
                        }
                        _ => break,
                    }
                }
                last_acked
            })
        })
        .collect();

    for _ in 0..3_000 {
        if acknowledged.load(Ordering::SeqCst) >= ACKS_BEFORE_KILL {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().expect("SIGKILL is delivered");
    child.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    assert!(acknowledged.load(Ordering::SeqCst) >= ACKS_BEFORE_KILL, "the load ran before the kill");

    for ((group, _), writer) in targets.iter().zip(writers) {
        let last_acked = writer.await.unwrap();
        let stored = app.store.get_integration(*group, IntegrationType::PagerDuty).await.unwrap();
        let stored = stored.map(|integration| stored_counter(&integration)).unwrap_or(0);
        assert!(
            stored == last_acked || stored == last_acked + 1,
            "project {group}: acknowledged {last_acked}, stored {stored} (only the write in flight may differ)"
        );
    }
}
