//! Every row of the error table: status, `errorCode`, `parameters`, `X-Error-Code`, and no
//! change to anything when a request fails.

use atlas_integrations::admin::KeyGrant;
use atlas_integrations::domain::api_key::OrgRole;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, V2_ACCEPT, integrations_path};

async fn seeded() -> (TestApp, Value) {
    let app = TestApp::spawn().await;
    let created = app
        .owner()
        .post(&app.v2("DATADOG"), &json!({"type": "DATADOG", "apiKey": "abcdef0123456789abcdef0123456789"}))
        .await;
    assert_eq!(created.status, 200);
    let list = app.owner().get(&app.v2("")).await.json();
    (app, list)
}

async fn assert_unchanged(app: &TestApp, before: &Value) {
    assert_eq!(&app.owner().get(&app.v2("")).await.json(), before, "a failed request changed nothing");
}

#[tokio::test]
async fn an_unknown_integration_type_is_an_invalid_enum_value() {
    let app = TestApp::spawn().await;
    let body = app.owner().get(&app.v2("FOO")).await.assert_error(400, "INVALID_ENUM_VALUE");
    assert_eq!(body["parameters"], json!(["FOO"]));
    app.owner().get(&app.v2("datadog")).await.assert_error(400, "INVALID_ENUM_VALUE");
}

#[tokio::test]
async fn a_malformed_group_id_is_refused() {
    let app = TestApp::spawn().await;
    for group in ["not-a-group", "6A79404F2C88FAEBA59BEEA6", "6a79404f2c88faeba59beea"] {
        let path = integrations_path("/api/atlas/v2", group, "");
        let body = app.owner().get(&path).await.assert_error(400, "INVALID_GROUP_ID");
        assert_eq!(body["parameters"], json!([group]));
    }
}

#[tokio::test]
async fn a_group_that_does_not_exist_is_not_found_only_for_keys_that_see_the_organization() {
    let app = TestApp::spawn().await;
    let missing = "111111111111111111111111";
    let org_owner = app.key(KeyGrant::Organization(app.project.org_id, OrgRole::OrgOwner)).await;
    let path = integrations_path("/api/atlas/v2", missing, "");
    let body = app.client(&org_owner).get(&path).await.assert_error(404, "GROUP_NOT_FOUND");
    assert_eq!(body["detail"], format!("No group with ID {missing} exists."));
    assert_eq!(body["parameters"], json!([missing]));
    app.owner().get(&path).await.assert_error(401, "USER_UNAUTHORIZED");
}

#[tokio::test]
async fn bodies_that_are_not_json_objects_are_invalid_json() {
    let (app, before) = seeded().await;
    let client = app.owner();
    for body in ["{not json", "[1,2]", "\"text\"", ""] {
        let answer = client
            .send(
                Method::PUT,
                &app.v2("DATADOG"),
                &[("content-type", "application/json"), ("accept", V2_ACCEPT)],
                Some(body.as_bytes().to_vec()),
            )
            .await;
        let error = answer.assert_error(400, "INVALID_JSON");
        assert_eq!(error["parameters"], json!([]), "{body}");
    }
    assert_unchanged(&app, &before).await;
}

#[tokio::test]
async fn the_type_must_be_in_the_body_and_match_the_path() {
    let (app, before) = seeded().await;
    let client = app.owner();
    let missing = client.put(&app.v2("DATADOG"), &json!({"apiKey": "abcd"})).await;
    assert_eq!(missing.assert_error(400, "MISSING_ATTRIBUTE")["parameters"], json!(["type"]));
    let differs = client.put(&app.v2("DATADOG"), &json!({"type": "SLACK", "apiKey": "abcd"})).await;
    assert_eq!(differs.assert_error(400, "INVALID_ATTRIBUTE")["parameters"], json!(["type"]));
    assert_unchanged(&app, &before).await;
}

