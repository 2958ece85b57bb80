//! Projects and organizations over the API, as Terraform and the Atlas CLI make them: create
//! (with Atlas's default alert configurations unless asked not to), read by id and by name,
//! rename and retag, delete with everything of the project but its events; the project
//! reads Terraform makes (settings, limits, teams, IP addresses, managed slow ms, clusters);
//! organizations; the roles each needs; v1.0 as v2.

use atlas_integrations::admin::KeyGrant;
use atlas_integrations::domain::api_key::{OrgRole, ProjectRole};
use serde_json::{Value, json};

use crate::helpers::{DigestClient, TestApp};

/// An `ORG_OWNER` client of the test project's organization.
pub async fn org_owner(app: &TestApp) -> DigestClient {
    app.client(&app.key(KeyGrant::Organization(app.project.org_id, OrgRole::OrgOwner)).await)
}

/// `POST /api/atlas/v2/groups` for `name` in the test organization; the new project.
pub async fn new_project(app: &TestApp, client: &DigestClient, body: Value) -> Value {
    let mut body = body;
    body["orgId"] = json!(app.project.org_id.to_string());
    let created = client.post("/api/atlas/v2/groups", &body).await;
    assert_eq!(created.status, 200, "{}", created.text());
    created.json()
}

#[tokio::test]
async fn an_organization_owner_creates_reads_renames_and_deletes_a_project() {
    let app = TestApp::spawn().await;
    let owner = org_owner(&app).await;
    let tags = json!([{"key": "env", "value": "prod"}]);
    let project = new_project(&app, &owner, json!({"name": "Payments", "tags": tags})).await;
    let id = project["id"].as_str().unwrap().to_owned();
    assert_eq!(project["name"], "Payments");
    assert_eq!(project["orgId"], app.project.org_id.to_string());
    assert_eq!(project["clusterCount"], 0);
    assert_eq!(project["tags"], tags);
    assert_eq!(project["withDefaultAlertsSettings"], true);
    assert!(project["created"].as_str().unwrap().ends_with('Z'));
    assert!(project["links"][0]["href"].as_str().unwrap().ends_with(&format!("/api/atlas/v2/groups/{id}")));

    let fetched = owner.get(&format!("/api/atlas/v2/groups/{id}")).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.json(), project, "a read shows what the creation answered");
    let by_name = owner.get("/api/atlas/v2/groups/byName/Payments").await;
    assert_eq!(by_name.json()["id"], id.as_str());
    owner.get("/api/atlas/v2/groups/byName/Nothing").await.assert_error(404, "GROUP_NAME_NOT_FOUND");

    let listed = owner.get("/api/atlas/v2/groups").await.json();
    assert_eq!(listed["totalCount"], 2, "the test project and the new one: {listed}");
    let of_org =
        owner.get(&format!("/api/atlas/v2/orgs/{}/groups?name=pay", app.project.org_id)).await.json();
    assert_eq!(of_org["totalCount"], 1, "the name filter is a prefix without case: {of_org}");

    let renamed =
        owner.patch(&format!("/api/atlas/v2/groups/{id}"), &json!({"name": "Billing", "tags": []})).await;
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    assert_eq!(
        (renamed.json()["name"].clone(), renamed.json()["tags"].clone()),
        (json!("Billing"), json!([]))
    );

    let deleted = owner.delete(&format!("/api/atlas/v2/groups/{id}")).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    owner.get(&format!("/api/atlas/v2/groups/{id}")).await.assert_error(404, "GROUP_NOT_FOUND");
    owner.delete(&format!("/api/atlas/v2/groups/{id}")).await.assert_error(404, "GROUP_NOT_FOUND");
    let again = new_project(&app, &owner, json!({"name": "Billing"})).await;
    assert_ne!(again["id"], id.as_str(), "a deleted project's name is free again");
}

