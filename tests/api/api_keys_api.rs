//! Programmatic API keys over the API: an organization's keys (made with the private key
//! shown once, changed, deleted and refused at once), their access lists, and a project's
//! assignments (made and assigned in one call, an existing key assigned, its roles changed,
//! unassigned), with the roles each operation needs.

use atlas_integrations::admin::KeyGrant;
use atlas_integrations::domain::api_key::{OrgRole, ProjectRole};
use serde_json::{Value, json};

use crate::helpers::{Credentials, TestApp};
use crate::projects_api::org_owner;

fn credentials_of(key: &Value) -> Credentials {
    Credentials {
        public_key: key["publicKey"].as_str().unwrap().to_owned(),
        private_key: key["privateKey"].as_str().unwrap().to_owned(),
    }
}

#[tokio::test]
async fn an_organization_owner_makes_a_key_that_works_at_once_and_stops_at_once_when_deleted() {
    let app = TestApp::spawn().await;
    let owner = org_owner(&app).await;
    let keys = format!("/api/atlas/v2/orgs/{}/apiKeys", app.project.org_id);
    let made = owner.post(&keys, &json!({"desc": "terraform", "roles": ["ORG_READ_ONLY"]})).await;
    assert_eq!(made.status, 200, "{}", made.text());
    let made = made.json();
    let members: Vec<&str> = made.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(members, ["desc", "id", "links", "privateKey", "publicKey", "roles"], "Atlas's order");
    assert_eq!(made["desc"], "terraform");
    assert_eq!(made["publicKey"].as_str().unwrap().len(), 8);
    assert_eq!(
        made["roles"],
        json!([{"orgId": app.project.org_id.to_string(), "roleName": "ORG_READ_ONLY"}])
    );
    let id = made["id"].as_str().unwrap().to_owned();
    let private_key = made["privateKey"].as_str().unwrap().to_owned();

    let reader = app.client(&credentials_of(&made));
    assert_eq!(reader.get(&app.v2("")).await.status, 200, "the new key reads the organization's projects");
    let one = owner.get(&format!("{keys}/{id}")).await;
    assert_eq!(one.status, 200);
    assert!(one.json().get("privateKey").is_none() && !one.text().contains(&private_key), "shown once");
    let listed = owner.get(&keys).await.json();
    assert!(listed["results"].as_array().unwrap().iter().any(|k| k["id"] == id.as_str()), "{listed}");

    let changed =
        owner.patch(&format!("{keys}/{id}"), &json!({"desc": "renamed", "roles": ["ORG_OWNER"]})).await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(changed.json()["desc"], "renamed");
    let webhook = json!({"type": "WEBHOOK", "url": "https://hooks.example.com/a"});
    assert_eq!(reader.post(&app.v2("WEBHOOK"), &webhook).await.status, 200, "ORG_OWNER now writes");

    assert_eq!(owner.delete(&format!("{keys}/{id}")).await.status, 204);
    let refused = reader.get(&app.v2("")).await;
    assert_eq!(refused.status, 401, "a deleted key authenticates nothing, at once");
    owner.get(&format!("{keys}/{id}")).await.assert_error(404, "API_KEY_NOT_FOUND");
}

