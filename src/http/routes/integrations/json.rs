//! Wire shapes of the resource: the bare integration object and the paginated list that
//! list, create and update answer, with its self link in the mount's form.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::domain::ids::GroupId;
use crate::domain::integration::{Integration, Operation};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::SelfLink;
use crate::http::mount::Mount;
use crate::http::query::Page;

/// A success answer with the mount's media type.
pub fn ok(mount: Mount, status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).expect("JSON values always serialise");
    (status, [(header::CONTENT_TYPE, mount.media_type())], bytes).into_response()
}

fn link(mount: Mount, at: &SelfLink, page: &Page, page_num: usize, rel: &str) -> Value {
    let query = match mount {
        Mount::AtlasV2 => format!(
            "includeCount={}&pageNum={page_num}&itemsPerPage={}",
            page.include_count, page.items_per_page
        ),
        Mount::AtlasV1 | Mount::OpsManagerV1 => {
            format!("pageNum={page_num}&itemsPerPage={}", page.items_per_page)
        }
    };
    json!({"href": format!("{}{}?{query}", at.origin, at.path), "rel": rel})
}

/// The paginated list `{links, results, totalCount}` of a project's integrations.
pub fn page_of(mount: Mount, at: &SelfLink, page: &Page, integrations: &[Integration]) -> Value {
    let start = (page.page_num - 1).saturating_mul(page.items_per_page);
    let results: Vec<Value> = integrations
        .iter()
        .skip(start)
        .take(page.items_per_page)
        .map(|integration| Value::Object(integration.to_wire()))
        .collect();
    let mut links = vec![link(mount, at, page, page.page_num, "self")];
    if page.page_num > 1 {
        links.push(link(mount, at, page, page.page_num - 1, "previous"));
    }
    if start.saturating_add(page.items_per_page) < integrations.len() {
        links.push(link(mount, at, page, page.page_num + 1, "next"));
    }
    let mut body = Map::new();
    body.insert("links".into(), Value::Array(links));
    body.insert("results".into(), Value::Array(results));
    if page.include_count {
        body.insert("totalCount".into(), json!(integrations.len()));
    }
    Value::Object(body)
}

/// Applies a write and answers as POST and PUT do: 200 with the project's whole list.
pub async fn change_and_list(
    state: &AppState,
    mount: Mount,
    group: GroupId,
    page: &Page,
    at: &SelfLink,
    operation: Operation<'_>,
) -> Result<Response, ApiError> {
    let integrations = state.store.change_integration(group, operation).await?;
    Ok(ok(mount, StatusCode::OK, &page_of(mount, at, page, &integrations)))
}
