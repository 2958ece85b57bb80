//! What the Terraform provider does first, in its order, against one server: create a
//! project, read it back with everything `mongodbatlas_project` reads, create and assign a
//! key, configure an integration and an alert configuration with that key, delete the
//! integration through v1.0 (the legacy client inside the provider), poll the clusters and
//! delete the project.

use serde_json::json;

use crate::helpers::{Credentials, TestApp};
use crate::projects_api::org_owner;

#[tokio::test]
async fn a_terraform_shaped_sequence_runs_end_to_end() {
    let app = TestApp::spawn().await;
    let terraform = org_owner(&app).await;
    let org = app.project.org_id.to_string();

    // mongodbatlas_project: create, then read what the resource reads.
    let created = terraform.post("/api/atlas/v2/groups", &json!({"name": "tf-project", "orgId": org})).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let group = created.json()["id"].as_str().unwrap().to_owned();
    let base = format!("/api/atlas/v2/groups/{group}");
    for read in ["", "/settings", "/limits", "/teams", "/ipAddresses", "/managedSlowMs"] {
        let answer = terraform.get(&format!("{base}{read}")).await;
        assert_eq!(answer.status, 200, "GET {read}: {}", answer.text());
    }
    let settings =
        terraform.patch(&format!("{base}/settings"), &json!({"isSchemaAdvisorEnabled": false})).await;
    assert_eq!(settings.status, 200, "{}", settings.text());

    // mongodbatlas_project_api_key: create and assign in one call.
    let key = terraform
        .post(&format!("{base}/apiKeys"), &json!({"desc": "tf-key", "roles": ["GROUP_OWNER"]}))
        .await;
    assert_eq!(key.status, 200, "{}", key.text());
    let key = key.json();
    let with_key = app.client(&Credentials {
        public_key: key["publicKey"].as_str().unwrap().to_owned(),
        private_key: key["privateKey"].as_str().unwrap().to_owned(),
    });

    // mongodbatlas_third_party_integration and mongodbatlas_alert_configuration, with that key.
    let datadog = json!({"type": "DATADOG", "apiKey": "0123456789abcdef0123456789abcdef", "region": "US"});
    let integration = with_key.post(&format!("{base}/integrations/DATADOG"), &datadog).await;
    assert_eq!(integration.status, 200, "{}", integration.text());
    let alert = json!({
        "enabled": true, "eventTypeName": "HOST_DOWN",
        "notifications": [{"typeName": "GROUP", "intervalMin": 5, "delayMin": 0, "emailEnabled": true,
                           "smsEnabled": false, "roles": ["GROUP_OWNER"]}]
    });
    let config = with_key.post(&format!("{base}/alertConfigs"), &alert).await;
    assert_eq!(config.status, 200, "{}", config.text());

    // Destroy: the integration through v1.0, then poll clusters, then the project.
    let removed = with_key.delete(&format!("/api/atlas/v1.0/groups/{group}/integrations/DATADOG")).await;
    assert_eq!(removed.status, 204, "{}", removed.text());
    let clusters = terraform
        .send(
            reqwest::Method::GET,
            &format!("{base}/clusters"),
            &[("accept", "application/vnd.atlas.2024-08-05+json")],
            None,
        )
        .await;
    assert_eq!(
        (clusters.status, clusters.json()["totalCount"].clone()),
        (200, json!(0)),
        "{}",
        clusters.text()
    );
    assert_eq!(terraform.delete(&base).await.status, 204);
    terraform.get(&base).await.assert_error(404, "GROUP_NOT_FOUND");
    with_key.get(&format!("{base}/integrations")).await.assert_error(401, "USER_UNAUTHORIZED");
}
