//! `pretty`, `envelope` and pagination of the list answers.

use serde_json::json;

use crate::helpers::TestApp;

async fn three_integrations() -> TestApp {
    let app = TestApp::spawn().await;
    let client = app.owner();
    for body in [
        json!({"type": "PAGER_DUTY", "serviceKey": "0000000000000000000000000000abcd"}),
        json!({"type": "OPS_GENIE", "apiKey": "00000000-aaaa-2222-bbbb-333333333311"}),
        json!({"type": "VICTOR_OPS", "apiKey": "fa07bbc8-eab2-4085-81af-daed47dc1c11"}),
    ] {
        let kind = body["type"].as_str().unwrap().to_owned();
        assert_eq!(client.post(&app.v2(&kind), &body).await.status, 200);
    }
    app
}

#[tokio::test]
async fn pages_slice_the_list_and_link_to_their_neighbours() {
    let app = three_integrations().await;
    let page = app.owner().get(&format!("{}?itemsPerPage=1&pageNum=2", app.v2(""))).await.json();
    assert_eq!(page["totalCount"], 3);
    assert_eq!(page["results"].as_array().unwrap().len(), 1);
    assert_eq!(page["results"][0]["type"], "OPS_GENIE");
    let base = format!("{}{}", app.base, app.v2(""));
    assert_eq!(
        page["links"],
        json!([
            {"href": format!("{base}?includeCount=true&pageNum=2&itemsPerPage=1"), "rel": "self"},
            {"href": format!("{base}?includeCount=true&pageNum=1&itemsPerPage=1"), "rel": "previous"},
            {"href": format!("{base}?includeCount=true&pageNum=3&itemsPerPage=1"), "rel": "next"},
        ])
    );
    let beyond = app.owner().get(&format!("{}?pageNum=5", app.v2(""))).await.json();
    assert_eq!(beyond["results"], json!([]));
}

#[tokio::test]
async fn include_count_false_leaves_out_the_total() {
    let app = three_integrations().await;
    let list = app.owner().get(&format!("{}?includeCount=false", app.v2(""))).await.json();
    assert!(list.get("totalCount").is_none());
    assert_eq!(list["results"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn pretty_prints_as_atlas_does() {
    let app = three_integrations().await;
    let text = app.owner().get(&format!("{}?pretty=true", app.v2("OPS_GENIE"))).await.text();
    assert!(
        text.starts_with("{\n  \"apiKey\" : \"********************************3311\",\n  \"id\" : \""),
        "{text}"
    );
    let error = app.owner().get(&format!("{}?pretty=true", app.v2("SLACK"))).await;
    assert_eq!(error.status, 404);
    assert!(error.text().contains("\n  \"errorCode\" : \"INTEGRATION_NOT_CONFIGURED\""));
}

#[tokio::test]
async fn envelope_puts_the_status_in_the_body_and_answers_200() {
    let app = three_integrations().await;
    let client = app.owner();
    let list = client.get(&format!("{}?envelope=true", app.v2(""))).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.json()["status"], 200);
    assert_eq!(list.json()["totalCount"], 3);
    let missing = client.get(&format!("{}?envelope=true", app.v2("SLACK"))).await;
    assert_eq!(missing.status, 200);
    assert_eq!(missing.json()["status"], 404);
    assert_eq!(missing.json()["content"]["errorCode"], "INTEGRATION_NOT_CONFIGURED");
    let deleted = client.delete(&format!("{}?envelope=true", app.v2("OPS_GENIE"))).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.json(), json!({"status": 204}));
}
