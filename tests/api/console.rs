//! The web console over HTTP, as a browser uses it: sign-in with an API key or a service
//! account, the session cookie's attributes and life (sign-out, revocation, replicas,
//! restarts), CSRF tokens on every form, the API's roles, secrets never shown, refusals
//! next to their field, alerts with their notification log, and a page policy without
//! inline code.

use std::time::Duration;

use atlas_integrations::admin::{self, KeyGrant};
use atlas_integrations::domain::api_key::ProjectRole;
use serde_json::{Value, json};

use crate::helpers::{ConsoleClient, Receiver, TestApp, Tuning};

const SLACK_TOKEN: &str = "xoxb-console-token-0123456789-wxyz";

fn integrations(app: &TestApp) -> String {
    format!("/projects/{}/integrations", app.project.id)
}

async fn stored_slack(app: &TestApp) -> Option<Value> {
    let answer = app.owner().get(&app.v2("SLACK")).await;
    (answer.status == 200).then(|| answer.json())
}

#[tokio::test]
async fn an_owner_saves_slack_and_changes_its_channel_without_retyping_the_token() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let cookie = browser.session().expect("a session cookie");
    assert_eq!(cookie.len(), 64);

    let home = browser.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.html.contains(&app.project.id.to_string()) && home.html.contains("Owner"));

    let page = browser.get(&integrations(&app)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.html.contains(">Microsoft Teams<") && page.html.contains(">PagerDuty<"),
        "services in words"
    );
    for kind in [
        "PAGER_DUTY",
        "SLACK",
        "DATADOG",
        "NEW_RELIC",
        "OPS_GENIE",
        "VICTOR_OPS",
        "FLOWDOCK",
        "WEBHOOK",
        "HIP_CHAT",
        "PROMETHEUS",
        "MICROSOFT_TEAMS",
    ] {
        assert!(page.html.contains(&format!("id=\"{kind}-row\"")), "{kind} has its row");
    }
    let page = browser.get(&format!("{}/SLACK", integrations(&app))).await;
    assert!(page.html.contains(">Bot token") && !page.html.contains(">apiToken"), "labels in words");
    assert!(page.html.contains("your app › OAuth"), "where the token is found");
    let csrf = page.csrf();
    let saved = browser
        .post(
            &format!("{}/SLACK", integrations(&app)),
            &[("csrf", &csrf), ("apiToken", SLACK_TOKEN), ("channelName", "ops"), ("teamName", "")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    assert_eq!(saved.location(), Some(format!("{}/SLACK?saved=SLACK", integrations(&app)).as_str()));
    assert_eq!(stored_slack(&app).await.unwrap()["channelName"], "ops");

    let shown = browser.get(&format!("{}/SLACK?saved=SLACK", integrations(&app))).await;
    assert!(!shown.html.contains(SLACK_TOKEN), "the token is never sent back");
    assert!(shown.html.contains("****wxyz"), "its mask is shown");
    assert!(shown.html.contains("id=\"SLACK-notice\""));

    let renamed = browser
        .post(
            &format!("{}/SLACK", integrations(&app)),
            &[("csrf", &csrf), ("apiToken", ""), ("channelName", "alerts")],
        )
        .await;
    assert_eq!(renamed.status, 303, "{}", renamed.html);
    let stored = stored_slack(&app).await.unwrap();
    assert_eq!(stored["channelName"], "alerts");
    let token = app
        .store
        .get_integration(app.project.id, atlas_integrations::domain::integration::IntegrationType::Slack)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        token.fields["apiToken"],
        atlas_integrations::domain::integration::FieldValue::Secret(
            atlas_integrations::domain::secret::Secret::new(SLACK_TOKEN)
        ),
        "an empty secret input leaves the stored token as it was"
    );

    let events = browser.get(&format!("/projects/{}/events", app.project.id)).await;
    assert_eq!(events.status, 200);
    assert!(events.html.contains("INTEGRATION_CONFIGURED") && events.html.contains(&app.owner.public_key));

    let remove = format!("{}/SLACK/remove", integrations(&app));
    let asked = browser.post(&remove, &[("csrf", &csrf)]).await;
    assert_eq!(asked.status, 200, "Remove asks first");
    assert!(
        asked.html.contains("Remove the SLACK integration")
            && asked.html.contains("name=\"confirmed\" value=\"yes\"")
    );
    assert!(asked.html.contains(&format!("action=\"{remove}\"")), "{}", asked.html);
    assert!(stored_slack(&app).await.is_some(), "nothing removed before it is confirmed");
    let removed = browser.post(&remove, &[("csrf", &csrf), ("confirmed", "yes")]).await;
    assert_eq!(removed.status, 303);
    assert!(stored_slack(&app).await.is_none());
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_strict_and_pages_allow_no_inline_code() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::new(&app.base);
    let answer = browser.sign_in(&app.owner.public_key, &app.owner.private_key).await;
    let cookie = answer
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("atlas_console_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age=43200"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP here; Secure is set under TLS");
    let page = browser.get(&integrations(&app)).await;
    let policy = page.headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'none'") && policy.contains("form-action 'self'"));
    assert!(!policy.contains("unsafe-inline"));
    assert!(!page.html.contains("<script") && !page.html.contains("style=\""), "nothing inline");
    assert_eq!(page.headers["cache-control"], "no-store");
    let css = reqwest::get(format!("{}/console/assets/console.css", app.base)).await.unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
}

#[tokio::test]
async fn without_a_session_every_page_goes_to_sign_in_and_the_api_is_untouched() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::new(&app.base);
    for path in ["/".to_owned(), integrations(&app), format!("/projects/{}/alerts", app.project.id)] {
        let answer = browser.get(&path).await;
        let back: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
        let sign_in = if path == "/" { "/sign-in".to_owned() } else { format!("/sign-in?next={back}") };
        assert_eq!((answer.status, answer.location()), (303, Some(sign_in.as_str())), "{path}");
    }
    browser.set_cookie("atlas_console_session", "made-up");
    let forged = browser.get("/").await;
    assert_eq!(forged.location(), Some("/sign-in?ended=expired"));
    assert!(browser.session().is_none(), "the unknown cookie is cleared");
    let api = reqwest::get(format!("{}/api/atlas/v2/groups/{}/integrations", app.base, app.project.id))
        .await
        .unwrap();
    assert_eq!(api.status(), 401, "the API still asks for Digest");
}