#[tokio::test]
async fn a_field_of_another_type_is_ignored_at_its_default_and_refused_otherwise() {
    let (app, before) = seeded().await;
    let client = app.owner();
    let prometheus = |value: bool| {
        json!({"type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "http", "username": "u",
               "password": "pa55word!", "sendCollectionLatencyMetrics": value})
    };
    let refused = client.post(&app.v2("PROMETHEUS"), &prometheus(true)).await;
    let error = refused.assert_error(400, "INTEGRATION_FIELDS_INVALID");
    assert_eq!(error["detail"], "At least one integration field is invalid.");
    assert_eq!(error["parameters"], json!(["sendCollectionLatencyMetrics"]));
    let unknown = json!({"type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "http", "username": "u",
                         "password": "pa55word!", "sendEverything": false});
    let error = client.post(&app.v2("PROMETHEUS"), &unknown).await.assert_error(400, "INVALID_ATTRIBUTE");
    assert_eq!(error["detail"], "Invalid attribute sendEverything specified.");
    assert_unchanged(&app, &before).await;

    let created = client.post(&app.v2("PROMETHEUS"), &prometheus(false)).await;
    assert_eq!(created.status, 200, "{}", created.text());
}

#[tokio::test]
async fn a_body_from_the_go_sdks_constructor_with_every_types_defaults_is_accepted() {
    let app = TestApp::spawn().await;
    // admin.NewThirdPartyIntegration() sets each schema default of the flattened model.
    let body = json!({"type": "SLACK", "apiToken": "xoxb-0000-1111", "channelName": "alerts",
        "region": "US", "sendCollectionLatencyMetrics": false, "sendDatabaseMetrics": false,
        "sendQueryStatsMetrics": false, "sendUserProvidedResourceTags": false,
        "sendUserProvidedResourceTagsEnabled": false});
    let created = app.owner().post(&app.v2("SLACK"), &body).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let slack = &created.json()["results"][0];
    assert!(slack.get("region").is_none() && slack.get("sendDatabaseMetrics").is_none(), "{slack}");
}

#[tokio::test]
async fn a_required_field_missing_after_the_merge_is_a_missing_attribute() {
    let (app, before) = seeded().await;
    let client = app.owner();
    let on_create = client.post(&app.v2("SLACK"), &json!({"type": "SLACK", "apiToken": "t-1234"})).await;
    assert_eq!(on_create.assert_error(400, "MISSING_ATTRIBUTE")["parameters"], json!(["channelName"]));
    let cleared = client.put(&app.v2("DATADOG"), &json!({"type": "DATADOG", "apiKey": null})).await;
    assert_eq!(cleared.assert_error(400, "MISSING_ATTRIBUTE")["parameters"], json!(["apiKey"]));
    assert_unchanged(&app, &before).await;
}

#[tokio::test]
async fn bad_values_are_invalid_integration_settings_naming_the_type_and_reason() {
    let (app, before) = seeded().await;
    let client = app.owner();
    let cases = [
        ("DATADOG", json!({"type": "DATADOG", "apiKey": "xyz"}), "apiKey must be a hexadecimal string"),
        (
            "DATADOG",
            json!({"type": "DATADOG", "sendDatabaseMetrics": "yes"}),
            "sendDatabaseMetrics must be a boolean",
        ),
        (
            "DATADOG",
            json!({"type": "DATADOG", "region": "MARS"}),
            "region must be one of US, EU, US3, US5, AP1, US1_FED",
        ),
        (
            "WEBHOOK",
            json!({"type": "WEBHOOK", "url": "ftp://example.com/x"}),
            "url must be an absolute http or https URL",
        ),
        (
            "SLACK",
            json!({"type": "SLACK", "apiToken": "t", "channelName": "c".repeat(81)}),
            "channelName must have at most 80 characters",
        ),
        ("OPS_GENIE", json!({"type": "OPS_GENIE", "apiKey": 12345}), "apiKey must be a string"),
    ];
    for (kind, body, reason) in cases {
        let error = client.put(&app.v2(kind), &body).await.assert_error(400, "INVALID_INTEGRATION_SETTINGS");
        assert_eq!(error["parameters"], json!([kind, reason]));
        assert_eq!(
            error["detail"],
            format!("The provided settings for the {kind} integration were invalid: {reason}.")
        );
    }
    assert_unchanged(&app, &before).await;
}

