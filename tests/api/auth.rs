//! HTTP Digest as Atlas and its clients do it.

use atlas_integrations::crypto::MasterKey;
use atlas_integrations::http::auth::nonce::NonceSigner;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{Credentials, DigestClient, Mode, TestApp, V2_ACCEPT};

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

#[tokio::test]
async fn an_unauthenticated_request_gets_atlas_challenge_byte_for_byte() {
    let app = TestApp::spawn().await;
    let answer = app.owner().send_raw(Method::GET, &app.v2(""), &[("accept", V2_ACCEPT)], None).await;
    assert_eq!(answer.status, 401);
    let challenge = answer.header("www-authenticate").unwrap();
    let nonce = crate::helpers::challenge_nonce_of(&challenge);
    assert_eq!(nonce.len(), 32);
    assert!(nonce.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/'), "{nonce}");
    assert_eq!(
        challenge,
        format!(
            "Digest realm=\"MMS Public API\", domain=\"\", nonce=\"{nonce}\", algorithm=MD5, qop=\"auth\", stale=false"
        )
    );
    assert_eq!(answer.header("content-type").as_deref(), Some("application/json"));
    assert_eq!(
        answer.text(),
        "{\n  \"error\" : 401,\n  \"reason\" : \"Unauthorized\",\n  \"detail\" : \"You are not authorized for this resource.\",\n  \"errorCode\" : \"UNEXPECTED_ERROR\"\n}"
    );
}

#[tokio::test]
async fn a_wrong_private_key_or_unknown_public_key_gets_the_challenge_again() {
    let app = TestApp::spawn().await;
    for credentials in [
        Credentials {
            public_key: app.owner.public_key.clone(),
            private_key: "00000000-0000-0000-0000-000000000000".into(),
        },
        Credentials { public_key: "zzzzzzzz".into(), private_key: app.owner.private_key.clone() },
    ] {
        let answer = app.client(&credentials).get(&app.v2("")).await;
        assert_eq!(answer.status, 401);
        assert!(answer.header("www-authenticate").unwrap().ends_with("stale=false"));
    }
}

#[tokio::test]
async fn quoted_and_unquoted_parameters_and_sha256_are_all_accepted() {
    let app = TestApp::spawn().await;
    for (quoted, algorithm, mode) in [
        (false, "MD5", Mode::Fresh),
        (true, "MD5", Mode::Fresh),
        (false, "SHA-256", Mode::Reuse),
        (true, "SHA-256", Mode::Fresh),
    ] {
        let mut client = DigestClient::new(&app.base, app.owner.clone(), mode);
        client.quoted = quoted;
        client.algorithm = algorithm;
        assert_eq!(client.get(&app.v2("")).await.status, 200, "quoted={quoted} {algorithm}");
    }
}

#[tokio::test]
async fn a_reused_nonce_with_increasing_or_out_of_order_counts_is_accepted() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let first = client.send_raw(Method::GET, &app.v2(""), &[], None).await;
    let nonce = crate::helpers::challenge_nonce_of(&first.header("www-authenticate").unwrap());
    for nc in [1, 2, 3, 7, 5, 6] {
        let authorization = client.authorization(&Method::GET, &app.v2(""), &nonce, nc);
        let answer =
            client.send_raw(Method::GET, &app.v2(""), &[("authorization", &authorization)], None).await;
        assert_eq!(answer.status, 200, "nc={nc}");
    }
}

#[tokio::test]
async fn an_expired_nonce_with_a_right_answer_is_told_it_is_stale() {
    let app = TestApp::spawn().await;
    let key = MasterKey::read(&app.data_dir.path().join("secret.key")).unwrap();
    let old = NonceSigner::new(key.derive("digest-nonce"), 300).issue(unix_now() - 3600);
    let client = app.owner();
    let authorization = client.authorization(&Method::GET, &app.v2(""), &old, 1);
    let answer = client.send_raw(Method::GET, &app.v2(""), &[("authorization", &authorization)], None).await;
    assert_eq!(answer.status, 401);
    assert!(answer.header("www-authenticate").unwrap().ends_with("stale=true"));
    let wrong = DigestClient::new(
        &app.base,
        Credentials { private_key: "nope".into(), ..app.owner.clone() },
        Mode::Reuse,
    );
    let authorization = wrong.authorization(&Method::GET, &app.v2(""), &old, 1);
    let answer = wrong.send_raw(Method::GET, &app.v2(""), &[("authorization", &authorization)], None).await;
    assert!(
        answer.header("www-authenticate").unwrap().ends_with("stale=false"),
        "stale only for right answers"
    );
}

