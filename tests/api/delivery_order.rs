//! Each alert's events reach a receiver in the order they happened, also when the receiver is
//! down for the open and up for the close, and across a server killed between them; and a
//! hanging receiver with hundreds of notifications queued does not hold up another project's.

use std::time::Duration;

use atlas_integrations::admin::{self, KeyGrant};
use atlas_integrations::delivery::retry::RetryPolicy;
use atlas_integrations::delivery::settings::DeliverySettings;
use atlas_integrations::domain::alerts::observation::Observation;
use atlas_integrations::domain::api_key::ProjectRole;
use serde_json::{Value, json};

use crate::helpers::{DigestClient, Receiver, Reply, ServerProcess, TestApp, Tuning};

const WAIT: Duration = Duration::from_secs(15);

fn quick(delivery: DeliverySettings) -> Tuning {
    Tuning {
        delivery: Some(DeliverySettings {
            allow_private_targets: true,
            idle_wait: Duration::from_millis(20),
            retry: RetryPolicy { first_delay_ms: 200, max_delay_ms: 400, give_up_after_ms: 60_000 },
            ..delivery
        }),
        ..Tuning::default()
    }
}

fn at(group: impl std::fmt::Display, suffix: &str) -> String {
    format!("/api/atlas/v2/groups/{group}{suffix}")
}

fn host_down_to(url: &str) -> Value {
    json!({"eventTypeName": "HOST_DOWN", "enabled": true,
           "notifications": [{"typeName": "WEBHOOK", "webhookUrl": url, "delayMin": 0, "intervalMin": 60}]})
}

/// Raises `HOST_DOWN` on one host of `group`; the alert's id.
async fn raise(client: &DigestClient, group: impl std::fmt::Display) -> String {
    let observation = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-0:27017"});
    let raised = client.post(&at(group, "/alerts"), &observation).await;
    assert_eq!(raised.status, 200, "{}", raised.text());
    raised.json()["results"][0]["id"].as_str().unwrap().to_owned()
}

fn events(received: &[crate::helpers::Received]) -> Vec<String> {
    received.iter().map(|request| request.header("x-mms-event").unwrap_or_default()).collect()
}

#[tokio::test]
async fn a_close_waits_for_its_open_while_the_receiver_is_down_and_follows_it_once_up() {
    let app = TestApp::spawn_tuned(quick(DeliverySettings::default())).await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(503), Reply::Status(500), Reply::Status(502)]);
    let owner = app.owner();
    assert_eq!(
        owner.post(&at(app.project.id, "/alertConfigs"), &host_down_to(&receiver.url)).await.status,
        200
    );
    let raised = owner
        .post(
            &at(app.project.id, "/alerts"),
            &json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-0:27017"}),
        )
        .await;
    let alert = raised.json()["results"][0]["id"].as_str().unwrap().to_owned();
    receiver.wait_for(1, WAIT).await;
    let closed = owner.post(&at(app.project.id, &format!("/alerts/{alert}:close")), &json!({})).await;
    assert_eq!(closed.status, 200, "{}", closed.text());

    let received = receiver.wait_for(5, WAIT).await;
    assert_eq!(
        events(&received),
        ["alert.open", "alert.open", "alert.open", "alert.open", "alert.close"],
        "the open is retried until it is delivered; only then the close goes"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 5, "nothing more");
    let log = owner.get(&at(app.project.id, &format!("/alerts/{alert}/notifications"))).await.json();
    let statuses: Vec<_> = log["results"].as_array().unwrap().iter().map(|e| e["status"].clone()).collect();
    assert_eq!(statuses, [json!("DELIVERED"), json!("DELIVERED")]);
}

