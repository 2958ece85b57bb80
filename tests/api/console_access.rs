//! The console's Access page over HTTP: a project's keys and service accounts with their
//! roles; a key or an account created with its secret shown once and working at once; a role
//! changed, an access list entry added and removed, access revoked, each through the API's
//! store calls, Remove and Revoke asked first; readers see and change nothing.

use atlas_integrations::admin::KeyGrant;
use atlas_integrations::domain::api_key::ProjectRole;

use crate::helpers::{ConsoleClient, Credentials, Page, TestApp};

fn access(app: &TestApp) -> String {
    format!("/projects/{}/access", app.project.id)
}

/// The text of the element with `id` (a `<code>` the page fills in).
fn text_of(page: &Page, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = page.html.find(&marker).unwrap_or_else(|| panic!("no {id}: {}", page.html)) + marker.len();
    page.html[start..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn an_owner_creates_a_key_shown_once_changes_its_role_and_access_list_and_revokes_it() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let page = browser.get(&access(&app)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.html.contains(&app.owner.public_key) && page.html.contains("Project owner"),
        "{}",
        page.html
    );
    assert!(page.html.contains(">You<"), "the signed-in key is marked");

    let refused = browser
        .submit(&format!("{}/keys", access(&app)), &page, &[("description", ""), ("role", "GROUP_READ_ONLY")])
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.html.contains("The description must have 1 to 250 characters."), "{}", refused.html);

    let created = browser
        .submit(
            &format!("{}/keys", access(&app)),
            &page,
            &[("description", "CI <pipeline>"), ("role", "GROUP_READ_ONLY")],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.html);
    assert!(
        created.html.contains("shown on this page only") && created.html.contains("CI &#60;pipeline&#62;")
    );
    let key = Credentials {
        public_key: text_of(&created, "created-id"),
        private_key: text_of(&created, "created-secret"),
    };
    let integrations = format!("/api/atlas/v2/groups/{}/integrations", app.project.id);
    assert_eq!(app.client(&key).get(&integrations).await.status, 200, "the new key works at once");

    let listed = browser.get(&access(&app)).await;
    assert!(
        listed.html.contains(&key.public_key) && !listed.html.contains(&key.private_key),
        "never shown again"
    );
    let api_keys = app.owner().get(&format!("/api/atlas/v2/groups/{}/apiKeys", app.project.id)).await.json();
    let made = api_keys["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["publicKey"] == key.public_key.as_str())
        .unwrap()
        .clone();
    let id = made["id"].as_str().unwrap().to_owned();
    let holder = format!("{}/keys/{id}", access(&app));

    let owner = browser.submit(&format!("{holder}/role"), &listed, &[("role", "GROUP_OWNER")]).await;
    assert_eq!(owner.status, 303, "{}", owner.html);
    let api_keys = app.owner().get(&format!("/api/atlas/v2/groups/{}/apiKeys", app.project.id)).await.json();
    let roles =
        api_keys["results"].as_array().unwrap().iter().find(|k| k["id"] == id.as_str()).unwrap()["roles"]
            .clone();
    assert!(
        roles.to_string().contains("GROUP_OWNER") && !roles.to_string().contains("GROUP_READ_ONLY"),
        "{roles}"
    );

    let bad = browser.submit(&format!("{holder}/access-list"), &listed, &[("entry", "not an address")]).await;
    assert_eq!(bad.status, 400);
    assert!(bad.html.contains(&format!("id=\"{id}-error\"")) && bad.html.contains("neither an IP address"));
    let added = browser.submit(&format!("{holder}/access-list"), &listed, &[("entry", "127.0.0.0/8")]).await;
    assert_eq!(added.status, 303);
    let entries = app
        .client(&key)
        .get(&format!("/api/atlas/v2/orgs/{}/apiKeys/{id}/accessList", app.project.org_id))
        .await;
    assert!(entries.text().contains("127.0.0.0/8"), "{}", entries.text());
    let asked =
        browser.submit(&format!("{holder}/access-list/remove"), &listed, &[("entry", "127.0.0.0/8")]).await;
    assert!(asked.html.contains("Remove 127.0.0.0/8 from the access list"), "{}", asked.html);
    assert!(
        asked.html.contains("name=\"entry\" value=\"127.0.0.0/8\""),
        "the confirmation carries the entry"
    );
    let removed = browser
        .submit(
            &format!("{holder}/access-list/remove"),
            &listed,
            &[("entry", "127.0.0.0/8"), ("confirmed", "yes")],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert!(!browser.get(&access(&app)).await.html.contains("127.0.0.0/8"));

    let asked = browser.submit(&format!("{holder}/revoke"), &listed, &[]).await;
    assert_eq!(asked.status, 200);
    assert!(
        asked.html.contains("Revoke the access of the API key “CI &#60;pipeline&#62;”"),
        "{}",
        asked.html
    );
    assert_eq!(
        app.client(&key).get(&integrations).await.status,
        200,
        "nothing revoked before it is confirmed"
    );
    let revoked = browser.submit(&format!("{holder}/revoke"), &listed, &[("confirmed", "yes")]).await;
    assert_eq!(revoked.status, 303);
    assert_eq!(app.client(&key).get(&integrations).await.status, 401, "revoked at once");
    assert!(!browser.get(&access(&app)).await.html.contains(&key.public_key));
    let again = browser.submit(&format!("{holder}/revoke"), &listed, &[("confirmed", "yes")]).await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn an_owner_creates_a_service_account_whose_secret_is_shown_once_and_signs_in() {
    let app = TestApp::spawn().await;
    let browser = ConsoleClient::signed_in(&app.base, &app.owner.public_key, &app.owner.private_key).await;
    let page = browser.get(&access(&app)).await;
    let path = format!("{}/accounts", access(&app));
    let refused = browser
        .submit(
            &path,
            &page,
            &[("name", ""), ("description", "kept"), ("role", "GROUP_OWNER"), ("hours", "24")],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.html.contains("The name must have 1 to 64 characters."), "{}", refused.html);
    assert!(refused.html.contains("value=\"kept\""), "what was typed stays");

    let created = browser
        .submit(
            &path,
            &page,
            &[
                ("name", "alertmanager"),
                ("description", "Sends alerts"),
                ("role", "GROUP_OWNER"),
                ("hours", "24"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.html);
    let (client_id, secret) = (text_of(&created, "created-id"), text_of(&created, "created-secret"));
    assert!(client_id.starts_with("mdb_sa_id_") && secret.starts_with("mdb_sa_sk_"));
    let account = ConsoleClient::signed_in(&app.base, &client_id, &secret).await;
    assert_eq!(account.get(&access(&app)).await.status, 200, "the account reaches the project");
    let listed = browser.get(&access(&app)).await;
    assert!(listed.html.contains(&client_id) && !listed.html.contains(&secret));
    assert!(
        listed.html.contains("expires in 23 hours") || listed.html.contains("expires in 1 day"),
        "{}",
        listed.html
    );
}

#[tokio::test]
async fn a_reader_sees_who_has_access_but_no_forms_and_its_posts_change_nothing() {
    let app = TestApp::spawn().await;
    let reader = app.key(KeyGrant::Project(app.project.id, ProjectRole::GroupReadOnly)).await;
    let browser = ConsoleClient::signed_in(&app.base, &reader.public_key, &reader.private_key).await;
    let page = browser.get(&access(&app)).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains(&app.owner.public_key) && page.html.contains("Project read only"));
    assert!(!page.html.contains("id=\"create-key\"") && !page.html.contains("-revoke\""));
    let refused = browser
        .submit(&format!("{}/keys", access(&app)), &page, &[("description", "mine"), ("role", "GROUP_OWNER")])
        .await;
    assert_eq!(refused.status, 401);
    let keys = app.owner().get(&format!("/api/atlas/v2/groups/{}/apiKeys", app.project.id)).await.json();
    assert!(!keys.to_string().contains("\"mine\""));
}
