//! Hostile and careless clients: bodies that arrive after an early answer, requests
//! without `Host`, floods of failed logins, handlers that panic.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Credentials, DigestClient, Mode, RawConnection, TestApp, captured_logs};

#[tokio::test]
async fn a_challenge_to_a_body_sent_after_its_headers_keeps_the_connection_usable() {
    let app = TestApp::spawn().await;
    let authority = RawConnection::authority(&app.base).to_owned();
    let mut client = RawConnection::open(&app.base).await;
    for round in 0..3 {
        let body = r#"{"type": "SLACK", "apiToken": "xoxb-1", "channelName": "alerts"}"#;
        client.send(RawConnection::put_head(&app.base, &app.v2("SLACK"), body.len(), "").as_bytes()).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        client.send(body.as_bytes()).await;
        let answer = client.read_response(Duration::from_secs(5)).await.expect("answered");
        assert_eq!(answer.status, 401, "round {round}");
        assert!(!answer.closes(), "the body was read, so the connection goes on: {:?}", answer.headers);
    }
    client.send(format!("GET /healthz HTTP/1.1\r\nHost: {authority}\r\n\r\n").as_bytes()).await;
    let reused =
        client.read_response(Duration::from_secs(5)).await.expect("the same connection answers again");
    assert_eq!(reused.status, 200);
}

#[tokio::test]
async fn an_early_answer_to_a_body_that_never_comes_says_connection_close_and_closes() {
    let app = TestApp::spawn().await;
    let mut client = RawConnection::open(&app.base).await;
    client.send(RawConnection::put_head(&app.base, &app.v2("DATADOG"), 500_000, "").as_bytes()).await;
    let answer = client.read_response(Duration::from_secs(10)).await.expect("answered without the body");
    assert_eq!(answer.status, 401);
    assert!(answer.closes(), "{:?}", answer.headers);
    assert!(client.closed_within(Duration::from_secs(5)).await);
}

#[tokio::test]
async fn a_body_held_back_by_expect_100_continue_is_not_asked_for_and_the_connection_closes() {
    let app = TestApp::spawn().await;
    let mut client = RawConnection::open(&app.base).await;
    let head = RawConnection::put_head(&app.base, &app.v2("DATADOG"), 500, "Expect: 100-continue\r\n");
    client.send(head.as_bytes()).await;
    let answer = client.read_response(Duration::from_millis(800)).await.expect("answered at once");
    assert_eq!(answer.status, 401, "the challenge, with no 100 Continue before it");
    assert!(answer.closes(), "a body the client was not asked for is not waited for");
}

#[tokio::test]
async fn an_http11_request_without_host_or_with_two_is_400_in_the_envelope() {
    let app = TestApp::spawn().await;
    let mut client = RawConnection::open(&app.base).await;
    client.send(b"GET /healthz HTTP/1.1\r\n\r\n").await;
    let answer = client.read_response(Duration::from_secs(5)).await.expect("answered");
    assert_eq!(answer.status, 400);
    assert_eq!(answer.header("x-error-code"), Some("MISSING_HOST_HEADER"));
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["errorCode"], "MISSING_HOST_HEADER");
    assert_eq!(body["error"], 400);

    let authority = app.base.trim_start_matches("http://").to_owned();
    let mut twice = RawConnection::open(&app.base).await;
    twice
        .send(format!("GET /healthz HTTP/1.1\r\nHost: {authority}\r\nHost: evil.example\r\n\r\n").as_bytes())
        .await;
    let answer = twice.read_response(Duration::from_secs(5)).await.expect("answered");
    assert_eq!((answer.status, answer.header("x-error-code")), (400, Some("DUPLICATE_HOST_HEADER")));

    let mut old = RawConnection::open(&app.base).await;
    old.send(b"GET /healthz HTTP/1.0\r\n\r\n").await;
    assert_eq!(
        old.read_response(Duration::from_secs(5)).await.unwrap().status,
        200,
        "HTTP/1.0 needs no Host"
    );
}

