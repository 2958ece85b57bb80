//! Service accounts' OAuth 2.0 flow: a client id and secret exchanged at `/api/oauth/token`
//! (HTTP Basic or form credentials) for a Bearer token taken on every mount under the rules
//! of API keys; every refusal (malformed, forged, expired, revoked, secret or account
//! deleted), the access list, the roles and the failure throttle.

use std::time::Duration;

use atlas_integrations::accounts::{AccountRequest, create_account};
use atlas_integrations::domain::api_key::{OrgRole, ProjectRole};
use atlas_integrations::domain::service_account::ServiceAccount;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, Tuning, run_cli};

const V2_MEDIA: &str = "application/vnd.atlas.2023-01-01+json";

/// An account of the test project's organization with `org_roles`, its client id and secret.
async fn account(app: &TestApp, org_roles: Vec<OrgRole>) -> (ServiceAccount, String) {
    let request = AccountRequest {
        org_id: app.project.org_id,
        name: "Deploy bot".into(),
        description: "deploys integrations".into(),
        org_roles,
        secret_hours: 24,
    };
    let (account, secret) = create_account(app.store.as_ref(), request).await.unwrap();
    (account, secret.secret.expose().to_owned())
}

/// An `ORG_MEMBER` account holding `role` in the test project.
async fn project_account(app: &TestApp, role: ProjectRole) -> (ServiceAccount, String) {
    let (account, secret) = account(app, vec![OrgRole::OrgMember]).await;
    app.store.set_service_account_project_roles(account.id, app.project.id, &[role]).await.unwrap();
    (account, secret)
}

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// `POST /api/oauth/token` with Basic credentials; the answer's status and JSON.
async fn token_with_basic(
    app: &TestApp,
    client_id: &str,
    secret: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let answer = http()
        .post(format!("{}/api/oauth/token", app.base))
        .basic_auth(client_id, Some(secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    let (status, headers) = (answer.status(), answer.headers().clone());
    (status, headers, serde_json::from_str(&answer.text().await.unwrap()).unwrap_or(Value::Null))
}

async fn access_token(app: &TestApp, account: &ServiceAccount, secret: &str) -> String {
    let (status, _, body) = token_with_basic(app, &account.client_id(), secret).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

async fn get_with(app: &TestApp, path: &str, token: &str) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let answer = http()
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("accept", V2_MEDIA)
        .send()
        .await
        .unwrap();
    let (status, headers) = (answer.status(), answer.headers().clone());
    (status, headers, serde_json::from_str(&answer.text().await.unwrap()).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_client_id_and_secret_become_a_bearer_token_that_every_mount_takes() {
    let app = TestApp::spawn().await;
    let (account, secret) = project_account(&app, ProjectRole::GroupReadOnly).await;
    let (status, headers, body) = token_with_basic(&app, &account.client_id(), &secret).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(headers["cache-control"], "no-store");
    let token = body["access_token"].as_str().unwrap();
    assert!(!token.contains(&secret));
    for mount in ["/api/atlas/v1.0", "/api/atlas/v2", "/api/public/v1.0"] {
        let path = format!("{mount}/groups/{}/integrations", app.project.id);
        let (status, _, body) = get_with(&app, &path, token).await;
        assert_eq!(status, 200, "{mount}: {body}");
        assert_eq!(body["totalCount"], 0);
    }
}

#[tokio::test]
async fn form_credentials_work_and_bad_requests_get_oauth_errors() {
    let app = TestApp::spawn().await;
    let (account, secret) = account(&app, vec![OrgRole::OrgReadOnly]).await;
    let client_id = account.client_id();
    let post = |body: String, content_type: &'static str| {
        http()
            .post(format!("{}/api/oauth/token", app.base))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let form = format!("grant_type=client_credentials&client_id={client_id}&client_secret={secret}");
    let answer = post(form.clone(), "application/x-www-form-urlencoded").await.unwrap();
    assert_eq!(answer.status(), 200);

    for (body, content_type, status, error) in [
        (
            form.replace("client_credentials", "password"),
            "application/x-www-form-urlencoded",
            400,
            "unsupported_grant_type",
        ),
        (
            form.replace("grant_type=client_credentials&", ""),
            "application/x-www-form-urlencoded",
            400,
            "invalid_request",
        ),
        (form.clone(), "application/json", 400, "invalid_request"),
        (
            format!("{form}&grant_type=client_credentials"),
            "application/x-www-form-urlencoded",
            400,
            "invalid_request",
        ),
        (
            form.replace(&secret, "mdb_sa_sk_wrong"),
            "application/x-www-form-urlencoded",
            401,
            "invalid_client",
        ),
        ("grant_type=client_credentials".into(), "application/x-www-form-urlencoded", 401, "invalid_client"),
    ] {
        let answer = post(body.clone(), content_type).await.unwrap();
        assert_eq!(answer.status().as_u16(), status, "{body}");
        assert_eq!(answer.headers()["cache-control"], "no-store");
        if status == 401 {
            assert!(answer.headers()["www-authenticate"].to_str().unwrap().starts_with("Basic realm="));
        }
        let said: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
        assert_eq!(said["error"], error, "{body}");
        assert!(said["error_description"].is_string());
    }
    let both = http()
        .post(format!("{}/api/oauth/token", app.base))
        .basic_auth(&client_id, Some(&secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(both.status(), 400, "credentials given twice");
}

#[tokio::test]
async fn malformed_forged_and_expired_tokens_are_refused_in_atlass_envelope() {
    let app = TestApp::spawn_tuned(Tuning { token_ttl_secs: Some(1), ..Tuning::default() }).await;
    let (account, secret) = project_account(&app, ProjectRole::GroupOwner).await;
    let token = access_token(&app, &account, &secret).await;
    let path = format!("/api/atlas/v2/groups/{}/integrations", app.project.id);
    assert_eq!(get_with(&app, &path, &token).await.0, 200);
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let forged = format!("{signed}.{}", signature.chars().rev().collect::<String>());
    for refused in ["not-a-token", "a.b.c", forged.as_str()] {
        let (status, headers, body) = get_with(&app, &path, refused).await;
        assert_eq!(status, 401, "{refused}");
        assert_eq!(body["error"], 401);
        let challenges: Vec<_> =
            headers.get_all("www-authenticate").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        assert!(
            challenges.iter().any(|c| c.starts_with("Bearer ") && c.contains("invalid_token")),
            "{challenges:?}"
        );
    }
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let (status, headers, _) = get_with(&app, &path, &token).await;
    assert_eq!(status, 401, "an expired token");
    let challenge = headers
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(challenge.contains("expired"), "{challenge}");
}

#[tokio::test]
async fn revoking_a_token_or_deleting_its_secret_or_account_refuses_it_at_once() {
    let app = TestApp::spawn().await;
    let (account, secret) = project_account(&app, ProjectRole::GroupReadOnly).await;
    let path = format!("/api/atlas/v2/groups/{}/integrations", app.project.id);

    let revoked = access_token(&app, &account, &secret).await;
    let kept = access_token(&app, &account, &secret).await;
    let revoke = |token: String| {
        http()
            .post(format!("{}/api/oauth/revoke", app.base))
            .basic_auth(account.client_id(), Some(secret.clone()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("token={token}&token_type_hint=access_token"))
            .send()
    };
    assert_eq!(revoke(revoked.clone()).await.unwrap().status(), 200);
    assert_eq!(get_with(&app, &path, &revoked).await.0, 401, "the revoked token");
    assert_eq!(get_with(&app, &path, &kept).await.0, 200, "another token of the same secret");
    assert_eq!(
        revoke("unknown.token.here".into()).await.unwrap().status(),
        200,
        "RFC 7009: unknown tokens too"
    );

    let (other, other_secret) = project_account(&app, ProjectRole::GroupReadOnly).await;
    let foreign = access_token(&app, &other, &other_secret).await;
    assert_eq!(revoke(foreign.clone()).await.unwrap().status(), 400, "another client's token");
    assert_eq!(get_with(&app, &path, &foreign).await.0, 200);

    let secret_id = account.secrets[0].id;
    assert!(app.store.delete_service_account_secret(account.id, secret_id).await.unwrap());
    assert_eq!(get_with(&app, &path, &kept).await.0, 401, "its secret is deleted");
    let (status, _, _) = token_with_basic(&app, &account.client_id(), &secret).await;
    assert_eq!(status, 401, "the deleted secret mints nothing");

    assert!(app.store.delete_service_account(other.id).await.unwrap());
    assert_eq!(get_with(&app, &path, &foreign).await.0, 401, "its account is deleted");
}

#[tokio::test]
async fn a_service_account_acts_under_its_roles_and_access_list_like_a_key() {
    let app = TestApp::spawn().await;
    let (reader, reader_secret) = project_account(&app, ProjectRole::GroupReadOnly).await;
    let token = access_token(&app, &reader, &reader_secret).await;
    let slack = json!({"type": "SLACK", "apiToken": "xoxb-1234-abcd", "channelName": "ops"});
    let put = |token: String| {
        http()
            .put(format!("{}{}", app.base, app.v2("SLACK")))
            .bearer_auth(token)
            .header("accept", V2_MEDIA)
            .header("content-type", V2_MEDIA)
            .body(slack.to_string())
            .send()
    };
    let refused = put(token).await.unwrap();
    assert_eq!(refused.status(), 401, "read-only: no writes");
    let said: Value = serde_json::from_str(&refused.text().await.unwrap()).unwrap();
    assert_eq!(said["errorCode"], "USER_UNAUTHORIZED");

    let (owner, owner_secret) = account(&app, vec![OrgRole::OrgOwner]).await;
    let token = access_token(&app, &owner, &owner_secret).await;
    assert_eq!(put(token.clone()).await.unwrap().status(), 200, "ORG_OWNER writes every project");
    let events_path = format!("/api/atlas/v2/groups/{}/events", app.project.id);
    let (_, _, events) = get_with(&app, &events_path, &token).await;
    let named: Vec<_> =
        events["results"].as_array().unwrap().iter().map(|e| e["publicKey"].clone()).collect();
    assert!(named.contains(&json!(owner.client_id())), "the event names the service account: {named:?}");

    let (outsider, outsider_secret) = account(&app, vec![OrgRole::OrgMember]).await;
    let token = access_token(&app, &outsider, &outsider_secret).await;
    assert_eq!(get_with(&app, &app.v2(""), &token).await.0, 401, "no role in the project");

    app.store.add_service_account_access_entry(owner.id, "10.9.8.7".parse().unwrap()).await.unwrap();
    let token = access_token(&app, &owner, &owner_secret).await;
    let (status, _, body) = get_with(&app, &app.v2(""), &token).await;
    assert_eq!(status, 403, "minted anywhere, used only from the access list: {body}");
    assert_eq!(body["errorCode"], "IP_ADDRESS_NOT_ON_ACCESS_LIST");
}

#[tokio::test]
async fn a_flood_of_wrong_client_secrets_is_throttled() {
    let app = TestApp::spawn().await;
    let (account, secret) = account(&app, vec![OrgRole::OrgReadOnly]).await;
    let mut statuses = Vec::new();
    for _ in 0..25 {
        statuses.push(token_with_basic(&app, &account.client_id(), "mdb_sa_sk_guess").await.0.as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    let (status, headers, _) = token_with_basic(&app, &account.client_id(), &secret).await;
    assert_eq!(status, 429, "the throttle holds for the right secret too");
    assert!(headers.contains_key("retry-after"));
}

#[tokio::test]
async fn a_token_in_use_on_two_replicas_and_revoked_through_one_is_refused_by_it_at_once_and_by_the_other_within_a_second()
 {
    let app = TestApp::spawn().await;
    let replica = app.replica().await;
    let (account, secret) = project_account(&app, ProjectRole::GroupReadOnly).await;
    let token = access_token(&app, &account, &secret).await;
    let path = format!("/api/atlas/v2/groups/{}/integrations", app.project.id);
    let status_on = |base: &str| {
        let request = http().get(format!("{base}{path}")).bearer_auth(&token).header("accept", V2_MEDIA);
        async move { request.send().await.unwrap().status() }
    };
    for base in [&app.base, &replica.base] {
        assert_eq!(status_on(base).await, 200, "used, and kept in memory on PostgreSQL");
    }
    let revoked = http()
        .post(format!("{}/api/oauth/revoke", app.base))
        .basic_auth(account.client_id(), Some(&secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    assert_eq!(status_on(&app.base).await, 401, "the replica that revoked it, at once");
    let deadline = std::time::Instant::now() + Duration::from_secs(1);
    while status_on(&replica.base).await != 401 {
        assert!(std::time::Instant::now() < deadline, "the other replica still takes it after a second");
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_token_minted_by_one_replica_and_revoked_through_another_is_refused_by_both() {
    let app = TestApp::spawn().await;
    let replica = app.replica().await;
    let (account, secret) = project_account(&app, ProjectRole::GroupReadOnly).await;
    let token = access_token(&app, &account, &secret).await;
    let path = format!("/api/atlas/v2/groups/{}/integrations", app.project.id);
    let on = |base: String, token: String| {
        let path = path.clone();
        async move {
            http()
                .get(format!("{base}{path}"))
                .bearer_auth(token)
                .header("accept", V2_MEDIA)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(on(replica.base.clone(), token.clone()).await, 200, "any replica verifies the signature");
    let revoked = http()
        .post(format!("{}/api/oauth/revoke", replica.base))
        .basic_auth(account.client_id(), Some(&secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    for base in [&app.base, &replica.base] {
        assert_eq!(on(base.clone(), token.clone()).await, 401, "{base}");
    }
    let second = access_token(&app, &account, &secret).await;
    assert_eq!(on(replica.base.clone(), second.clone()).await, 200);
    assert!(app.store.delete_service_account_secret(account.id, account.secrets[0].id).await.unwrap());
    assert_eq!(on(app.base.clone(), second.clone()).await, 401, "the secret is gone, here at once");
    // The other replica used the token before: it hears of the change within a second.
    let deadline = std::time::Instant::now() + Duration::from_secs(1);
    while on(replica.base.clone(), second.clone()).await != 401 {
        assert!(std::time::Instant::now() < deadline, "the other replica still takes it after a second");
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn the_first_service_account_is_made_on_the_command_line_and_its_secret_shown_once() {
    let app = TestApp::spawn().await;
    let org = app.project.org_id.to_string();
    let args = |list: &[&str]| list.iter().map(|arg| arg.to_string()).collect::<Vec<_>>();
    let created = run_cli(
        args(&[
            "service-account",
            "create",
            "--org",
            &org,
            "--name",
            "CI deployer",
            "--role",
            "ORG_MEMBER",
            "--secret-expires-after-hours",
            "8",
        ]),
        &app,
    )
    .await;
    let created: Value = serde_json::from_slice(&created).unwrap();
    let client_id = created["clientId"].as_str().unwrap().to_owned();
    let secret = created["clientSecret"].as_str().unwrap().to_owned();
    assert!(client_id.starts_with("mdb_sa_id_") && secret.starts_with("mdb_sa_sk_"), "{created}");
    assert!(created["secretId"].is_string() && created["expiresAt"].as_str().unwrap().ends_with('Z'));

    let project = app.project.id.to_string();
    run_cli(
        args(&[
            "service-account",
            "assign",
            "--client-id",
            &client_id,
            "--project",
            &project,
            "--role",
            "GROUP_OWNER",
        ]),
        &app,
    )
    .await;
    let listed = String::from_utf8(run_cli(args(&["service-account", "list"]), &app).await).unwrap();
    assert!(listed.contains(&client_id) && listed.contains("GROUP_OWNER"), "{listed}");
    assert!(!listed.contains(&secret), "the secret is shown once");

    let (status, _, body) = token_with_basic(&app, &client_id, &secret).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(get_with(&app, &app.v2(""), token).await.0, 200);

    // The token was just answered from memory. SQLite: the server notices the command's
    // commit before its next answer; PostgreSQL: the announcement arrives within a second.
    run_cli(args(&["service-account", "delete", "--client-id", &client_id]), &app).await;
    let allowed = std::time::Duration::from_secs(if cfg!(postgres_tests) { 1 } else { 0 });
    let deadline = std::time::Instant::now() + allowed;
    loop {
        let status = get_with(&app, &app.v2(""), token).await.0;
        if status == 401 || std::time::Instant::now() >= deadline {
            assert_eq!(status, 401, "deleted on the command line");
            break;
        }
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn no_client_secret_or_access_token_reaches_the_database_files_or_the_logs() {
    let app = TestApp::spawn().await;
    let (account, secret) = project_account(&app, ProjectRole::GroupReadOnly).await;
    let token = access_token(&app, &account, &secret).await;
    assert_eq!(get_with(&app, &app.v2(""), &token).await.0, 200);
    let (signed, _) = token.rsplit_once('.').unwrap();
    assert_eq!(get_with(&app, &app.v2(""), &format!("{signed}.forged")).await.0, 401);
    token_with_basic(&app, &account.client_id(), &format!("{secret}x")).await;
    let bytes = app.database.raw_bytes(app.data_dir.path());
    let logs = crate::helpers::captured_logs();
    assert!(logs.contains("authentication failed"), "the scan reads the refusals' log lines");
    let signature = token.rsplit_once('.').unwrap().1;
    for needle in [secret.as_str(), &secret[10..], token.as_str(), signature] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} is in the database files"
        );
        assert!(!logs.contains(needle), "{needle} is in the logs");
    }
    let id = account.client_id();
    assert!(bytes.windows(id.len()).any(|w| w == id.as_bytes()), "the scan reads the files it should");
}