#[tokio::test]
async fn a_new_project_starts_with_the_default_alert_configurations_unless_it_asks_for_none() {
    let app = TestApp::spawn().await;
    let owner = org_owner(&app).await;
    let with = new_project(&app, &owner, json!({"name": "With"})).await;
    let configs =
        owner.get(&format!("/api/atlas/v2/groups/{}/alertConfigs", with["id"].as_str().unwrap())).await;
    let configs = configs.json();
    assert_eq!(configs["totalCount"], 9, "{configs}");
    let events: Vec<&str> =
        configs["results"].as_array().unwrap().iter().map(|c| c["eventTypeName"].as_str().unwrap()).collect();
    assert!(events.contains(&"NO_PRIMARY") && events.contains(&"OUTSIDE_METRIC_THRESHOLD"), "{events:?}");
    let without =
        new_project(&app, &owner, json!({"name": "Without", "withDefaultAlertsSettings": false})).await;
    assert_eq!(without["withDefaultAlertsSettings"], false);
    let none =
        owner.get(&format!("/api/atlas/v2/groups/{}/alertConfigs", without["id"].as_str().unwrap())).await;
    assert_eq!(none.json()["totalCount"], 0);
}

#[tokio::test]
async fn project_names_are_unique_within_an_organization_and_bad_bodies_change_nothing() {
    let app = TestApp::spawn().await;
    let owner = org_owner(&app).await;
    new_project(&app, &owner, json!({"name": "Twice"})).await;
    let org = app.project.org_id.to_string();
    let again = owner.post("/api/atlas/v2/groups", &json!({"name": "Twice", "orgId": org})).await;
    again.assert_error(409, "GROUP_ALREADY_EXISTS");
    owner.post("/api/atlas/v2/groups", &json!({"orgId": org})).await.assert_error(400, "MISSING_ATTRIBUTE");
    owner.post("/api/atlas/v2/groups", &json!({"name": "x"})).await.assert_error(400, "MISSING_ATTRIBUTE");
    let long = "x".repeat(65);
    owner
        .post("/api/atlas/v2/groups", &json!({"name": long, "orgId": org}))
        .await
        .assert_error(400, "INVALID_ATTRIBUTE");
    let bad_tags = json!({"name": "Tagged", "orgId": org, "tags": [{"key": "a"}]});
    owner.post("/api/atlas/v2/groups", &bad_tags).await.assert_error(400, "INVALID_ATTRIBUTE");
    let unknown = json!({"name": "Odd", "orgId": org, "color": "red"});
    owner.post("/api/atlas/v2/groups", &unknown).await.assert_error(400, "INVALID_ATTRIBUTE");
    let sdk_shaped =
        json!({"name": "Sdk", "orgId": org, "clusterCount": 0, "created": "0001-01-01T00:00:00Z"});
    assert_eq!(
        owner.post("/api/atlas/v2/groups", &sdk_shaped).await.status,
        200,
        "read-only fields are ignored"
    );
    let listed = owner.get("/api/atlas/v2/groups").await.json();
    assert_eq!(listed["totalCount"], 3, "only the valid creations made projects: {listed}");
}

#[tokio::test]
async fn who_may_create_read_change_and_delete_projects_follows_their_roles() {
    let app = TestApp::spawn().await;
    let org = app.project.org_id;
    let reader = app.client(&app.key(KeyGrant::Organization(org, OrgRole::OrgReadOnly)).await);
    let body = json!({"name": "Nope", "orgId": org.to_string()});
    reader.post("/api/atlas/v2/groups", &body).await.assert_error(403, "NOT_ORG_GROUP_CREATOR");
    let group_owner = app.owner();
    group_owner.post("/api/atlas/v2/groups", &body).await.assert_error(403, "NOT_ORG_GROUP_CREATOR");

    let creator = app.client(&app.key(KeyGrant::Organization(org, OrgRole::OrgGroupCreator)).await);
    let made = new_project(&app, &creator, json!({"name": "Created"})).await;
    let made_id = made["id"].as_str().unwrap();
    let owned = creator.patch(&format!("/api/atlas/v2/groups/{made_id}"), &json!({"name": "Mine"})).await;
    assert_eq!(owned.status, 200, "a project creator owns what it made: {}", owned.text());
    let listed = creator.get("/api/atlas/v2/groups").await.json();
    assert_eq!(listed["totalCount"], 1, "it sees only its own project: {listed}");

    let test_project = format!("/api/atlas/v2/groups/{}", app.project.id);
    assert_eq!(reader.get(&test_project).await.status, 200);
    reader.patch(&test_project, &json!({"name": "Renamed"})).await.assert_error(401, "USER_UNAUTHORIZED");
    reader.delete(&test_project).await.assert_error(401, "USER_UNAUTHORIZED");
    let project_reader =
        app.client(&app.key(KeyGrant::Project(app.project.id, ProjectRole::GroupReadOnly)).await);
    project_reader.delete(&test_project).await.assert_error(401, "USER_UNAUTHORIZED");

    let other_org =
        atlas_integrations::admin::create_organization(app.store.as_ref(), "Elsewhere").await.unwrap();
    let foreign = json!({"name": "Foreign", "orgId": other_org.id.to_string()});
    let owner = org_owner(&app).await;
    owner.post("/api/atlas/v2/groups", &foreign).await.assert_error(401, "USER_UNAUTHORIZED");
}