#[tokio::test]
async fn key_bodies_and_roles_are_checked_and_only_owners_change_keys() {
    let app = TestApp::spawn().await;
    let org = app.project.org_id;
    let owner = org_owner(&app).await;
    let keys = format!("/api/atlas/v2/orgs/{org}/apiKeys");
    owner.post(&keys, &json!({"roles": ["ORG_MEMBER"]})).await.assert_error(400, "MISSING_ATTRIBUTE");
    owner.post(&keys, &json!({"desc": "x", "roles": []})).await.assert_error(400, "INVALID_ATTRIBUTE");
    let project_role = owner.post(&keys, &json!({"desc": "x", "roles": ["GROUP_OWNER"]})).await;
    let body = project_role.assert_error(400, "INVALID_ATTRIBUTE");
    assert!(body["detail"].as_str().unwrap().contains("project role"), "{body}");
    owner
        .post(&keys, &json!({"desc": "x", "roles": ["ORG_WIZARD"]}))
        .await
        .assert_error(400, "INVALID_ATTRIBUTE");
    owner
        .post(&keys, &json!({"desc": "", "roles": ["ORG_MEMBER"]}))
        .await
        .assert_error(400, "INVALID_ATTRIBUTE");
    let member = app.client(&app.key(KeyGrant::Organization(org, OrgRole::OrgMember)).await);
    let before = owner.get(&keys).await.json()["totalCount"].clone();
    assert_eq!(member.get(&keys).await.status, 200, "members list the organization's keys");
    member
        .post(&keys, &json!({"desc": "x", "roles": ["ORG_OWNER"]}))
        .await
        .assert_error(401, "USER_UNAUTHORIZED");
    let elsewhere =
        atlas_integrations::admin::create_organization(app.store.as_ref(), "Elsewhere").await.unwrap();
    let outsider = app.client(&app.key(KeyGrant::Organization(elsewhere.id, OrgRole::OrgOwner)).await);
    outsider.get(&keys).await.assert_error(401, "USER_UNAUTHORIZED");
    assert_eq!(owner.get(&keys).await.json()["totalCount"], before, "no refused request made a key");
    owner.get(&format!("{keys}/{}", "0".repeat(24))).await.assert_error(404, "API_KEY_NOT_FOUND");
}

#[tokio::test]
async fn a_keys_access_list_is_kept_and_enforced() {
    let app = TestApp::spawn().await;
    let owner = org_owner(&app).await;
    let keys = format!("/api/atlas/v2/orgs/{}/apiKeys", app.project.org_id);
    let made = owner.post(&keys, &json!({"desc": "ci", "roles": ["ORG_READ_ONLY"]})).await.json();
    let list = format!("{keys}/{}/accessList", made["id"].as_str().unwrap());
    let added =
        owner.post(&list, &json!([{"ipAddress": "203.0.113.7"}, {"cidrBlock": "198.51.100.0/24"}])).await;
    assert_eq!(added.status, 200, "{}", added.text());
    let added = added.json();
    assert_eq!(added["totalCount"], 2);
    let single =
        added["results"].as_array().unwrap().iter().find(|e| e["ipAddress"] == "203.0.113.7").unwrap();
    assert_eq!(single["cidrBlock"], "203.0.113.7/32");
    assert!(single["created"].as_str().is_some());
    assert_eq!(owner.get(&format!("{list}/198.51.100.0%2F24")).await.json()["cidrBlock"], "198.51.100.0/24");
    let member = app.client(&app.key(KeyGrant::Organization(app.project.org_id, OrgRole::OrgMember)).await);
    assert_eq!(member.get(&list).await.json()["totalCount"], 2, "members read access lists");
    let refused = member.post(&list, &json!([{"ipAddress": "192.0.2.1"}])).await;
    refused.assert_error(401, "USER_UNAUTHORIZED");
    let key = app.client(&credentials_of(&made));
    key.get(&app.v2("")).await.assert_error(403, "IP_ADDRESS_NOT_ON_ACCESS_LIST");

    owner
        .post(&list, &json!([{"ipAddress": "203.0.113.9", "cidrBlock": "203.0.113.0/24"}]))
        .await
        .assert_error(400, "INVALID_ATTRIBUTE");
    owner.post(&list, &json!([{"ipAddress": "not-an-address"}])).await.assert_error(400, "INVALID_ATTRIBUTE");
    assert_eq!(owner.delete(&format!("{list}/203.0.113.7")).await.status, 204);
    owner
        .delete(&format!("{list}/203.0.113.7"))
        .await
        .assert_error(404, "API_KEY_ACCESS_LIST_ENTRY_NOT_FOUND");
    assert_eq!(owner.delete(&format!("{list}/198.51.100.0%2F24")).await.status, 204);
    assert_eq!(key.get(&app.v2("")).await.status, 200, "an empty list allows any address again");
}

