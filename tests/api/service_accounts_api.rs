//! The Service Accounts resource of Atlas's v2 API, over HTTP with Digest keys: an
//! organization's and a project's accounts, their secrets (shown once, two at most), access
//! lists and projects, `:invite`, the roles each operation needs, and the system status.

use atlas_integrations::admin::KeyGrant;
use atlas_integrations::domain::api_key::OrgRole;
use serde_json::{Value, json};

use crate::helpers::TestApp;

const MEDIA: &str = "application/vnd.atlas.2024-08-05+json";

fn org_path(app: &TestApp, suffix: &str) -> String {
    format!("/api/atlas/v2/orgs/{}/serviceAccounts{suffix}", app.project.org_id)
}

fn group_path(app: &TestApp, suffix: &str) -> String {
    format!("/api/atlas/v2/groups/{}/serviceAccounts{suffix}", app.project.id)
}

fn new_account(roles: Value) -> Value {
    json!({"name": "Deploy bot", "description": "deploys integrations", "roles": roles, "secretExpiresAfterHours": 8})
}

#[tokio::test]
async fn an_organization_owner_manages_accounts_secrets_and_access_lists() {
    let app = TestApp::spawn().await;
    let owner = app.client(&app.key(KeyGrant::Organization(app.project.org_id, OrgRole::OrgOwner)).await);

    let created = owner.post(&org_path(&app, ""), &new_account(json!(["ORG_READ_ONLY"]))).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let answered = format!("{MEDIA};charset=utf-8");
    assert_eq!(created.header("content-type"), Some(answered), "charset named as on every versioned answer");
    let account = created.json();
    let client_id = account["clientId"].as_str().unwrap().to_owned();
    assert!(client_id.starts_with("mdb_sa_id_"));
    assert_eq!(account["roles"], json!(["ORG_READ_ONLY"]));
    let first = &account["secrets"][0];
    let secret = first["secret"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("mdb_sa_sk_")
            && first["maskedSecretValue"].as_str().unwrap().ends_with(&secret[54..])
    );

    let one = format!("/{client_id}");
    let fetched = owner.get(&org_path(&app, &one)).await;
    assert_eq!(fetched.status, 200);
    assert!(fetched.json()["secrets"][0].get("secret").is_none(), "shown once");
    assert!(!fetched.text().contains(&secret));
    let listed = owner.get(&org_path(&app, "")).await.json();
    assert_eq!(listed["totalCount"], 1);

    let patched =
        owner.patch(&org_path(&app, &one), &json!({"name": "Renamed", "roles": ["ORG_MEMBER"]})).await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    assert_eq!(
        (patched.json()["name"].clone(), patched.json()["roles"].clone()),
        (json!("Renamed"), json!(["ORG_MEMBER"]))
    );

    let second =
        owner.post(&org_path(&app, &format!("{one}/secrets")), &json!({"secretExpiresAfterHours": 24})).await;
    assert_eq!(second.status, 201, "{}", second.text());
    assert!(second.json()["secret"].as_str().unwrap().starts_with("mdb_sa_sk_"));
    let third =
        owner.post(&org_path(&app, &format!("{one}/secrets")), &json!({"secretExpiresAfterHours": 24})).await;
    assert_eq!(third.status, 409, "two secrets at most: {}", third.text());
    let first_id = first["id"].as_str().unwrap();
    assert_eq!(owner.delete(&org_path(&app, &format!("{one}/secrets/{first_id}"))).await.status, 204);
    assert_eq!(owner.delete(&org_path(&app, &format!("{one}/secrets/{first_id}"))).await.status, 404);

    let entries = json!([{"ipAddress": "203.0.113.7"}, {"cidrBlock": "198.51.100.0/24"}]);
    let added = owner.post(&org_path(&app, &format!("{one}/accessList")), &entries).await;
    assert_eq!(added.status, 200, "{}", added.text());
    let added = added.json();
    assert_eq!(added["totalCount"], 2);
    assert!(added["results"].as_array().unwrap().iter().any(|e| e["ipAddress"] == "203.0.113.7"));
    let both = json!([{"ipAddress": "203.0.113.8", "cidrBlock": "203.0.113.0/24"}]);
    assert_eq!(owner.post(&org_path(&app, &format!("{one}/accessList")), &both).await.status, 400);
    let removed = owner.delete(&org_path(&app, &format!("{one}/accessList/198.51.100.0%2F24"))).await;
    assert_eq!(removed.status, 204, "{}", removed.text());
    assert_eq!(owner.get(&org_path(&app, &format!("{one}/accessList"))).await.json()["totalCount"], 1);

    assert_eq!(owner.delete(&org_path(&app, &one)).await.status, 204);
    let gone = owner.get(&org_path(&app, &one)).await;
    assert_eq!((gone.status, gone.json()["errorCode"].clone()), (404, json!("SERVICE_ACCOUNT_NOT_FOUND")));
}