#[tokio::test]
async fn hip_chat_is_a_valid_path_that_cannot_be_configured() {
    let (app, before) = seeded().await;
    let client = app.owner();
    for answer in [
        client.post(&app.v2("HIP_CHAT"), &json!({"type": "HIP_CHAT"})).await,
        client.put(&app.v2("HIP_CHAT"), &json!({"type": "HIP_CHAT", "notificationToken": "x"})).await,
    ] {
        let error = answer.assert_error(400, "INVALID_INTEGRATION_SETTINGS");
        assert_eq!(error["parameters"][0], "HIP_CHAT");
    }
    client.get(&app.v2("HIP_CHAT")).await.assert_error(404, "INTEGRATION_NOT_CONFIGURED");
    assert_unchanged(&app, &before).await;
}

#[tokio::test]
async fn creating_a_type_twice_is_a_conflict() {
    let (app, before) = seeded().await;
    let answer = app.owner().post(&app.v2("DATADOG"), &json!({"type": "DATADOG", "apiKey": "ffff"})).await;
    let error = answer.assert_error(409, "INTEGRATION_ALREADY_CONFIGURED");
    assert_eq!(error["detail"], "The integration of type 'DATADOG' is already configured for this group.");
    assert_eq!(error["parameters"], json!(["DATADOG"]));
    assert_unchanged(&app, &before).await;
}

#[tokio::test]
async fn reading_or_deleting_a_type_not_configured_is_not_found() {
    let (app, before) = seeded().await;
    let client = app.owner();
    let error = client.get(&app.v2("SLACK")).await.assert_error(404, "INTEGRATION_NOT_CONFIGURED");
    assert_eq!(error["detail"], "The integration of type 'SLACK' is not configured for this group.");
    assert_eq!(error["parameters"], json!(["SLACK"]));
    client.delete(&app.v2("SLACK")).await.assert_error(404, "INTEGRATION_NOT_CONFIGURED");
    assert_unchanged(&app, &before).await;
}

#[tokio::test]
async fn paging_parameters_out_of_range_are_invalid_query_parameters() {
    let (app, before) = seeded().await;
    let client = app.owner();
    for (query, name) in [
        ("itemsPerPage=0", "itemsPerPage"),
        ("itemsPerPage=501", "itemsPerPage"),
        ("pageNum=-1", "pageNum"),
        ("pageNum=two", "pageNum"),
        ("includeCount=maybe", "includeCount"),
    ] {
        let error =
            client.get(&format!("{}?{query}", app.v2(""))).await.assert_error(400, "INVALID_QUERY_PARAMETER");
        assert_eq!(error["parameters"], json!([name]));
    }
    let on_write = client
        .put(&format!("{}?itemsPerPage=0", app.v2("DATADOG")), &json!({"type": "DATADOG", "region": "EU"}))
        .await;
    on_write.assert_error(400, "INVALID_QUERY_PARAMETER");
    assert_unchanged(&app, &before).await;
}

#[tokio::test]
async fn page_zero_of_every_list_is_its_first_page() {
    let (app, _) = seeded().await;
    let client = app.owner();
    let config = json!({"eventTypeName": "HOST_DOWN", "enabled": true,
                        "notifications": [{"typeName": "EMAIL", "emailAddress": "ops@example.com"}]});
    let group = format!("/api/atlas/v2/groups/{}", app.project.id);
    for _ in 0..2 {
        assert_eq!(client.post(&format!("{group}/alertConfigs"), &config).await.status, 200);
    }
    let raised = json!({"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-0:27017"});
    assert_eq!(client.post(&format!("{group}/alerts"), &raised).await.status, 200);
    for list in [app.v2(""), format!("{group}/alertConfigs"), format!("{group}/alerts")] {
        let zero = client.get(&format!("{list}?pageNum=0&itemsPerPage=1")).await;
        assert_eq!(zero.status, 200, "{list}: {}", zero.text());
        let first = client.get(&format!("{list}?pageNum=1&itemsPerPage=1")).await.json();
        let zero = zero.json();
        assert_eq!(zero["results"], first["results"], "{list}");
        assert_eq!(zero["results"].as_array().unwrap().len(), 1, "{list}");
    }
}