#[tokio::test]
async fn updates_and_an_acknowledgement_never_overtake_the_open_they_follow() {
    let app = TestApp::spawn_tuned(quick(DeliverySettings::default())).await;
    let receiver = Receiver::start().await;
    receiver.script(std::iter::repeat_n(Reply::Status(500), 5));
    let owner = app.owner();
    assert_eq!(
        owner.post(&at(app.project.id, "/alertConfigs"), &host_down_to(&receiver.url)).await.status,
        200
    );
    let alert = raise(&owner, app.project.id).await;
    receiver.wait_for(1, WAIT).await;
    let ack = json!({"acknowledgedUntil": "2099-01-01T00:00:00Z", "acknowledgementComment": "mine"});
    assert_eq!(owner.patch(&at(app.project.id, &format!("/alerts/{alert}")), &ack).await.status, 200);
    let unack = json!({"unacknowledgeAlert": true});
    assert_eq!(owner.patch(&at(app.project.id, &format!("/alerts/{alert}")), &unack).await.status, 200);
    assert_eq!(
        owner.post(&at(app.project.id, &format!("/alerts/{alert}:close")), &json!({})).await.status,
        200
    );

    let deadline = tokio::time::Instant::now() + WAIT;
    while !events(&receiver.received()).iter().any(|event| event == "alert.close") {
        assert!(tokio::time::Instant::now() < deadline, "no close: {:?}", events(&receiver.received()));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let heard = events(&receiver.received());
    assert_eq!(
        heard[..6],
        ["alert.open"; 6],
        "five failed attempts and the delivered open come first: {heard:?}"
    );
    assert!(heard[6..].iter().all(|event| event != "alert.open"), "{heard:?}");
    assert_eq!(heard[6], "alert.acknowledge", "{heard:?}");
    assert_eq!(heard.last().map(String::as_str), Some("alert.close"), "{heard:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_order_holds_across_a_server_killed_while_it_sent_the_open() {
    let tuning = Tuning {
        delivery: Some(DeliverySettings { run_worker: false, ..DeliverySettings::default() }),
        ..Tuning::default()
    };
    let app = TestApp::spawn_tuned(tuning).await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::Hang]);
    let owner = app.owner();
    assert_eq!(
        owner.post(&at(app.project.id, "/alertConfigs"), &host_down_to(&receiver.url)).await.status,
        200
    );

    let serve = ["--allow-private-targets", "--delivery-lease-secs", "2"];
    let first = ServerProcess::start(&app, &serve);
    let alert = raise(&owner, app.project.id).await;
    receiver.wait_for(1, WAIT).await;
    assert_eq!(
        owner.post(&at(app.project.id, &format!("/alerts/{alert}:close")), &json!({})).await.status,
        200
    );
    drop(first);

    let _second = ServerProcess::start(&app, &serve);
    let received = receiver.wait_for(3, WAIT).await;
    assert_eq!(events(&received), ["alert.open", "alert.open", "alert.close"], "taken again in order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_receiver_with_hundreds_queued_leaves_another_projects_webhook_on_time() {
    let delivery =
        DeliverySettings { attempt_timeout: Duration::from_secs(12), ..DeliverySettings::default() };
    let app = TestApp::spawn_tuned(quick(delivery)).await;
    let hanging = Receiver::answering(Reply::Hang).await;
    let owner = app.owner();
    assert_eq!(
        owner.post(&at(app.project.id, "/alertConfigs"), &host_down_to(&hanging.url)).await.status,
        200
    );
    let base = format!("{}/api/atlas/v2", app.base);
    for host in 0..300 {
        let observation = Observation {
            event_type_name: "HOST_DOWN".into(),
            hostname_and_port: Some(format!("db-{host}.example.net:27017")),
            ..Observation::default()
        };
        app.store.raise_alert(app.project.id, &observation, &base).await.unwrap();
    }
    hanging.wait_for(64, WAIT).await;

    let other =
        admin::create_project(app.store.as_ref(), "Neighbour", Some(app.project.org_id)).await.unwrap();
    let neighbour = app.client(&app.key(KeyGrant::Project(other.id, ProjectRole::GroupOwner)).await);
    let prompt = Receiver::start().await;
    assert_eq!(neighbour.post(&at(other.id, "/alertConfigs"), &host_down_to(&prompt.url)).await.status, 200);
    let raised_at = tokio::time::Instant::now();
    raise(&neighbour, other.id).await;
    let heard = prompt.wait_for(1, Duration::from_secs(10)).await;
    let took = raised_at.elapsed();
    assert_eq!(heard.len(), 1, "the neighbour's webhook never arrived");
    assert!(took < Duration::from_secs(2), "the neighbour's webhook took {took:?}");
    let in_flight = hanging.received().len();
    assert_eq!(in_flight, 64, "one destination holds its share of the worker, not all of it");
}
