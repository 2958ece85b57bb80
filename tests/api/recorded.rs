//! Replays the requests behind the real Atlas responses in `tests/fixtures/recorded` and
//! compares our answers byte for byte, after putting our ids and origin in place of Atlas's.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::helpers::TestApp;

const ATLAS_GROUP: &str = "6a79404f2c88faeba59beea6";
const ATLAS_ORIGIN: &str = "http://localhost:8080";

struct Recorded {
    status: u16,
    content_type: Option<String>,
    body: String,
}

fn recorded(name: &str) -> Recorded {
    let path = format!("{}/tests/fixtures/recorded/{name}.http", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (head, body) = text.split_once("\n\n").expect("headers, a blank line, then the body");
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let content_type = lines
        .filter_map(|line| line.split_once(": "))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.to_owned());
    Recorded { status, content_type, body: body.trim_end_matches('\n').to_owned() }
}

/// The ids Atlas gave each type in the recording, read from its final list.
fn atlas_ids() -> HashMap<String, String> {
    let list: Value = serde_json::from_str(&recorded("Create_WEBHOOK").body).unwrap();
    list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["type"].as_str().unwrap().to_owned(), r["id"].as_str().unwrap().to_owned()))
        .collect()
}

fn assert_matches(
    app: &TestApp,
    ours: &crate::helpers::TestResponse,
    name: &str,
    our_ids: &HashMap<String, String>,
) {
    let expected = recorded(name);
    assert_eq!(ours.status, expected.status, "{name}: {}", ours.text());
    assert_eq!(ours.header("content-type"), expected.content_type, "{name}");
    assert_eq!(ours.header("ratelimit-limit").as_deref(), Some("1200"), "{name}");
    for header in ["x-content-type-options", "x-frame-options", "referrer-policy"] {
        assert!(ours.header(header).is_some(), "{name}: {header}");
    }
    let mut body =
        expected.body.replace(ATLAS_ORIGIN, &app.base).replace(ATLAS_GROUP, &app.project.id.to_string());
    for (kind, atlas_id) in atlas_ids() {
        if let Some(our_id) = our_ids.get(&kind) {
            body = body.replace(&atlas_id, our_id);
        }
    }
    assert_eq!(ours.text(), body, "{name}");
}

#[tokio::test]
async fn the_atlas_cli_session_gets_the_recorded_answers_byte_for_byte() {
    let app = TestApp::spawn().await;
    let client = app.owner();
    let query = "?includeCount=true&itemsPerPage=100&pageNum=1";
    let mut ids = HashMap::new();
    let creates = [
        (
            "Create_DATADOG",
            "DATADOG",
            json!({"type":"DATADOG","apiKey":"00000000000000000000000000000000","region":"US"}),
        ),
        (
            "Create_OPSGENIE",
            "OPS_GENIE",
            json!({"type":"OPS_GENIE","apiKey":"00000000-aaaa-2222-bbbb-333333333311","region":"US"}),
        ),
        (
            "Create_PAGER_DUTY",
            "PAGER_DUTY",
            json!({"type":"PAGER_DUTY","serviceKey":"00000000000000000000000000000022"}),
        ),
        (
            "Create_VICTOR_OPS",
            "VICTOR_OPS",
            json!({"type":"VICTOR_OPS","apiKey":"fa07bbc8-eab2-4085-81af-daed47dc1c11","routingKey":"test"}),
        ),
        (
            "Create_WEBHOOK",
            "WEBHOOK",
            json!({"type":"WEBHOOK","url":"https://example.com/51c0ef87e9951c3e147accf0e12101","secret":"51c0ef87e9951c3e147accf0e12101"}),
        ),
    ];
    for (name, kind, body) in creates {
        let answer = client.post(&format!("{}{query}", app.v2(kind)), &body).await;
        for result in answer.json()["results"].as_array().unwrap() {
            ids.insert(
                result["type"].as_str().unwrap().to_owned(),
                result["id"].as_str().unwrap().to_owned(),
            );
        }
        assert_matches(&app, &answer, name, &ids);
    }
    assert_matches(&app, &client.get(&format!("{}{query}", app.v2(""))).await, "List", &ids);
    assert_matches(&app, &client.get(&app.v2("WEBHOOK")).await, "Describe", &ids);
    assert_matches(&app, &client.delete(&app.v2("WEBHOOK")).await, "Delete", &ids);
}
