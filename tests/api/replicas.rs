//! Two servers on one database behave as one: nonces, revocations and writes cross over.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;

use crate::helpers::{DigestClient, Mode, TestApp, challenge_nonce_of};

#[tokio::test]
async fn a_nonce_issued_by_one_replica_is_accepted_by_another() {
    let app = TestApp::spawn().await;
    let replica = app.replica().await;
    let first = DigestClient::new(&app.base, app.owner.clone(), Mode::Reuse);
    let challenge = first.send_raw(Method::GET, &app.v2(""), &[], None).await;
    let nonce = challenge_nonce_of(&challenge.header("www-authenticate").unwrap());
    let second = DigestClient::new(&replica.base, app.owner.clone(), Mode::Reuse);
    let authorization = second.authorization(&Method::GET, &app.v2(""), &nonce, 1);
    let answer = second.send_raw(Method::GET, &app.v2(""), &[("authorization", &authorization)], None).await;
    assert_eq!(answer.status, 200);
}

/// Asks `client` for `path` until it answers `status`, for at most a second (the contract
/// for a change made through another replica); the status it answered last.
async fn within_a_second(client: &DigestClient, path: &str, status: u16) -> u16 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let answered = client.get(path).await.status;
        if answered == status || std::time::Instant::now() >= deadline {
            return answered;
        }
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_key_revoked_through_one_replica_is_refused_by_it_at_once_and_by_every_other_within_a_second() {
    let app = TestApp::spawn().await;
    let replica = app.replica().await;
    let clients = [
        DigestClient::new(&app.base, app.reader.clone(), Mode::Reuse),
        DigestClient::new(&replica.base, app.reader.clone(), Mode::Reuse),
    ];
    for client in &clients {
        assert_eq!(client.get(&app.v2("")).await.status, 200);
    }
    app.store.revoke_api_key(&app.reader.public_key).await.unwrap();
    assert_eq!(clients[0].get(&app.v2("")).await.status, 401, "the replica that revoked it, at once");
    assert_eq!(within_a_second(&clients[1], &app.v2(""), 401).await, 401);
}

#[tokio::test]
#[cfg_attr(not(postgres_tests), ignore = "replicas share a PostgreSQL database: set TEST_DATABASE_URL")]
async fn changes_through_any_replica_or_the_command_line_reach_the_others_even_after_their_connections_are_cut()
 {
    let app = TestApp::spawn().await;
    let replicas = [app.replica().await, app.replica().await];
    let readers: Vec<DigestClient> = replicas
        .iter()
        .map(|replica| DigestClient::new(&replica.base, app.owner.clone(), Mode::Reuse))
        .collect();
    let slack = json!({"type": "SLACK", "apiToken": "xoxb-1", "channelName": "alerts"});
    assert_eq!(app.owner().put(&app.v2("SLACK"), &slack).await.status, 200);
    for reader in &readers {
        assert_eq!(reader.get(&app.v2("SLACK")).await.json()["channelName"], "alerts", "read and kept");
    }
    for round in 0..2 {
        let channel = format!("round-{round}");
        let changed = json!({"type": "SLACK", "channelName": channel});
        assert_eq!(app.owner().put(&app.v2("SLACK"), &changed).await.status, 200);
        for reader in &readers {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
            loop {
                let seen = reader.get(&app.v2("SLACK")).await.json()["channelName"].clone();
                if seen == channel.as_str() {
                    break;
                }
                assert!(std::time::Instant::now() < deadline, "round {round}: still {seen} after a second");
                tokio::task::yield_now().await;
            }
        }
        // The database cuts every connection but the test's own: the replicas listen again
        // and read from the database meanwhile, never from what they held before.
        app.database
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                      WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .await;
    }
    assert_eq!(app.owner().delete(&app.v2("SLACK")).await.status, 204);
    for reader in &readers {
        assert_eq!(within_a_second(reader, &app.v2("SLACK"), 404).await, 404, "deleted everywhere");
    }
    let cli = ["api-key", "revoke", "--key", &app.owner.public_key].map(str::to_owned).to_vec();
    crate::helpers::run_cli(cli, &app).await;
    for reader in &readers {
        assert_eq!(within_a_second(reader, &app.v2(""), 401).await, 401, "revoked by the command line");
    }
}