#[tokio::test]
async fn a_form_without_its_sessions_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let other = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let others_token = other.get("/").await.csrf();
    let target = format!("{}/SLACK", integrations(&app));
    let fields = [("apiToken", SLACK_TOKEN), ("channelName", "ops")];
    let without = browser.post(&target, &fields).await;
    assert_eq!(without.status, 403);
    assert!(without.html.contains("security token"), "{}", without.html);
    let mut with_others = fields.to_vec();
    with_others.push(("csrf", &others_token));
    assert_eq!(browser.post(&target, &with_others).await.status, 403);
    assert!(stored_slack(&app).await.is_none());

    let sign_in = ConsoleClient::new(&app.base);
    let forged = sign_in
        .post(
            "/sign-in",
            &[
                ("csrf", "0".repeat(64).as_str()),
                ("credential_id", &app.owner.public_key),
                ("credential_secret", &app.owner.private_key),
            ],
        )
        .await;
    assert_eq!(forged.status, 403, "a sign-in form from elsewhere is refused");
    assert!(sign_in.session().is_none());
}

#[tokio::test]
async fn a_read_only_key_sees_no_save_button_and_is_refused_if_it_posts_anyway() {
    let app = TestApp::spawn().await;
    let reader = app.key(KeyGrant::Project(app.project.id, ProjectRole::GroupReadOnly)).await;
    let browser = ConsoleClient::signed_in(&app.base, &reader.public_key, &reader.private_key).await;
    let page = browser.get(&format!("{}/SLACK", integrations(&app))).await;
    assert_eq!(page.status, 200);
    assert!(!page.html.contains("-save\""), "no Save button");
    assert!(page.html.contains("Read only"));
    let refused = browser
        .post(
            &format!("{}/SLACK", integrations(&app)),
            &[("csrf", &page.csrf()), ("apiToken", SLACK_TOKEN), ("channelName", "ops")],
        )
        .await;
    assert_eq!(refused.status, 401);
    assert!(
        refused.html.contains("not authorized") || refused.html.contains("Unauthorized"),
        "{}",
        refused.html
    );
    assert!(stored_slack(&app).await.is_none());

    let elsewhere = admin::create_project(app.store.as_ref(), "not theirs", None).await.unwrap();
    let hidden = browser.get(&format!("/projects/{}/integrations", elsewhere.id)).await;
    assert_eq!(hidden.status, 401);
    assert!(!browser.get("/").await.html.contains("not theirs"));
}