#[tokio::test]
async fn deleting_a_project_takes_its_integrations_alerts_and_roles_but_keeps_its_events() {
    let app = TestApp::spawn().await;
    let owner = org_owner(&app).await;
    let project = new_project(&app, &owner, json!({"name": "Doomed"})).await;
    let id = project["id"].as_str().unwrap().to_owned();
    let webhook = json!({"type": "WEBHOOK", "url": "https://hooks.example.com/a"});
    let created = owner.post(&format!("/api/atlas/v2/groups/{id}/integrations/WEBHOOK"), &webhook).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let group = atlas_integrations::domain::ids::GroupId::parse(&id).unwrap();
    let member = app.client(&app.key(KeyGrant::Project(group, ProjectRole::GroupOwner)).await);
    assert_eq!(member.get(&format!("/api/atlas/v2/groups/{id}/integrations")).await.status, 200);

    assert_eq!(owner.delete(&format!("/api/atlas/v2/groups/{id}")).await.status, 204);
    member
        .get(&format!("/api/atlas/v2/groups/{id}/integrations"))
        .await
        .assert_error(401, "USER_UNAUTHORIZED");
    owner.get(&format!("/api/atlas/v2/groups/{id}/integrations")).await.assert_error(404, "GROUP_NOT_FOUND");
    assert!(app.store.list_integrations(group).await.unwrap().is_empty());
    let (configs, _) = app.store.list_alert_configs(group, 0, 100).await.unwrap();
    assert!(configs.is_empty(), "its alert configurations went with it");
    let filter = atlas_integrations::domain::event::EventFilter::default();
    let (events, _) = app.store.list_events(group, &filter, 0, 10).await.unwrap();
    assert!(!events.is_empty(), "its events stay");
}

#[tokio::test]
async fn settings_limits_and_managed_slow_ms_are_kept_and_teams_ip_addresses_and_clusters_are_empty() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    let base = format!("/api/atlas/v2/groups/{}", app.project.id);
    let settings = owner.get(&format!("{base}/settings")).await.json();
    assert_eq!(settings["isDataExplorerEnabled"], true);
    let patched = owner.patch(&format!("{base}/settings"), &json!({"isDataExplorerEnabled": false})).await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    assert_eq!(owner.get(&format!("{base}/settings")).await.json()["isDataExplorerEnabled"], false);
    owner
        .patch(&format!("{base}/settings"), &json!({"isTurbo": true}))
        .await
        .assert_error(400, "INVALID_ATTRIBUTE");

    let limit = format!("{base}/limits/atlas.project.deployment.clusters");
    assert_eq!(owner.get(&limit).await.json()["value"], 25);
    let set = owner.patch(&limit, &json!({"value": 40})).await;
    assert_eq!(set.status, 200, "{}", set.text());
    assert_eq!(set.json()["value"], 40);
    owner.patch(&limit, &json!({"value": 1000})).await.assert_error(400, "INVALID_ATTRIBUTE");
    let limits = owner.get(&format!("{base}/limits")).await.json();
    assert!(
        limits
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["name"] == "atlas.project.deployment.clusters" && l["value"] == 40)
    );
    assert_eq!(owner.delete(&limit).await.status, 204);
    assert_eq!(owner.get(&limit).await.json()["value"], 25, "a deleted limit is its default again");
    owner.get(&format!("{base}/limits/no.such.limit")).await.assert_error(400, "INVALID_ENUM_VALUE");

    assert_eq!(owner.get(&format!("{base}/managedSlowMs")).await.json(), json!(true));
    assert_eq!(owner.delete(&format!("{base}/managedSlowMs/disable")).await.status, 204);
    assert_eq!(owner.get(&format!("{base}/managedSlowMs")).await.json(), json!(false));
    assert_eq!(owner.post(&format!("{base}/managedSlowMs/enable"), &json!({})).await.status, 204);
    assert_eq!(owner.get(&format!("{base}/managedSlowMs")).await.json(), json!(true));

    assert_eq!(owner.get(&format!("{base}/teams")).await.json()["results"], json!([]));
    let addresses = owner.get(&format!("{base}/ipAddresses")).await.json();
    assert_eq!(addresses, json!({"groupId": app.project.id.to_string(), "services": {"clusters": []}}));
    let clusters = owner
        .send(
            reqwest::Method::GET,
            &format!("{base}/clusters"),
            &[("accept", "application/vnd.atlas.2024-08-05+json")],
            None,
        )
        .await;
    assert_eq!(clusters.status, 200, "{}", clusters.text());
    assert_eq!(
        clusters.header("content-type").as_deref(),
        Some("application/vnd.atlas.2024-08-05+json;charset=utf-8")
    );
    assert_eq!(clusters.json()["results"], json!([]));
}