#[tokio::test]
async fn a_lists_self_link_keeps_what_the_request_asked_besides_the_page() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let group = format!("/api/atlas/v2/groups/{}", app.project.id);
    let filtered =
        client.get(&format!("{group}/alerts?status=OPEN&itemsPerPage=1&includeSystemManaged=true")).await;
    assert_eq!(
        filtered.json()["links"][0]["href"],
        format!(
            "{}{group}/alerts?includeCount=true&pageNum=1&itemsPerPage=1&status=OPEN&includeSystemManaged=true",
            app.base
        ),
        "the self link keeps what the request asked besides the page"
    );
}

#[tokio::test]
async fn v2_refuses_accept_headers_it_cannot_serve() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let path = app.v2("");
    let early =
        client.send(Method::GET, &path, &[("accept", "application/vnd.atlas.2022-10-01+json")], None).await;
    assert_eq!(early.assert_error(406, "INVALID_VERSION_DATE")["parameters"], json!(["2022-10-01"]));
    let malformed =
        client.send(Method::GET, &path, &[("accept", "application/vnd.atlas.2023-1-1+json")], None).await;
    malformed.assert_error(406, "INVALID_VERSION_DATE");
    let plain = client.send(Method::GET, &path, &[("accept", "application/json")], None).await;
    assert_eq!(plain.assert_error(406, "NOT_ACCEPTABLE")["parameters"], json!([]));
    let later =
        client.send(Method::GET, &path, &[("accept", "application/vnd.atlas.2025-03-12+json")], None).await;
    assert_eq!(later.status, 200);
    assert_eq!(
        later.header("content-type").as_deref(),
        Some("application/vnd.atlas.2023-01-01+json;charset=utf-8")
    );
    assert_eq!(client.send(Method::GET, &path, &[], None).await.status, 200, "no Accept counts as */*");
    let v1 = client.send(Method::GET, &app.v1(""), &[("accept", "application/json")], None).await;
    assert_eq!(v1.status, 200, "v1.0 does not negotiate versions");
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_too_large() {
    let (app, before) = seeded().await;
    let big = format!("{{\"type\":\"WEBHOOK\",\"url\":\"https://example.com/{}\"}}", "a".repeat(1024 * 1024));
    let answer = app
        .owner()
        .send(
            Method::PUT,
            &app.v2("WEBHOOK"),
            &[("content-type", "application/json"), ("accept", V2_ACCEPT)],
            Some(big.into_bytes()),
        )
        .await;
    answer.assert_error(413, "REQUEST_TOO_LARGE");
    assert_unchanged(&app, &before).await;
}

#[tokio::test]
async fn a_body_that_is_not_json_by_media_type_is_unsupported() {
    let (app, _) = seeded().await;
    let answer = app
        .owner()
        .send(
            Method::PUT,
            &app.v2("DATADOG"),
            &[("content-type", "text/plain"), ("accept", V2_ACCEPT)],
            Some(b"{\"type\":\"DATADOG\",\"region\":\"EU\"}".to_vec()),
        )
        .await;
    answer.assert_error(415, "UNSUPPORTED_MEDIA_TYPE");
    let vendor = app
        .owner()
        .send(
            Method::PUT,
            &app.v2("DATADOG"),
            &[("content-type", V2_ACCEPT), ("accept", V2_ACCEPT)],
            Some(b"{\"type\":\"DATADOG\",\"region\":\"EU\"}".to_vec()),
        )
        .await;
    assert_eq!(vendor.status, 200, "the vendor media type is a JSON body");
}

