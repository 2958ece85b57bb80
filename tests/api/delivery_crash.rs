//! The outbox across a crash: notifications claimed by a server that is killed with SIGKILL
//! while sending them are sent by the next server once the dead one's lease runs out; none
//! is lost.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use atlas_integrations::delivery::settings::DeliverySettings;
use atlas_integrations::domain::ids::ObjectId;
use serde_json::json;

use crate::helpers::{Receiver, Reply, TestApp, Tuning};

const ALERTS: usize = 3;

/// A server process, killed when dropped (also when the test fails half-way).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(app: &TestApp) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_atlas-integrations"))
        .args(["serve", "--listen", "127.0.0.1:0", "--allow-private-targets", "--delivery-lease-secs", "2"])
        .args(app.database_args())
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    lines.by_ref().map(Result::unwrap).find(|line| line.contains("address=")).expect("the server starts");
    std::thread::spawn(move || lines.for_each(drop));
    Server(child)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_claimed_by_a_killed_server_are_sent_after_restart_and_none_is_lost() {
    // This process serves the API only; the servers under test deliver.
    let tuning = Tuning {
        delivery: Some(DeliverySettings { run_worker: false, ..DeliverySettings::default() }),
        ..Tuning::default()
    };
    let app = TestApp::spawn_tuned(tuning).await;
    let receiver = Receiver::start().await;
    receiver.script(std::iter::repeat_n(Reply::Hang, ALERTS));
    let owner = app.owner();
    let config = json!({"eventTypeName": "HOST_DOWN", "enabled": true,
        "notifications": [{"typeName": "WEBHOOK", "webhookUrl": receiver.url, "delayMin": 0, "intervalMin": 60}]});
    let configs = format!("/api/atlas/v2/groups/{}/alertConfigs", app.project.id);
    assert_eq!(owner.post(&configs, &config).await.status, 200);

    let first = start_server(&app);
    let mut alerts = Vec::new();
    for host in 0..ALERTS {
        let observation =
            json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": format!("db-{host}:27017")});
        let raised =
            owner.post(&format!("/api/atlas/v2/groups/{}/alerts", app.project.id), &observation).await.json();
        alerts.push(raised["results"][0]["id"].as_str().unwrap().to_owned());
    }
    let claimed = receiver.wait_for(ALERTS, Duration::from_secs(10)).await;
    assert_eq!(claimed.len(), ALERTS, "the first server claimed and began sending every notification");
    drop(first); // SIGKILL, mid-send

    let _second = start_server(&app);
    let received = receiver.wait_for(2 * ALERTS, Duration::from_secs(20)).await;
    let resent: Vec<String> =
        received[ALERTS..].iter().map(|request| request.json()["id"].as_str().unwrap().to_owned()).collect();
    for alert in &alerts {
        assert!(resent.contains(alert), "alert {alert} was sent again after the restart: {resent:?}");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let log =
                app.store.notification_log(app.project.id, ObjectId::parse(alert).unwrap()).await.unwrap();
            if log[0].status == "DELIVERED" {
                assert_eq!(log[0].attempts, 2, "{log:?}");
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "never recorded as delivered: {log:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