#[tokio::test]
async fn a_nonce_the_service_did_not_issue_is_refused() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let forged = NonceSigner::new(MasterKey::generate().derive("digest-nonce"), 300).issue(unix_now());
    let authorization = client.authorization(&Method::GET, &app.v2(""), &forged, 1);
    let answer = client.send_raw(Method::GET, &app.v2(""), &[("authorization", &authorization)], None).await;
    assert_eq!(answer.status, 401);
}

#[tokio::test]
async fn a_response_computed_for_another_uri_is_refused() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let first = client.send_raw(Method::GET, &app.v2(""), &[], None).await;
    let nonce = crate::helpers::challenge_nonce_of(&first.header("www-authenticate").unwrap());
    let authorization = client.authorization(&Method::GET, &app.v2("DATADOG"), &nonce, 1);
    let answer = client.send_raw(Method::GET, &app.v2(""), &[("authorization", &authorization)], None).await;
    assert_eq!(answer.status, 401);
}

#[tokio::test]
async fn a_revoked_key_is_refused_at_once() {
    let app = TestApp::spawn().await;
    let client = app.client(&app.reader);
    assert_eq!(client.get(&app.v2("")).await.status, 200);
    app.store.revoke_api_key(&app.reader.public_key).await.unwrap();
    assert_eq!(client.get(&app.v2("")).await.status, 401);
}

#[tokio::test]
async fn the_go_sdk_style_of_a_fresh_challenge_per_request_with_the_body_on_both_legs_works() {
    let app = TestApp::spawn().await;
    let client = DigestClient::new(&app.base, app.owner.clone(), Mode::Fresh);
    let body = serde_json::to_vec(&json!({"type": "OPS_GENIE", "apiKey": "k-000000001"})).unwrap();
    let headers = [("content-type", V2_ACCEPT), ("accept", V2_ACCEPT)];
    let first = client.send_raw(Method::POST, &app.v2("OPS_GENIE"), &headers, Some(body.clone())).await;
    assert_eq!(first.status, 401);
    let answer = client.send(Method::POST, &app.v2("OPS_GENIE"), &headers, Some(body)).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
}

#[tokio::test]
async fn healthz_needs_no_authentication() {
    let app = TestApp::spawn().await;
    let answer = app.owner().send_raw(Method::GET, "/healthz", &[], None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json(), json!({"status": "OK"}));
}

#[tokio::test]
async fn a_replayed_request_is_refused_while_its_nonce_lives() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let first = client.send_raw(Method::GET, &app.v2(""), &[], None).await;
    let nonce = crate::helpers::challenge_nonce_of(&first.header("www-authenticate").unwrap());
    let authorization = client.authorization(&Method::GET, &app.v2(""), &nonce, 1);
    let headers = [("authorization", authorization.as_str())];
    assert_eq!(client.send_raw(Method::GET, &app.v2(""), &headers, None).await.status, 200);
    let replayed = client.send_raw(Method::GET, &app.v2(""), &headers, None).await;
    assert_eq!(replayed.status, 401, "the same nonce, nc and cnonce again");
    let new_cnonce = client.authorization(&Method::GET, &app.v2(""), &nonce, 1);
    assert_ne!(new_cnonce, authorization, "a fresh cnonce makes a different response");
    assert_eq!(
        client.send_raw(Method::GET, &app.v2(""), &[("authorization", &new_cnonce)], None).await.status,
        401,
        "a nonce's count is used once, whatever the cnonce"
    );
    let next = client.authorization(&Method::GET, &app.v2(""), &nonce, 2);
    assert_eq!(
        client.send_raw(Method::GET, &app.v2(""), &[("authorization", &next)], None).await.status,
        200
    );
}