#[tokio::test]
async fn a_read_only_key_may_read_but_not_write() {
    let (app, before) = seeded().await;
    let reader = app.client(&app.reader);
    assert_eq!(reader.get(&app.v2("")).await.status, 200);
    assert_eq!(reader.get(&app.v2("DATADOG")).await.status, 200);
    let body = json!({"type": "DATADOG", "region": "EU"});
    let error = reader.put(&app.v2("DATADOG"), &body).await.assert_error(401, "USER_UNAUTHORIZED");
    assert_eq!(error["detail"], "Current user is not authorized to perform this action.");
    reader
        .post(&app.v2("SLACK"), &json!({"type": "SLACK", "apiToken": "t", "channelName": "c"}))
        .await
        .assert_error(401, "USER_UNAUTHORIZED");
    reader.delete(&app.v2("DATADOG")).await.assert_error(401, "USER_UNAUTHORIZED");
    assert_unchanged(&app, &before).await;
}

#[tokio::test]
async fn a_key_of_another_project_reaches_nothing_here() {
    let (app, before) = seeded().await;
    let other = atlas_integrations::admin::create_project(app.store.as_ref(), "Another", None).await.unwrap();
    let stranger = app
        .key(KeyGrant::Project(other.id, atlas_integrations::domain::api_key::ProjectRole::GroupOwner))
        .await;
    let client = app.client(&stranger);
    client.get(&app.v2("")).await.assert_error(401, "USER_UNAUTHORIZED");
    client.get(&app.v2("DATADOG")).await.assert_error(401, "USER_UNAUTHORIZED");
    client.delete(&app.v2("DATADOG")).await.assert_error(401, "USER_UNAUTHORIZED");
    assert_eq!(client.get(&integrations_path("/api/atlas/v2", &other.id.to_string(), "")).await.status, 200);
    assert_unchanged(&app, &before).await;
}

#[tokio::test]
async fn an_organization_read_only_key_reads_every_project_of_its_organization_but_writes_none() {
    let (app, _) = seeded().await;
    let org_reader = app.key(KeyGrant::Organization(app.project.org_id, OrgRole::OrgReadOnly)).await;
    let client = app.client(&org_reader);
    assert_eq!(client.get(&app.v2("")).await.status, 200);
    client.delete(&app.v2("DATADOG")).await.assert_error(401, "USER_UNAUTHORIZED");
    let org_owner = app.key(KeyGrant::Organization(app.project.org_id, OrgRole::OrgOwner)).await;
    let answer =
        app.client(&org_owner).put(&app.v2("DATADOG"), &json!({"type": "DATADOG", "region": "EU"})).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_the_atlas_envelope() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let missing = client.get("/api/atlas/v2/nothing-here").await;
    missing.assert_error(404, "RESOURCE_NOT_FOUND");
    let patch = client
        .send(
            Method::PATCH,
            &app.v2("DATADOG"),
            &[("accept", V2_ACCEPT), ("content-type", "application/json")],
            Some(b"{}".to_vec()),
        )
        .await;
    patch.assert_error(405, "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn a_stored_row_that_cannot_be_opened_is_a_500_that_reveals_nothing() {
    let (app, _) = seeded().await;
    let corrupt = match app.database.is_postgres() {
        true => "UPDATE integrations SET settings = '\\x0102030405'",
        false => "UPDATE integrations SET settings = x'0102030405'",
    };
    app.database.execute(corrupt).await;
    // A change made outside the server is announced as the server announces its own (on
    // PostgreSQL replicas keep reads in memory); it arrives within moments.
    if app.database.is_postgres() {
        app.database.execute("NOTIFY atlas_integrations_changes").await;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    let mut answer = app.owner().get(&app.v2("DATADOG")).await;
    while answer.status == 200 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        answer = app.owner().get(&app.v2("DATADOG")).await;
    }
    let error = answer.assert_error(500, "UNEXPECTED_ERROR");
    assert_eq!(error["detail"], "Unexpected error.");
    assert_eq!(error["parameters"], json!([]));
}
