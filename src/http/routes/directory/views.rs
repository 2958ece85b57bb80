//! Organizations, projects, API keys and access-list entries as the API shows them, linked
//! under the mount the caller used.

use serde_json::{Value, json};

use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::ApiKey;
use crate::domain::dates::iso_date;
use crate::domain::project::{Organization, ProjectRecord};
use crate::domain::secret::Secret;
use axum::http::StatusCode;
use axum::response::Response;

use crate::http::extract::{ListReply, SelfLink};
use crate::http::mount::Mount;
use crate::http::pagination::paginated;
use crate::http::routes::alerting_json::links_base;
use crate::http::routes::integrations::ok;

/// The page `reply` asks for of `items`, each shown by `view` (given the mount and the self
/// link's origin), as Atlas's paginated list.
pub fn list_answer<T>(
    reply: &ListReply,
    items: &[T],
    view: impl Fn(Mount, &SelfLink, &T) -> Value,
) -> Response {
    let ListReply { mount, page, at } = reply;
    let results: Vec<Value> = items
        .iter()
        .skip(page.offset())
        .take(page.items_per_page)
        .map(|item| view(*mount, at, item))
        .collect();
    ok(*mount, StatusCode::OK, &paginated(*mount, at, page, results, items.len()))
}

/// `object` with its members in alphabetical order, as Atlas writes its answers.
pub fn alphabetical(object: Value) -> Value {
    match object {
        Value::Object(members) => {
            let mut members: Vec<(String, Value)> = members.into_iter().collect();
            members.sort_by(|(a, _), (b, _)| a.cmp(b));
            Value::Object(members.into_iter().collect())
        }
        other => other,
    }
}

fn self_link(mount: Mount, at: &SelfLink, path: &str) -> Value {
    json!([{"href": format!("{}{path}", links_base(mount, at)), "rel": "self"}])
}

/// `AtlasOrganization`.
pub fn organization_json(mount: Mount, at: &SelfLink, org: &Organization) -> Value {
    json!({
        "id": org.id.to_string(),
        "isDeleted": false,
        "links": self_link(mount, at, &format!("/orgs/{}", org.id)),
        "name": org.name,
        "skipDefaultAlertsSettings": false,
    })
}

/// `Group`: no clusters are kept here, so `clusterCount` is 0.
pub fn project_json(mount: Mount, at: &SelfLink, record: &ProjectRecord) -> Value {
    let project = &record.project;
    json!({
        "clusterCount": 0,
        "created": iso_date(record.created_ms()),
        "id": project.id.to_string(),
        "links": self_link(mount, at, &format!("/groups/{}", project.id)),
        "name": project.name,
        "orgId": project.org_id.to_string(),
        "tags": record.tags,
        "withDefaultAlertsSettings": record.with_default_alerts,
    })
}

/// `ApiKeyUserDetails`; the private key only when it was just made (it is never kept).
pub fn key_json(mount: Mount, at: &SelfLink, key: &ApiKey, private_key: Option<&Secret>) -> Value {
    let mut out = json!({
        "desc": key.description,
        "id": key.id.to_string(),
        "links": self_link(mount, at, &format!("/orgs/{}/apiKeys/{}", key.org_id, key.id)),
        "publicKey": key.public_key,
        "roles": key.role_assignments(),
    });
    if let Some(private_key) = private_key {
        out["privateKey"] = json!(private_key.expose());
    }
    alphabetical(out)
}

/// `UserAccessListResponse`: a single address shows as `ipAddress` and its `/32` (or
/// `/128`) block, a wider block as `cidrBlock` only.
pub fn access_entry_json(
    mount: Mount,
    at: &SelfLink,
    key: &ApiKey,
    entry: &AccessEntry,
    added_ms: Option<i64>,
) -> Value {
    let block = entry.to_string();
    let address = entry.single_address().map(|address| address.to_string());
    let path_entry = address.clone().unwrap_or_else(|| block.replace('/', "%2F"));
    let mut out = json!({
        "cidrBlock": block,
        "links": self_link(mount, at, &format!("/orgs/{}/apiKeys/{}/accessList/{path_entry}", key.org_id, key.id)),
    });
    if let Some(address) = address {
        out["ipAddress"] = json!(address);
    }
    if let Some(added) = added_ms {
        out["created"] = json!(iso_date(added));
    }
    alphabetical(out)
}