#[tokio::test]
async fn a_refused_value_is_shown_next_to_its_field_in_words() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let csrf = browser.get("/").await.csrf();
    let long = "c".repeat(81);
    let refused = browser
        .post(
            &format!("{}/SLACK", integrations(&app)),
            &[("csrf", &csrf), ("apiToken", SLACK_TOKEN), ("channelName", &long)],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("id=\"SLACK-channelName-error\""), "{}", refused.html);
    assert!(refused.html.contains("at most 80 characters"));
    assert!(!refused.html.contains(SLACK_TOKEN), "a typed secret is not echoed back");
    let missing = browser
        .post(&format!("{}/PAGER_DUTY", integrations(&app)), &[("csrf", &csrf), ("serviceKey", "")])
        .await;
    assert_eq!(missing.status, 422);
    assert!(
        missing.html.contains("id=\"PAGER_DUTY-serviceKey-error\"")
            && missing.html.contains("serviceKey is required")
    );
    assert!(stored_slack(&app).await.is_none());
}

#[tokio::test]
async fn wrong_credentials_are_refused_in_words_and_begin_no_session() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::new(&app.base);
    let wrong = browser.sign_in(&app.owner.public_key, "00000000-0000-0000-0000-000000000000").await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.html.contains("id=\"sign-in-error\"") && wrong.html.contains("wrong"), "{}", wrong.html);
    assert!(!wrong.html.contains("00000000-0000-0000-0000-000000000000"));
    assert!(browser.session().is_none());
    let unknown = browser.sign_in("mdb_sa_id_000000000000000000000000", "mdb_sa_sk_nope").await;
    assert_eq!(unknown.status, 401);
    assert!(browser.session().is_none());
}

#[tokio::test]
async fn signing_out_or_revoking_the_key_ends_the_session_at_once() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let stolen = browser.session().unwrap();
    let csrf = browser.get("/").await.csrf();
    let out = browser.post("/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.location(), Some("/sign-in?ended=signed-out"));
    assert!(browser.session().is_none());
    let replay = ConsoleClient::new(&app.base);
    replay.set_cookie("atlas_console_session", &stolen);
    assert_eq!(replay.get("/").await.status, 303, "the old cookie opens nothing");

    let key = app.key(KeyGrant::Project(app.project.id, ProjectRole::GroupOwner)).await;
    let browser = ConsoleClient::signed_in(&app.base, &key.public_key, &key.private_key).await;
    assert_eq!(browser.get("/").await.status, 200);
    app.store.revoke_api_key(&key.public_key).await.unwrap();
    let after = browser.get(&integrations(&app)).await;
    let back: String = url::form_urlencoded::byte_serialize(integrations(&app).as_bytes()).collect();
    assert_eq!(after.location(), Some(format!("/sign-in?ended=revoked&next={back}").as_str()));
    assert!(browser.session().is_none());
}

#[tokio::test]
async fn a_service_account_signs_in_and_deleting_its_secret_ends_the_session() {
    let app = TestApp::spawn().await;
    let (account, secret) = app.project_service_account("Console user", ProjectRole::GroupOwner).await;
    let browser = ConsoleClient::signed_in(&app.base, &account.client_id(), secret.secret.expose()).await;
    let page = browser.get(&format!("{}/SLACK", integrations(&app))).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains(&account.client_id()) && page.html.contains("-save\""));
    let saved = browser
        .post(
            &format!("{}/SLACK", integrations(&app)),
            &[("csrf", &page.csrf()), ("apiToken", SLACK_TOKEN), ("channelName", "bots")],
        )
        .await;
    assert_eq!(saved.status, 303);
    assert_eq!(stored_slack(&app).await.unwrap()["channelName"], "bots");
    app.store.delete_service_account_secret(account.id, secret.id).await.unwrap();
    assert_eq!(browser.get("/").await.location(), Some("/sign-in?ended=revoked"));
}

