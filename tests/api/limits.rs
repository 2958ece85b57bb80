//! Atlas's rate-limit headers and 429s, and the throttle on repeated failed authentications.

use std::time::Duration;

use atlas_integrations::http::rate_limit::Limits;
use serde_json::json;

use crate::helpers::{Credentials, DigestClient, Mode, TestApp, integrations_path};

#[tokio::test]
async fn every_answer_of_the_resource_counts_down_the_projects_remaining_requests() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let mut remaining = Vec::new();
    for path in [app.v2(""), app.v2("SLACK"), app.v2("")] {
        let answer = client.get(&path).await;
        assert_eq!(answer.header("ratelimit-limit").as_deref(), Some("1200"));
        remaining.push(answer.header("ratelimit-remaining").unwrap().parse::<u32>().unwrap());
    }
    assert_eq!(
        remaining,
        [1199, 1198, 1197],
        "errors (the 404 in the middle) count and carry the headers too"
    );
}

#[tokio::test]
async fn a_project_over_its_limit_gets_429_with_retry_after_and_others_do_not() {
    let limits = Limits { requests_per_window: 3, window: Duration::from_secs(60), ..Limits::default() };
    let app = TestApp::spawn_with_limits(limits).await;
    let client = app.owner();
    for _ in 0..3 {
        assert_eq!(client.get(&app.v2("")).await.status, 200);
    }
    let limited = client.put(&app.v2("OPS_GENIE"), &json!({"type": "OPS_GENIE", "apiKey": "k"})).await;
    limited.assert_error(429, "RATE_LIMITED");
    assert_eq!(limited.header("ratelimit-remaining").as_deref(), Some("0"));
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(
        app.store.list_integrations(app.project.id).await.unwrap().len(),
        0,
        "the limited PUT did nothing"
    );

    let other = atlas_integrations::admin::create_project(app.store.as_ref(), "Other", None).await.unwrap();
    let org_owner = app
        .key(atlas_integrations::admin::KeyGrant::Organization(
            app.project.org_id,
            atlas_integrations::domain::api_key::OrgRole::OrgOwner,
        ))
        .await;
    let path = integrations_path("/api/atlas/v2", &other.id.to_string(), "");
    assert_eq!(app.client(&org_owner).get(&path).await.status, 200, "limits are per project");
}

#[tokio::test]
async fn repeated_failures_throttle_a_key_from_that_address_but_not_from_others() {
    let limits = Limits { auth_failures: 3, ..Limits::default() };
    let app = TestApp::spawn_with_limits(limits).await;
    let wrong = Credentials { public_key: app.owner.public_key.clone(), private_key: "guess".into() };
    let attacker = DigestClient::from_address(&app.base, wrong, "127.0.0.1".parse().unwrap());
    for _ in 0..3 {
        assert_eq!(attacker.get(&app.v2("")).await.status, 401);
    }
    let throttled = attacker.get(&app.v2("")).await;
    throttled.assert_error(429, "RATE_LIMITED");
    assert!(throttled.header("retry-after").is_some());

    let same_address = DigestClient::from_address(&app.base, app.owner.clone(), "127.0.0.1".parse().unwrap());
    same_address.get(&app.v2("")).await.assert_error(429, "RATE_LIMITED");
    let elsewhere = DigestClient::from_address(&app.base, app.owner.clone(), "127.0.0.2".parse().unwrap());
    assert_eq!(
        elsewhere.get(&app.v2("")).await.status,
        200,
        "the rightful key still works from its other addresses"
    );
    let other_key = DigestClient::from_address(&app.base, app.reader.clone(), "127.0.0.1".parse().unwrap());
    assert_eq!(
        other_key.get(&app.v2("")).await.status,
        200,
        "other keys from that address are not locked out"
    );
}

#[tokio::test]
async fn failures_under_ever_new_names_from_one_address_are_answered_late_and_valid_keys_are_not() {
    let limits = Limits { address_failures: 3, ..Limits::default() };
    let app = TestApp::spawn_with_limits(limits).await;
    let guess = |name: &str| Credentials { public_key: name.to_owned(), private_key: "guess".into() };
    for name in ["aaaaaaaa", "bbbbbbbb", "not a key"] {
        assert_eq!(DigestClient::new(&app.base, guess(name), Mode::Fresh).get(&app.v2("")).await.status, 401);
    }
    let started = std::time::Instant::now();
    let late = DigestClient::new(&app.base, guess("cccccccc"), Mode::Fresh).get(&app.v2("")).await;
    assert_eq!(late.status, 401, "still a challenge, only later");
    assert!(started.elapsed() >= atlas_integrations::http::rate_limit::FAILURE_DELAY);

    // The quickest of three, so that a busy machine does not pass for a delay.
    let owner = app.owner();
    let mut quickest = std::time::Duration::MAX;
    for _ in 0..3 {
        let started = std::time::Instant::now();
        assert_eq!(owner.get(&app.v2("")).await.status, 200);
        quickest = quickest.min(started.elapsed());
    }
    assert!(quickest < atlas_integrations::http::rate_limit::FAILURE_DELAY, "valid keys are not held back");
}

#[tokio::test]
async fn a_project_holds_at_most_its_cap_of_alert_configurations_and_a_refusal_changes_nothing() {
    let app = TestApp::spawn_with_limits(Limits { alert_configs_per_project: 3, ..Limits::default() }).await;
    let owner = app.owner();
    let configs = format!("/api/atlas/v2/groups/{}/alertConfigs", app.project.id);
    let body = json!({"eventTypeName": "HOST_DOWN", "enabled": true,
                      "notifications": [{"typeName": "EMAIL", "emailAddress": "ops@example.com"}]});
    let mut ids = Vec::new();
    for _ in 0..3 {
        let created = owner.post(&configs, &body).await;
        assert_eq!(created.status, 200, "{}", created.text());
        ids.push(created.json()["id"].as_str().unwrap().to_owned());
    }
    let refused = owner.post(&configs, &body).await;
    let error = refused.assert_error(409, "ALERT_CONFIG_LIMIT_REACHED");
    assert!(error["detail"].as_str().unwrap().contains("3 alert configurations"), "{error}");
    assert_eq!(owner.get(&configs).await.json()["totalCount"], 3, "nothing was added");
    assert_eq!(owner.delete(&format!("{configs}/{}", ids[0])).await.status, 204);
    assert_eq!(owner.post(&configs, &body).await.status, 200, "a freed place can be taken");
}