#[tokio::test]
async fn concurrent_puts_through_different_replicas_lose_no_field() {
    let app = Arc::new(TestApp::spawn().await);
    let replica = app.replica().await;
    let bases = [app.base.clone(), replica.base.clone()];
    let kind = "DATADOG";
    let created = app.owner().post(&app.v2(kind), &json!({"type": kind, "apiKey": "abcdef0123456789"})).await;
    assert_eq!(created.status, 200);
    let fields = [
        "sendCollectionLatencyMetrics",
        "sendDatabaseMetrics",
        "sendQueryStatsMetrics",
        "sendUserProvidedResourceTags",
    ];
    let tasks: Vec<_> = fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let (app, base) = (app.clone(), bases[i % 2].clone());
            let body = json!({"type": kind, *field: true});
            tokio::spawn(async move {
                DigestClient::new(&base, app.owner.clone(), Mode::Fresh)
                    .put(&app.v2(kind), &body)
                    .await
                    .status
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    let one = app.owner().get(&app.v2(kind)).await.json();
    for field in fields {
        assert_eq!(one[field], true, "{field} was lost: {one}");
    }
}

#[tokio::test]
async fn racing_creates_through_different_replicas_give_one_success_and_conflicts() {
    let app = Arc::new(TestApp::spawn().await);
    let replica = app.replica().await;
    let bases = [app.base.clone(), replica.base.clone()];
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let (app, base) = (app.clone(), bases[i % 2].clone());
            tokio::spawn(async move {
                let body = json!({"type": "OPS_GENIE", "apiKey": format!("key-{i}")});
                DigestClient::new(&base, app.owner.clone(), Mode::Fresh)
                    .post(&app.v2("OPS_GENIE"), &body)
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, [200, 409, 409, 409, 409, 409]);
}

#[tokio::test]
#[cfg_attr(not(postgres_tests), ignore = "needs PostgreSQL: set TEST_DATABASE_URL")]
async fn a_request_replayed_to_another_replica_is_refused() {
    let app = TestApp::spawn().await;
    let replica = app.replica().await;
    let first = DigestClient::new(&app.base, app.owner.clone(), Mode::Reuse);
    let challenge = first.send_raw(Method::GET, &app.v2(""), &[], None).await;
    let nonce = challenge_nonce_of(&challenge.header("www-authenticate").unwrap());
    let authorization = first.authorization(&Method::GET, &app.v2(""), &nonce, 1);
    let headers = [("authorization", authorization.as_str())];
    assert_eq!(first.send_raw(Method::GET, &app.v2(""), &headers, None).await.status, 200);
    let second = DigestClient::new(&replica.base, app.owner.clone(), Mode::Reuse);
    assert_eq!(second.send_raw(Method::GET, &app.v2(""), &headers, None).await.status, 401);
}

#[tokio::test]
async fn of_one_request_sent_many_times_at_once_exactly_one_is_answered() {
    // Claims arriving together are recorded together (PostgreSQL batches them): a replay in
    // the same batch is still a replay.
    let app = Arc::new(TestApp::spawn().await);
    let client = DigestClient::new(&app.base, app.owner.clone(), Mode::Reuse);
    let challenge = client.send_raw(Method::GET, &app.v2(""), &[], None).await;
    let nonce = challenge_nonce_of(&challenge.header("www-authenticate").unwrap());
    let authorization = client.authorization(&Method::GET, &app.v2(""), &nonce, 1);
    let sends: Vec<_> = (0..16)
        .map(|_| {
            let (app, authorization) = (app.clone(), authorization.clone());
            tokio::spawn(async move {
                let client = DigestClient::new(&app.base, app.owner.clone(), Mode::Reuse);
                client
                    .send_raw(Method::GET, &app.v2(""), &[("authorization", &authorization)], None)
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for send in sends {
        statuses.push(send.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|status| **status == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|status| **status == 401).count(), 15, "{statuses:?}");
}

#[tokio::test]
#[cfg_attr(not(postgres_tests), ignore = "replicas share a PostgreSQL database: set TEST_DATABASE_URL")]
async fn a_projects_request_limit_holds_across_three_replicas() {
    use atlas_integrations::http::rate_limit::Limits;
    let limits = Limits {
        requests_per_window: 300,
        window: std::time::Duration::from_secs(3600),
        ..Limits::default()
    };
    let app = TestApp::spawn_with_limits(limits).await;
    let replicas = [app.replica().await, app.replica().await];
    let bases = [app.base.clone(), replicas[0].base.clone(), replicas[1].base.clone()];
    let clients: Vec<DigestClient> =
        bases.iter().map(|base| DigestClient::new(base, app.owner.clone(), Mode::Reuse)).collect();
    // The windows are the clock's hours: a run that crosses one counts two windows and is
    // measured again.
    for _ in 0..2 {
        let hour =
            |at: std::time::SystemTime| at.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() / 3600;
        let started = std::time::SystemTime::now();
        let mut allowed = 0;
        for i in 0..450 {
            let answer = clients[i % 3].get(&app.v2("")).await;
            match answer.status {
                200 => allowed += 1,
                429 => assert!(answer.header("retry-after").is_some()),
                other => panic!("{other}: {}", answer.text()),
            }
        }
        if hour(started) != hour(std::time::SystemTime::now()) {
            continue;
        }
        assert!(
            (270..=300).contains(&allowed),
            "{allowed} of 450 let through against a limit of 300 for three replicas"
        );
        return;
    }
    panic!("two runs in a row crossed the hour");
}