#[tokio::test]
async fn a_session_unused_for_an_hour_or_begun_twelve_hours_ago_has_ended() {
    let app = TestApp::spawn().await;
    let idle = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let old = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let hash = |browser: &ConsoleClient| {
        atlas_integrations::domain::console_session::session_id(&browser.session().unwrap())
    };
    let (idle_id, old_id) = (hash(&idle), hash(&old));
    app.database
        .execute(&format!("UPDATE console_sessions SET seen_ms = seen_ms - 3600000 WHERE id = '{idle_id}'"))
        .await;
    app.database
        .execute(&format!(
            "UPDATE console_sessions SET created_ms = created_ms - 43200000, seen_ms = seen_ms - 60000 WHERE id = '{old_id}'"
        ))
        .await;
    for browser in [&idle, &old] {
        assert_eq!(browser.get("/").await.location(), Some("/sign-in?ended=expired"));
        assert!(browser.session().is_none());
    }
    assert_eq!(app.store.find_session(&idle_id).await.unwrap(), None, "an ended session is deleted");
}

#[tokio::test]
async fn a_session_holds_on_another_replica_and_after_a_restart() {
    let mut app = TestApp::spawn().await;
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let cookie = browser.session().unwrap();
    let replica = app.replica().await;
    let there = ConsoleClient::new(&replica.base);
    there.set_cookie("atlas_console_session", &cookie);
    let page = there.get(&integrations(&app)).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.csrf(), browser.get("/").await.csrf(), "every replica computes the same form token");
    app.restart().await;
    let after = ConsoleClient::new(&app.base);
    after.set_cookie("atlas_console_session", &cookie);
    assert_eq!(after.get("/").await.status, 200);
}

#[tokio::test]
async fn an_alert_shows_its_notification_log_and_can_be_acknowledged_and_closed() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let body = json!({"eventTypeName": "HOST_DOWN", "enabled": true,
        "notifications": [{"typeName": "WEBHOOK", "webhookUrl": receiver.url, "delayMin": 0, "intervalMin": 60}]});
    assert_eq!(
        app.owner()
            .post(&format!("/api/atlas/v2/groups/{}/alertConfigs", app.project.id), &body)
            .await
            .status,
        200
    );
    let observation = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-0.example.net:27017"});
    let raised = app
        .owner()
        .post(&format!("/api/atlas/v2/groups/{}/alerts", app.project.id), &observation)
        .await
        .json();
    let alert = raised["results"][0]["id"].as_str().unwrap().to_owned();
    receiver.wait_for(1, Duration::from_secs(10)).await;

    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let list = browser.get(&format!("/projects/{}/alerts", app.project.id)).await;
    assert!(list.html.contains(&format!("id=\"alert-{alert}\"")));
    let mut page = browser.get(&format!("/projects/{}/alerts/{alert}", app.project.id)).await;
    for _ in 0..100 {
        if page.html.contains("DELIVERED") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        page = browser.get(&format!("/projects/{}/alerts/{alert}", app.project.id)).await;
    }
    assert!(
        page.html.contains("id=\"notification-log\"") && page.html.contains("DELIVERED"),
        "{}",
        page.html
    );
    let path = format!("/projects/{}/alerts/{alert}", app.project.id);
    let log = app
        .owner()
        .get(&format!("/api/atlas/v2/groups/{}/alerts/{alert}/notifications", app.project.id))
        .await;
    let notification = log.json()["results"][0]["id"].as_str().unwrap().to_owned();
    assert!(
        page.html.contains(&format!("id=\"redeliver-{notification}\"")),
        "a delivered one can be sent again"
    );
    let without_token = browser.post(&format!("{path}/notifications/{notification}/redeliver"), &[]).await;
    assert_eq!(without_token.status, 403, "no change without the form's token");
    let again = browser
        .post(&format!("{path}/notifications/{notification}/redeliver"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(again.status, 303, "{}", again.html);
    let second = receiver.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(second.len(), 2, "sent again");
    assert_eq!(second[1].header("webhook-id").as_deref(), Some(notification.as_str()));
    let acked = browser
        .post(&format!("{path}/acknowledge"), &[("csrf", &page.csrf()), ("hours", "4"), ("comment", "on it")])
        .await;
    assert_eq!(acked.status, 303, "{}", acked.html);
    let api =
        app.owner().get(&format!("/api/atlas/v2/groups/{}/alerts/{alert}", app.project.id)).await.json();
    assert_eq!(api["acknowledgementComment"], "on it");
    let asked = browser.post(&format!("{path}/close"), &[("csrf", &page.csrf())]).await;
    assert!(asked.html.contains("Close the HOST_DOWN alert?"), "{}", asked.html);
    let open =
        app.owner().get(&format!("/api/atlas/v2/groups/{}/alerts/{alert}", app.project.id)).await.json();
    assert_eq!(open["status"], "OPEN", "nothing closed before it is confirmed");
    let closed =
        browser.post(&format!("{path}/close"), &[("csrf", &page.csrf()), ("confirmed", "yes")]).await;
    assert_eq!(closed.status, 303);
    let api =
        app.owner().get(&format!("/api/atlas/v2/groups/{}/alerts/{alert}", app.project.id)).await.json();
    assert_eq!(api["status"], "CLOSED");

    let configs = browser.get(&format!("/projects/{}/alert-configs", app.project.id)).await;
    assert!(configs.html.contains("Host down") && configs.html.contains("Disable"));
    let config = api["alertConfigId"].as_str().unwrap();
    let off = browser
        .post(
            &format!("/projects/{}/alert-configs/{config}/enabled", app.project.id),
            &[("csrf", &configs.csrf()), ("enabled", "false")],
        )
        .await;
    assert_eq!(off.status, 303);
    let stored = app
        .owner()
        .get(&format!("/api/atlas/v2/groups/{}/alertConfigs/{config}", app.project.id))
        .await
        .json();
    assert_eq!(stored["enabled"], false);
}

#[tokio::test]
async fn what_a_project_is_called_is_shown_as_text_never_as_markup() {
    let app = TestApp::spawn().await;
    // Names are checked for their characters now; a database may hold one made before.
    let hostile =
        app.store.create_project("<script>alert(1)</script>", Some(app.project.org_id)).await.unwrap();
    let key = app.key(KeyGrant::Project(hostile.id, ProjectRole::GroupOwner)).await;
    let browser = ConsoleClient::signed_in(&app.base, &key.public_key, &key.private_key).await;
    let home = browser.get("/").await;
    assert!(!home.html.contains("<script>alert(1)"));
    assert!(
        home.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || home.html.contains("&#60;script&#62;"),
        "{}",
        home.html
    );
}

#[tokio::test]
async fn a_console_path_with_control_characters_is_refused_not_an_error() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    for path in [
        "/projects/abc%0d%0aSet-Cookie:%20x=1".to_owned(),
        format!("/projects/{}%0d%0a/integrations", app.project.id),
        format!("/projects/{}/alerts/abc%0a", app.project.id),
        "/sign-in%0d%0a".to_owned(),
    ] {
        let page = browser.get(&path).await;
        assert!((400..500).contains(&page.status), "{path}: {} {}", page.status, page.html);
    }
    let signed_out = ConsoleClient::new(&app.base);
    let page = signed_out.get("/projects/x%0d%0ay").await;
    assert!((300..500).contains(&page.status), "{}", page.status);
    assert!(page.location().is_none_or(|to| !to.contains('\r') && !to.contains('\n')));
}