#[tokio::test]
async fn a_panicking_handler_answers_500_in_the_envelope_and_the_server_goes_on() {
    let app = TestApp::spawn().await;
    let client = DigestClient::new(&app.base, app.owner.clone(), Mode::Fresh);
    let answer = client.send(Method::GET, &app.v2("SLACK"), &[("x-atlas-fault", "panic")], None).await;
    let body = answer.assert_error(500, "UNEXPECTED_ERROR");
    assert!(!body["detail"].as_str().unwrap().contains("fault"), "nothing internal is sent: {body}");
    assert!(captured_logs().contains("a handler panicked"));
    assert!(captured_logs().contains("/api/atlas/v2/groups/{group_id}/integrations/{integration_type}"));
    assert_eq!(client.get(&app.v2("")).await.status, 200, "the server goes on serving");
}

#[tokio::test]
async fn a_flood_of_failed_logins_under_random_names_is_logged_a_line_a_second_at_most() {
    let app = TestApp::spawn().await;
    let names: Vec<String> = (0..60u32)
        .map(|i| {
            let letters: String = format!("{i:03}").bytes().map(|b| (b'a' + (b - b'0')) as char).collect();
            format!("zzzzz{letters}")
        })
        .collect();
    let started = std::time::Instant::now();
    for name in &names {
        let wrong = Credentials { public_key: name.clone(), private_key: "nope".into() };
        let attacker = DigestClient::new(&app.base, wrong, Mode::Fresh);
        assert_eq!(attacker.get(&app.v2("")).await.status, 401);
    }
    let seconds = started.elapsed().as_secs() + 1;
    let logs = captured_logs();
    let logged = names.iter().filter(|name| logs.contains(&format!("public_key=\"{name}\""))).count();
    assert!(logged >= 1, "the first failure is logged in full");
    assert!(logged as u64 <= seconds, "{logged} of 60 failures logged one by one in {seconds} s");
    let owner = app.owner();
    assert_eq!(
        owner.put(&app.v2("OPS_GENIE"), &json!({"type": "OPS_GENIE", "apiKey": "k"})).await.status,
        200
    );
}

#[tokio::test]
async fn a_body_of_a_hundred_thousand_keys_is_refused_as_invalid_json() {
    let app = TestApp::spawn().await;
    let members: Vec<String> = (0..100_000).map(|i| format!("\"{i:x}\":1")).collect();
    let body = format!("{{\"type\":\"SLACK\",{}}}", members.join(",")).into_bytes();
    assert!((800_000..1_048_576).contains(&body.len()), "{}", body.len());
    let client = DigestClient::new(&app.base, app.owner.clone(), Mode::Fresh);
    let answer =
        client.send(Method::PUT, &app.v2("SLACK"), &[("content-type", "application/json")], Some(body)).await;
    let error = answer.assert_error(400, "INVALID_JSON");
    assert!(error["detail"].as_str().unwrap().contains("more than 64 members"), "{error}");
    assert!(app.store.list_integrations(app.project.id).await.unwrap().is_empty(), "nothing changed");
}

#[tokio::test]
async fn a_panics_answer_and_a_missing_host_answer_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    let client = DigestClient::new(&app.base, app.owner.clone(), Mode::Fresh);
    let answer = client.send(Method::GET, &app.v2(""), &[("x-atlas-fault", "panic")], None).await;
    assert_eq!(answer.status, 500);
    assert_eq!(answer.header("x-content-type-options").as_deref(), Some("nosniff"));
    let mut raw = RawConnection::open(&app.base).await;
    raw.send(b"GET /healthz HTTP/1.1\r\n\r\n").await;
    let refused = raw.read_response(Duration::from_secs(5)).await.unwrap();
    assert_eq!(refused.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test]
async fn an_early_answer_to_a_body_announced_over_the_limit_does_not_wait_for_it() {
    let app = TestApp::spawn().await;
    let mut client = RawConnection::open(&app.base).await;
    client.send(RawConnection::put_head(&app.base, &app.v2("DATADOG"), 2_000_000, "").as_bytes()).await;
    // Well inside the one second a body within the limit is given to arrive.
    let answer = client.read_response(Duration::from_millis(800)).await.expect("answered at once");
    assert_eq!(answer.status, 401);
    assert!(answer.closes());
}