#[tokio::test]
async fn a_project_owner_creates_and_unassigns_project_accounts_and_an_org_owner_invites() {
    let app = TestApp::spawn().await;
    let project_owner = app.owner();
    let created = project_owner.post(&group_path(&app, ""), &new_account(json!(["GROUP_READ_ONLY"]))).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let client_id = created.json()["clientId"].as_str().unwrap().to_owned();
    assert_eq!(created.json()["roles"], json!(["GROUP_READ_ONLY"]));
    let one = format!("/{client_id}");
    assert_eq!(project_owner.get(&group_path(&app, "")).await.json()["totalCount"], 1);
    let patched = project_owner.patch(&group_path(&app, &one), &json!({"roles": ["GROUP_OWNER"]})).await;
    assert_eq!(patched.json()["roles"], json!(["GROUP_OWNER"]));

    let org_owner = app.client(&app.key(KeyGrant::Organization(app.project.org_id, OrgRole::OrgOwner)).await);
    let in_org = org_owner.get(&org_path(&app, &one)).await.json();
    assert_eq!(
        in_org["roles"],
        json!(["ORG_MEMBER"]),
        "a project's account joins its organization as a member"
    );
    let groups = org_owner.get(&org_path(&app, &format!("{one}/groups"))).await.json();
    assert_eq!(groups["results"], json!([{"groupId": app.project.id.to_string(), "roles": ["GROUP_OWNER"]}]));

    assert_eq!(project_owner.delete(&group_path(&app, &one)).await.status, 204);
    assert_eq!(project_owner.get(&group_path(&app, &one)).await.status, 404, "unassigned from the project");
    assert_eq!(org_owner.get(&org_path(&app, &one)).await.status, 200, "still in the organization");

    let invite = group_path(&app, &format!("{one}:invite"));
    assert_eq!(
        project_owner.post(&invite, &json!({"roles": ["GROUP_READ_ONLY"]})).await.status,
        401,
        "Organization Owner only"
    );
    let invited = org_owner.post(&invite, &json!({"roles": ["GROUP_READ_ONLY"]})).await;
    assert_eq!(invited.status, 200, "{}", invited.text());
    assert_eq!(invited.json()["roles"], json!(["GROUP_READ_ONLY"]));
    assert_eq!(project_owner.get(&group_path(&app, &one)).await.status, 200);
}

#[tokio::test]
async fn each_operation_needs_the_role_the_spec_names() {
    let app = TestApp::spawn().await;
    let org = app.project.org_id;
    let org_reader = app.client(&app.key(KeyGrant::Organization(org, OrgRole::OrgReadOnly)).await);
    let org_member = app.client(&app.key(KeyGrant::Organization(org, OrgRole::OrgMember)).await);
    let project_reader = app.client(&app.reader);
    let body = new_account(json!(["ORG_MEMBER"]));
    assert_eq!(org_reader.get(&org_path(&app, "")).await.status, 200);
    assert_eq!(org_reader.post(&org_path(&app, ""), &body).await.status, 401);
    assert_eq!(org_member.get(&org_path(&app, "")).await.status, 401);
    assert_eq!(
        app.owner().get(&org_path(&app, "")).await.status,
        401,
        "a project key has no organization role"
    );
    assert_eq!(project_reader.get(&group_path(&app, "")).await.status, 200);
    let project_body = new_account(json!(["GROUP_READ_ONLY"]));
    assert_eq!(project_reader.post(&group_path(&app, ""), &project_body).await.status, 401);
    let elsewhere = format!("/api/atlas/v2/orgs/{}/serviceAccounts", "0123456789abcdef01234567");
    assert_eq!(org_reader.get(&elsewhere).await.status, 401, "another organization");
}

#[tokio::test]
async fn bad_requests_say_what_is_wrong() {
    let app = TestApp::spawn().await;
    let owner = app.client(&app.key(KeyGrant::Organization(app.project.org_id, OrgRole::OrgOwner)).await);
    for (body, code) in [
        (json!({"name": "x", "description": "y", "roles": ["ORG_MEMBER"]}), "MISSING_ATTRIBUTE"),
        (new_account(json!(["ORG_STREAM_PROCESSING_ADMIN"])), "INVALID_ATTRIBUTE"),
        (new_account(json!(["GROUP_OWNER"])), "INVALID_ATTRIBUTE"),
        (new_account(json!([])), "INVALID_ATTRIBUTE"),
        (
            json!({"name": "bad (name)", "description": "y", "roles": ["ORG_MEMBER"], "secretExpiresAfterHours": 8}),
            "INVALID_ATTRIBUTE",
        ),
        (
            json!({"name": "x", "description": "y", "roles": ["ORG_MEMBER"], "secretExpiresAfterHours": 0}),
            "INVALID_ATTRIBUTE",
        ),
        (
            json!({"name": "x", "description": "y", "roles": ["ORG_MEMBER"], "secretExpiresAfterHours": 8, "extra": 1}),
            "INVALID_ATTRIBUTE",
        ),
    ] {
        let refused = owner.post(&org_path(&app, ""), &body).await;
        assert_eq!(refused.status, 400, "{body}: {}", refused.text());
        assert_eq!(refused.json()["errorCode"], code, "{body}");
    }
    assert_eq!(
        owner.get(&org_path(&app, "")).await.json()["totalCount"],
        0,
        "a failed request changes nothing"
    );
    for missing in ["/mdb_sa_id_000000000000000000000000", "/not-a-client-id"] {
        let absent = owner.get(&org_path(&app, missing)).await;
        assert_eq!(absent.json()["errorCode"], "SERVICE_ACCOUNT_NOT_FOUND", "{missing}");
    }
}

#[tokio::test]
async fn the_system_status_names_the_calling_key() {
    let app = TestApp::spawn().await;
    let status = app.owner().get("/api/atlas/v2").await;
    assert_eq!(status.status, 200, "{}", status.text());
    let body = status.json();
    assert_eq!(body["appName"], "MongoDB Atlas");
    assert_eq!(body["throttling"], false);
    assert_eq!(body["apiKey"]["publicKey"], app.owner.public_key.as_str());
    assert_eq!(body["apiKey"]["roles"][0]["roleName"], "GROUP_OWNER");
    assert!(body["build"].is_string());
}