#[tokio::test]
async fn webhook_templates_are_previewed_on_a_sample_alert_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let page = browser.get(&format!("{}/WEBHOOK", integrations(&app))).await;
    assert!(page.html.contains("<textarea id=\"WEBHOOK-bodyTemplate\""), "templates are multi-line");
    assert!(page.html.contains("id=\"WEBHOOK-preview\""));
    let csrf = page.csrf();
    let body = r#"{"text": "${humanReadable} on ${clusterName} (${eventType})"}"#;
    let headers = r#"{"X-Team": "${replicaSetName}", "Content-Type": "text/plain"}"#;
    let preview = format!("{}/WEBHOOK/preview", integrations(&app));
    let fields = [
        ("csrf", csrf.as_str()),
        ("url", "https://hooks.example.com/x"),
        ("bodyTemplate", body),
        ("headersTemplate", headers),
    ];
    let shown = browser.post(&preview, &fields).await;
    assert_eq!(shown.status, 200, "{}", shown.html);
    assert!(shown.html.contains("id=\"WEBHOOK-preview-result\""), "{}", shown.html);
    assert!(
        shown.html.contains(r"are \&#34;250\&#34; on Cluster0 (alert.open)"),
        "rendered, escaped: {}",
        shown.html
    );
    assert!(shown.html.contains("x-team: Cluster0-shard-0"), "{}", shown.html);
    assert!(shown.html.contains("may not set content-type"), "the reserved header is named: {}", shown.html);
    assert!(shown.html.contains("${humanReadable} on ${clusterName}"), "what was typed is kept");
    assert_eq!(app.owner().get(&app.v2("WEBHOOK")).await.status, 404, "a preview saves nothing");

    let broken = [("csrf", csrf.as_str()), ("bodyTemplate", "{\"text\": ${humanReadable")];
    let shown = browser.post(&preview, &broken).await;
    assert!(shown.html.contains("the body template was not used"), "{}", shown.html);
    assert!(
        shown.html.contains("&#34;eventTypeName&#34;: &#34;OUTSIDE_METRIC_THRESHOLD&#34;"),
        "the default body"
    );
}