#[tokio::test]
async fn a_project_owner_makes_assigns_changes_and_unassigns_keys_of_its_project() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    let project_keys = format!("/api/atlas/v2/groups/{}/apiKeys", app.project.id);
    let made = owner.post(&project_keys, &json!({"desc": "deployer", "roles": ["GROUP_READ_ONLY"]})).await;
    assert_eq!(made.status, 200, "{}", made.text());
    let made = made.json();
    let id = made["id"].as_str().unwrap().to_owned();
    let roles = made["roles"].as_array().unwrap();
    assert!(
        roles.contains(&json!({"groupId": app.project.id.to_string(), "roleName": "GROUP_READ_ONLY"})),
        "{made}"
    );
    assert!(
        roles.contains(&json!({"orgId": app.project.org_id.to_string(), "roleName": "ORG_MEMBER"})),
        "{made}"
    );
    let deployer = app.client(&credentials_of(&made));
    assert_eq!(deployer.get(&app.v2("")).await.status, 200);
    let webhook = json!({"type": "WEBHOOK", "url": "https://hooks.example.com/a"});
    deployer.post(&app.v2("WEBHOOK"), &webhook).await.assert_error(401, "USER_UNAUTHORIZED");

    let listed = owner.get(&project_keys).await.json();
    assert!(listed["results"].as_array().unwrap().iter().any(|k| k["id"] == id.as_str()), "{listed}");
    let changed = owner.patch(&format!("{project_keys}/{id}"), &json!({"roles": ["GROUP_OWNER"]})).await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(deployer.post(&app.v2("WEBHOOK"), &webhook).await.status, 200, "GROUP_OWNER at once");

    assert_eq!(owner.delete(&format!("{project_keys}/{id}")).await.status, 204);
    deployer.get(&app.v2("")).await.assert_error(401, "USER_UNAUTHORIZED");
    owner.delete(&format!("{project_keys}/{id}")).await.assert_error(404, "API_KEY_NOT_FOUND");

    let assigned =
        owner.post(&format!("{project_keys}/{id}"), &json!([{"roles": ["GROUP_READ_ONLY"]}])).await;
    assert_eq!(assigned.status, 204, "{}", assigned.text());
    assert_eq!(deployer.get(&app.v2("")).await.status, 200, "assigned again");
    let legacy = format!("/api/atlas/v1.0/groups/{}/apiKeys/{id}", app.project.id);
    let as_legacy = owner.post(&legacy, &json!({"roles": ["GROUP_OWNER"]})).await;
    assert_eq!(as_legacy.status, 204, "the legacy client's single assignment: {}", as_legacy.text());
    assert_eq!(
        deployer.post(&app.v2("WEBHOOK"), &webhook).await.status,
        409,
        "owner again: the webhook exists"
    );
    let org_role = owner.post(&format!("{project_keys}/{id}"), &json!([{"roles": ["ORG_OWNER"]}])).await;
    org_role.assert_error(400, "INVALID_ATTRIBUTE");

    let org_key = atlas_integrations::admin::create_api_key(
        app.store.as_ref(),
        KeyGrant::Organization(app.project.org_id, OrgRole::OrgOwner),
        "the organization's",
    )
    .await
    .unwrap();
    let elsewhere = format!("{project_keys}/{}", org_key.key.id);
    let renamed = owner.patch(&elsewhere, &json!({"desc": "mine now"})).await;
    renamed.assert_error(404, "API_KEY_NOT_FOUND");

    let reader = app.client(&app.key(KeyGrant::Project(app.project.id, ProjectRole::GroupReadOnly)).await);
    assert_eq!(reader.get(&project_keys).await.status, 200);
    let refused = reader.post(&project_keys, &json!({"desc": "x", "roles": ["GROUP_OWNER"]})).await;
    refused.assert_error(401, "USER_UNAUTHORIZED");
}
