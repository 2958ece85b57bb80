//! An organization key's API access list: listed and read by the organization's members,
//! changed by its owners. An entry is an address (`ipAddress`) or a block (`cidrBlock`); the
//! path names either, a block with its `/` encoded as `%2F`.

use axum::extract::{RawPathParams, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::body::{refuse_unknown, string};
use super::org_keys::key_param;
use super::scope::{TargetOrg, key_in};
use super::views::{access_entry_json, list_answer};
use crate::domain::access_list::AccessEntry;
use crate::domain::api_key::ApiKey;
use crate::http::AppState;
use crate::http::attributes::invalid_attribute;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::{JsonBody, ListReply, SelfLink};
use crate::http::mount::Mount;
use crate::http::query::Flags;
use crate::http::routes::integrations::{no_content, ok};

/// The most entries one request adds.
const MOST_PER_REQUEST: usize = 100;

fn entry_param(params: &RawPathParams) -> String {
    let raw = params.iter().find(|(key, _)| *key == "ip_address").map(|(_, value)| value).unwrap_or_default();
    raw.replace("%2F", "/").replace("%2f", "/")
}

fn entry_not_found(key: &ApiKey, raw: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ApiKeyAccessListEntryNotFound,
        format!("{raw} is not on the access list of API key {}.", key.id),
        vec![raw.to_owned(), key.id.to_string()],
    )
}

/// One request item: exactly one of `ipAddress` and `cidrBlock`.
fn requested_entry(item: &Value) -> Result<AccessEntry, ApiError> {
    let item = item.as_object().ok_or_else(|| invalid_attribute("each entry must be an object"))?;
    refuse_unknown(item, &["ipAddress", "cidrBlock"], &[])?;
    let text = match (item.get("ipAddress"), item.get("cidrBlock")) {
        (Some(address), None) => {
            let address = string(address, "ipAddress")?;
            address
                .parse::<std::net::IpAddr>()
                .map_err(|_| invalid_attribute(format!("ipAddress {address:?} is not an IP address")))?;
            address
        }
        (None, Some(block)) => {
            let block = string(block, "cidrBlock")?;
            if !block.contains('/') {
                return Err(invalid_attribute(format!(
                    "cidrBlock {block:?} has no prefix length (e.g. 203.0.113.0/24)"
                )));
            }
            block
        }
        _ => return Err(invalid_attribute("each entry takes exactly one of ipAddress and cidrBlock")),
    };
    text.parse().map_err(invalid_attribute)
}

async fn page(state: &AppState, reply: &ListReply, key: &ApiKey) -> Result<Response, ApiError> {
    let entries = state.store.api_key_access_entries(key.id).await?;
    Ok(list_answer(reply, &entries, |mount, at, (entry, added)| {
        access_entry_json(mount, at, key, entry, *added)
    }))
}

/// The key's entries, oldest first.
pub async fn list(
    State(state): State<AppState>,
    reply: ListReply,
    target: TargetOrg,
    params: RawPathParams,
) -> Result<Response, ApiError> {
    let key = key_in(&state, target.org.id, &key_param(&params)).await?;
    page(&state, &reply, &key).await
}

/// Adds entries (one already there is left as it is); answers with the whole list. Every
/// entry is checked before any is added.
pub async fn add(
    State(state): State<AppState>,
    reply: ListReply,
    target: TargetOrg,
    params: RawPathParams,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let key = key_in(&state, target.org.id, &key_param(&params)).await?;
    let items =
        body.as_array().ok_or_else(|| ApiError::invalid_json("the body must be a JSON array of entries"))?;
    if items.is_empty() || items.len() > MOST_PER_REQUEST {
        return Err(invalid_attribute(format!("a request adds 1 to {MOST_PER_REQUEST} entries")));
    }
    let entries = items.iter().map(requested_entry).collect::<Result<Vec<_>, _>>()?;
    for entry in entries {
        state.store.add_access_entry(&key.public_key, entry).await?;
    }
    page(&state, &reply, &key).await
}

/// The key and the entry the path names (as written there, for the error), the key found in
/// the organization; an entry that does not parse is one the key does not have.
async fn named_entry(
    state: &AppState,
    target: &TargetOrg,
    params: &RawPathParams,
) -> Result<(ApiKey, AccessEntry, String), ApiError> {
    let key = key_in(state, target.org.id, &key_param(params)).await?;
    let raw = entry_param(params);
    let entry = raw.parse().map_err(|_| entry_not_found(&key, &raw))?;
    Ok((key, entry, raw))
}

/// One entry.
pub async fn get(
    State(state): State<AppState>,
    mount: Mount,
    at: SelfLink,
    target: TargetOrg,
    params: RawPathParams,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let (key, wanted, raw) = named_entry(&state, &target, &params).await?;
    let entries = state.store.api_key_access_entries(key.id).await?;
    let (entry, added) =
        entries.into_iter().find(|(entry, _)| *entry == wanted).ok_or_else(|| entry_not_found(&key, &raw))?;
    Ok(ok(mount, StatusCode::OK, &access_entry_json(mount, &at, &key, &entry, added)))
}

/// Removes one entry; the key works from any address again once its list is empty.
pub async fn remove(
    State(state): State<AppState>,
    mount: Mount,
    target: TargetOrg,
    params: RawPathParams,
    _flags: Flags,
) -> Result<Response, ApiError> {
    let (key, entry, raw) = named_entry(&state, &target, &params).await?;
    state.store.remove_access_entry(&key.public_key, entry).await.map_err(|error| match error {
        crate::store::StoreError::NotFound(_) => entry_not_found(&key, &raw),
        other => other.into(),
    })?;
    Ok(no_content(mount))
}