#[tokio::test]
async fn signing_in_returns_to_the_page_asked_for_and_never_to_another_site() {
    let app = TestApp::spawn().await;
    let (id, secret) = (app.owner.public_key.as_str(), app.owner.private_key.as_str());
    let browser = ConsoleClient::new(&app.base);
    let wanted = format!("/projects/{}/alerts?status=OPEN", app.project.id);
    let sent = browser.get(&wanted).await;
    assert_eq!(sent.status, 303);
    let encoded: String = url::form_urlencoded::byte_serialize(wanted.as_bytes()).collect();
    assert_eq!(sent.location(), Some(format!("/sign-in?next={encoded}").as_str()));
    let form = browser.get(sent.location().unwrap()).await;
    assert!(form.html.contains("name=\"next\""), "{}", form.html);
    let fields = [
        ("csrf", form.csrf()),
        ("credential_id", id.into()),
        ("credential_secret", secret.into()),
        ("next", wanted.clone()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let signed = browser.post("/sign-in", &fields).await;
    assert_eq!((signed.status, signed.location()), (303, Some(wanted.as_str())));
    assert_eq!(browser.get(&wanted).await.status, 200, "the page asked for, signed in");

    for elsewhere in ["https://evil.example/", "//evil.example/x", "/\\evil.example", "/sign-out"] {
        let other = ConsoleClient::new(&app.base);
        let encoded: String = url::form_urlencoded::byte_serialize(elsewhere.as_bytes()).collect();
        let form = other.get(&format!("/sign-in?next={encoded}")).await;
        assert!(!form.html.contains("name=\"next\""), "{elsewhere} is not carried: {}", form.html);
        let csrf = form.csrf();
        let fields = [
            ("csrf", csrf.as_str()),
            ("credential_id", id),
            ("credential_secret", secret),
            ("next", elsewhere),
        ];
        let signed = other.post("/sign-in", &fields).await;
        assert_eq!((signed.status, signed.location()), (303, Some("/")), "{elsewhere}");
    }
}

#[tokio::test]
async fn a_notifications_link_opens_the_alerts_console_page_under_the_public_url_after_sign_in() {
    let public = "https://atlas.example.com";
    let app =
        TestApp::spawn_tuned(Tuning { public_url: Some(format!("{public}/")), ..Tuning::default() }).await;
    let receiver = Receiver::start().await;
    let config = json!({"eventTypeName": "HOST_DOWN", "enabled": true,
        "notifications": [{"typeName": "MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl": receiver.url}]});
    let created =
        app.owner().post(&format!("/api/atlas/v2/groups/{}/alertConfigs", app.project.id), &config).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let observation = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-0.example.net:27017"});
    let raised =
        app.owner().post(&format!("/api/atlas/v2/groups/{}/alerts", app.project.id), &observation).await;
    let alert = raised.json()["results"][0]["id"].as_str().unwrap().to_owned();

    let card = receiver.wait_for(1, Duration::from_secs(10)).await[0].json();
    let link = card["attachments"][0]["content"]["actions"][0]["url"].as_str().unwrap().to_owned();
    let page = format!("/projects/{}/alerts/{alert}", app.project.id);
    assert_eq!(link, format!("{public}{page}"), "the console's page, under the public URL");

    let browser = ConsoleClient::new(&app.base);
    let sent = browser.get(&page).await;
    let form = browser.get(sent.location().expect("signed out, to sign in")).await;
    let fields = [
        ("csrf", form.csrf()),
        ("credential_id", app.owner.public_key.clone()),
        ("credential_secret", app.owner.private_key.clone()),
        ("next", page.clone()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let signed = browser.post("/sign-in", &fields).await;
    assert_eq!(signed.location(), Some(page.as_str()));
    let shown = browser.get(&page).await;
    assert_eq!(shown.status, 200);
    assert!(shown.html.contains(&alert) && shown.html.contains("db-0.example.net:27017"), "{}", shown.html);
}

#[tokio::test]
async fn an_alerts_page_shows_its_severity_target_metric_against_the_threshold_and_configuration() {
    let app = TestApp::spawn().await;
    let config = json!({"eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "enabled": true, "severityOverride": "CRITICAL",
        "metricThreshold": {"metricName": "CONNECTIONS", "operator": "GREATER_THAN", "threshold": 100, "units": "RAW"},
        "notifications": [{"typeName": "EMAIL", "emailAddress": "ops@example.com"}]});
    let created =
        app.owner().post(&format!("/api/atlas/v2/groups/{}/alertConfigs", app.project.id), &config).await;
    let config_id = created.json()["id"].as_str().unwrap().to_owned();
    let observation = json!({"eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "hostnameAndPort": "db-0.example.net:27017",
        "clusterName": "Cluster0", "replicaSetName": "rs0", "metricName": "CONNECTIONS",
        "currentValue": {"number": 250, "units": "RAW"}});
    let raised =
        app.owner().post(&format!("/api/atlas/v2/groups/{}/alerts", app.project.id), &observation).await;
    let alert = raised.json()["results"][0]["id"].as_str().unwrap().to_owned();

    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let page = browser.get(&format!("/projects/{}/alerts/{alert}", app.project.id)).await;
    assert_eq!(page.status, 200);
    for shown in [
        "<dd id=\"severity\">CRITICAL</dd>",
        "<dd id=\"host\">db-0.example.net:27017</dd>",
        "<dd id=\"cluster\">Cluster0</dd>",
        "<dd id=\"replica-set\">rs0</dd>",
        "<dd id=\"metric\">CONNECTIONS 250 RAW (threshold: above 100 RAW)</dd>",
        ">just now</time>",
    ] {
        assert!(page.html.contains(shown), "{shown} in {}", page.html);
    }
    let link = format!("href=\"/projects/{}/alert-configs#config-{config_id}\"", app.project.id);
    assert!(page.html.contains(&link), "its configuration, linked: {}", page.html);
    let list = browser.get(&format!("/projects/{}/alerts", app.project.id)).await;
    assert!(list.html.contains("severity-CRITICAL") && list.html.contains("status-OPEN"), "{}", list.html);
}

#[tokio::test]
async fn deleting_an_alert_configuration_asks_first_and_then_deletes_it() {
    let app = TestApp::spawn().await;
    let configs = format!("/api/atlas/v2/groups/{}/alertConfigs", app.project.id);
    let body = json!({"eventTypeName": "HOST_DOWN", "enabled": true,
        "notifications": [{"typeName": "EMAIL", "emailAddress": "ops@example.com"}]});
    let id = app.owner().post(&configs, &body).await.json()["id"].as_str().unwrap().to_owned();
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let page = browser.get(&format!("/projects/{}/alert-configs", app.project.id)).await;
    assert!(page.html.contains(&format!("id=\"delete-{id}\"")), "{}", page.html);
    let delete = format!("/projects/{}/alert-configs/{id}/delete", app.project.id);
    let asked = browser.post(&delete, &[("csrf", &page.csrf())]).await;
    assert_eq!(asked.status, 200);
    assert!(asked.html.contains("Delete the “Host down” alert configuration?"), "{}", asked.html);
    assert_eq!(app.owner().get(&format!("{configs}/{id}")).await.status, 200, "nothing deleted yet");
    let deleted = browser.post(&delete, &[("csrf", &page.csrf()), ("confirmed", "yes")]).await;
    assert_eq!(deleted.status, 303);
    app.owner().get(&format!("{configs}/{id}")).await.assert_error(404, "ALERT_CONFIG_NOT_FOUND");
    let reader = app.key(KeyGrant::Project(app.project.id, ProjectRole::GroupReadOnly)).await;
    let reading = ConsoleClient::signed_in(&app.base, &reader.public_key, &reader.private_key).await;
    let csrf = reading.get("/").await.csrf();
    let refused = reading.post(&delete, &[("csrf", &csrf), ("confirmed", "yes")]).await;
    assert_eq!(refused.status, 401, "a read-only key may not delete");
}
