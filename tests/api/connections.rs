//! Connection hygiene against slow and idle clients: the head and idle timeouts, the
//! connection limit, and shutdown within its deadline, tested with raw sockets.

use std::time::{Duration, Instant};

use atlas_integrations::http::server::{ConnectionLimits, Timeouts};
use reqwest::Method;

use crate::helpers::{DigestClient, Mode, RawConnection, TestApp, Tuning, captured_logs, challenge_nonce_of};

fn tuned(head: u64, idle: u64, max_connections: usize, shutdown: u64) -> Tuning {
    Tuning {
        connections: ConnectionLimits {
            timeouts: Timeouts { head: Duration::from_secs(head), idle: Duration::from_secs(idle) },
            max_connections,
            shutdown_timeout: Duration::from_secs(shutdown),
        },
        ..Tuning::default()
    }
}

fn healthz(authority: &str) -> String {
    format!("GET /healthz HTTP/1.1\r\nHost: {authority}\r\n\r\n")
}

#[tokio::test]
async fn a_request_head_that_trickles_in_is_cut_off_at_the_head_timeout() {
    let app = TestApp::spawn_tuned(tuned(1, 30, 100, 5)).await;
    let mut slow = RawConnection::open(&app.base).await;
    slow.send(b"GET /healthz HTTP/1.1\r\n").await;
    let started = Instant::now();
    let mut closed = false;
    // One header byte every 200 ms, as slowloris sends them, for up to 5 s.
    for _ in 0..25 {
        if slow.try_send(b"X").await.is_err() || slow.closed_within(Duration::from_millis(200)).await {
            closed = true;
            break;
        }
    }
    assert!(closed, "the connection was still open after {:?}", started.elapsed());
    let mut fresh = RawConnection::open(&app.base).await;
    fresh.send(healthz(RawConnection::authority(&app.base)).as_bytes()).await;
    assert_eq!(fresh.read_response(Duration::from_secs(5)).await.unwrap().status, 200);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout_but_not_before_its_answer() {
    // A head timeout far beyond the idle one: only the idle timeout can close it in time.
    let app = TestApp::spawn_tuned(tuned(30, 1, 100, 5)).await;
    let mut client = RawConnection::open(&app.base).await;
    client.send(healthz(RawConnection::authority(&app.base)).as_bytes()).await;
    let answer = client.read_response(Duration::from_secs(5)).await.expect("answered");
    assert_eq!(answer.status, 200);
    assert!(!answer.closes(), "a keep-alive answer");
    assert!(client.closed_within(Duration::from_secs(5)).await, "closed once idle");
}

#[tokio::test]
async fn a_connection_that_never_sends_a_byte_is_closed_after_the_idle_timeout() {
    let app = TestApp::spawn_tuned(tuned(30, 1, 100, 5)).await;
    let mut silent = RawConnection::open(&app.base).await;
    assert!(silent.closed_within(Duration::from_secs(5)).await);
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_one_closes_and_the_limit_is_logged() {
    let app = TestApp::spawn_tuned(tuned(30, 30, 2, 5)).await;
    let authority = RawConnection::authority(&app.base).to_owned();
    let mut first = RawConnection::open(&app.base).await;
    first.send(healthz(&authority).as_bytes()).await;
    assert_eq!(first.read_response(Duration::from_secs(5)).await.unwrap().status, 200);
    let mut second = RawConnection::open(&app.base).await;
    second.send(healthz(&authority).as_bytes()).await;
    assert_eq!(second.read_response(Duration::from_secs(5)).await.unwrap().status, 200);

    let mut third = RawConnection::open(&app.base).await;
    third.send(healthz(&authority).as_bytes()).await;
    let waited =
        tokio::time::timeout(Duration::from_millis(500), third.read_response(Duration::from_secs(5))).await;
    assert!(waited.is_err(), "no answer while two connections are open");
    drop(first);
    let answer = third.read_response(Duration::from_secs(5)).await.expect("answered once a place is free");
    assert_eq!(answer.status, 200);
    assert!(captured_logs().contains("connection limit reached"));
}

#[tokio::test]
async fn shutdown_closes_idle_and_half_sent_connections_at_once_and_finishes_the_request_in_flight() {
    let mut app = TestApp::spawn_tuned(tuned(30, 30, 100, 10)).await;
    let authority = RawConnection::authority(&app.base).to_owned();
    let mut idle = RawConnection::open(&app.base).await;
    idle.send(healthz(&authority).as_bytes()).await;
    assert_eq!(idle.read_response(Duration::from_secs(5)).await.unwrap().status, 200);
    let mut never_connected_fully = RawConnection::open(&app.base).await;
    let mut half_sent = RawConnection::open(&app.base).await;
    half_sent.send(b"GET /healthz HTTP/1.1\r\nHost: x").await;
    // In flight: a PUT whose body is late; its answer waits for the body.
    let mut in_flight = RawConnection::open(&app.base).await;
    in_flight.send(RawConnection::put_head(&app.base, &app.v2("SLACK"), 2, "").as_bytes()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let server = app.shut_down();
    for (name, connection) in
        [("idle", &mut idle), ("silent", &mut never_connected_fully), ("half-sent", &mut half_sent)]
    {
        assert!(connection.closed_within(Duration::from_secs(3)).await, "the {name} connection is closed");
    }
    in_flight.send(b"{}").await;
    let answer =
        in_flight.read_response(Duration::from_secs(5)).await.expect("the request in flight is answered");
    assert_eq!(answer.status, 401);
    assert!(answer.closes(), "answered with Connection: close: {:?}", answer.headers);
    tokio::time::timeout(Duration::from_secs(5), server).await.expect("the server stops").unwrap().unwrap();
    assert!(RawConnection::try_open(&app.base).await.is_none(), "no new connections are taken");
}

#[tokio::test]
async fn shutdown_gives_up_on_a_stuck_request_at_its_deadline() {
    let mut app = TestApp::spawn_tuned(tuned(30, 30, 100, 1)).await;
    let client = DigestClient::new(&app.base, app.owner.clone(), Mode::Fresh);
    let path = app.v2("");
    let first = client.send_raw(Method::GET, &path, &[], None).await;
    let nonce = challenge_nonce_of(&first.header("www-authenticate").unwrap());
    let authorization = client.authorization(&Method::GET, &path, &nonce, 1);
    let stuck = tokio::spawn(async move {
        let headers = [("authorization", authorization.as_str()), ("x-atlas-fault", "hang")];
        client.try_send_raw(Method::GET, &path, &headers, None).await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let server = app.shut_down();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops at its deadline")
        .unwrap()
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900), "it waited for the request first");
    let outcome =
        tokio::time::timeout(Duration::from_secs(5), stuck).await.expect("the client is let go").unwrap();
    assert!(outcome.is_none(), "the stuck request's connection was closed");
    assert!(captured_logs().contains("closing connections still open at the shutdown deadline"));
}

#[tokio::test]
async fn http2_with_prior_knowledge_is_served_on_the_same_port_and_needs_no_host_header() {
    let app = TestApp::spawn().await;
    atlas_integrations::delivery::client::install_crypto_provider();
    let client = reqwest::Client::builder().http2_prior_knowledge().build().unwrap();
    let answer = client.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(answer.version(), reqwest::Version::HTTP_2);
    assert_eq!(answer.status(), 200);
    let challenged = client.get(format!("{}{}", app.base, app.v2(""))).send().await.unwrap();
    assert_eq!(challenged.status(), 401, "the resource asks for Digest over HTTP/2 too");
}

#[tokio::test]
async fn shutdown_closes_an_idle_http2_connection_at_once_rather_than_at_the_deadline() {
    let mut app = TestApp::spawn_tuned(tuned(30, 30, 100, 30)).await;
    atlas_integrations::delivery::client::install_crypto_provider();
    let client = reqwest::Client::builder().http2_prior_knowledge().build().unwrap();
    assert_eq!(client.get(format!("{}/healthz", app.base)).send().await.unwrap().status(), 200);
    let server = app.shut_down();
    let stopped = tokio::time::timeout(Duration::from_secs(10), server).await;
    stopped.expect("the server stops long before its 30 s deadline").unwrap().unwrap();
    assert!(client.get(format!("{}/healthz", app.base)).send().await.is_err(), "no new requests are taken");
}