#[tokio::test]
async fn organizations_are_read_by_members_and_changed_by_owners() {
    let app = TestApp::spawn().await;
    let org = app.project.org_id;
    let owner = org_owner(&app).await;
    let member = app.client(&app.key(KeyGrant::Organization(org, OrgRole::OrgMember)).await);
    let listed = member.get("/api/atlas/v2/orgs").await.json();
    assert_eq!(listed["totalCount"], 1, "a key belongs to one organization: {listed}");
    assert_eq!(listed["results"][0]["id"], org.to_string());
    assert_eq!(member.get(&format!("/api/atlas/v2/orgs/{org}")).await.status, 200);
    member
        .patch(&format!("/api/atlas/v2/orgs/{org}"), &json!({"name": "X"}))
        .await
        .assert_error(401, "USER_UNAUTHORIZED");
    let renamed = owner.patch(&format!("/api/atlas/v2/orgs/{org}"), &json!({"name": "Renamed Org"})).await;
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    assert_eq!(renamed.json()["name"], "Renamed Org");
    let busy = owner.delete(&format!("/api/atlas/v2/orgs/{org}")).await;
    busy.assert_error(409, "CANNOT_DELETE_ORG_ACTIVE_PROJECTS");

    let made = owner
        .post(
            "/api/atlas/v2/orgs",
            &json!({"name": "Spin-off", "apiKey": {"desc": "first key", "roles": ["ORG_OWNER"]}}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text());
    let made = made.json();
    let new_org = made["organization"]["id"].as_str().unwrap().to_owned();
    let key = &made["apiKey"];
    let credentials = crate::helpers::Credentials {
        public_key: key["publicKey"].as_str().unwrap().to_owned(),
        private_key: key["privateKey"].as_str().unwrap().to_owned(),
    };
    let spin_off = app.client(&credentials);
    assert_eq!(
        spin_off.get(&format!("/api/atlas/v2/orgs/{new_org}")).await.status,
        200,
        "the new key manages it"
    );
    owner.get(&format!("/api/atlas/v2/orgs/{new_org}")).await.assert_error(401, "USER_UNAUTHORIZED");
    assert_eq!(spin_off.delete(&format!("/api/atlas/v2/orgs/{new_org}")).await.status, 204);
    let gone = spin_off.get(&format!("/api/atlas/v2/orgs/{new_org}")).await;
    assert_eq!(gone.status, 401, "its keys went with it: {}", gone.text());
}

#[tokio::test]
async fn the_legacy_mount_creates_and_reads_projects_as_v2_does() {
    let app = TestApp::spawn().await;
    let owner = org_owner(&app).await;
    let body = json!({"name": "Legacy", "orgId": app.project.org_id.to_string()});
    let created = owner.post("/api/atlas/v1.0/groups", &body).await;
    assert_eq!(created.status, 200, "{}", created.text());
    assert_eq!(created.header("content-type").as_deref(), Some("application/json"));
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert!(created.json()["links"][0]["href"].as_str().unwrap().contains("/api/atlas/v1.0/groups/"));
    assert_eq!(owner.get(&format!("/api/atlas/v1.0/groups/{id}")).await.json()["name"], "Legacy");
    assert_eq!(owner.delete(&format!("/api/atlas/v1.0/groups/{id}")).await.status, 204);
}
