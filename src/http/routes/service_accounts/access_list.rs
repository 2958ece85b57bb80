//! An account's API access list: list it, add entries (each an `ipAddress` or a
//! `cidrBlock`), remove one. Its API calls must come from these addresses; its tokens can be
//! minted from anywhere, as Atlas has it.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::scope::Scope;
use super::{answer, no_content, view};
use crate::domain::access_list::AccessEntry;
use crate::domain::service_account::ServiceAccount;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::{JsonBody, ListReply};
use crate::http::pagination::paginated;

/// The most entries one request may add, as the spec allows.
const MAX_ENTRIES_PER_REQUEST: usize = 200;

fn invalid(reason: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidAttribute, format!("Invalid attribute: {reason}."), vec![reason])
}

fn page(reply: &ListReply, account: &ServiceAccount) -> Response {
    let page = &reply.page;
    let results = account
        .access_list
        .iter()
        .skip(page.offset())
        .take(page.items_per_page)
        .map(|(entry, created)| view::entry(entry, *created))
        .collect();
    answer(StatusCode::OK, &paginated(reply.mount, &reply.at, page, results, account.access_list.len()))
}

/// `GET …/serviceAccounts/{clientId}/accessList`.
pub async fn list(
    State(state): State<AppState>,
    scope: Scope,
    Path(path): Path<HashMap<String, String>>,
    reply: ListReply,
) -> Result<Response, ApiError> {
    let account = scope.account(&state, &path["client_id"], false).await?;
    Ok(page(&reply, &account))
}

/// One entry of the body: `{"ipAddress": …}` or `{"cidrBlock": …}`, not both.
fn entry_of(item: &serde_json::Value) -> Result<AccessEntry, ApiError> {
    let object = item.as_object().ok_or_else(|| invalid("each entry must be an object".into()))?;
    if let Some(unknown) = object.keys().find(|key| *key != "ipAddress" && *key != "cidrBlock") {
        return Err(invalid(format!("{unknown} is not an attribute of an access list entry")));
    }
    let given = |name: &str| object.get(name).filter(|value| !value.is_null());
    let text = match (given("ipAddress"), given("cidrBlock")) {
        (Some(address), None) => address.as_str().filter(|text| !text.contains('/')),
        (None, Some(block)) => block.as_str().filter(|text| text.contains('/')),
        _ => return Err(invalid("each entry needs ipAddress or cidrBlock, not both".into())),
    };
    let text =
        text.ok_or_else(|| invalid("ipAddress must be one address and cidrBlock a block with /".into()))?;
    text.parse().map_err(invalid)
}

/// `POST …/serviceAccounts/{clientId}/accessList`: adds the entries, answers the list.
pub async fn add(
    State(state): State<AppState>,
    scope: Scope,
    Path(path): Path<HashMap<String, String>>,
    reply: ListReply,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let account = scope.account(&state, &path["client_id"], false).await?;
    let items = body.as_array().ok_or_else(|| invalid("the body must be a list of entries".into()))?;
    if items.is_empty() || items.len() > MAX_ENTRIES_PER_REQUEST {
        return Err(invalid(format!("give 1 to {MAX_ENTRIES_PER_REQUEST} entries")));
    }
    let entries = items.iter().map(entry_of).collect::<Result<Vec<_>, _>>()?;
    for entry in entries {
        state.store.add_service_account_access_entry(account.id, entry).await?;
    }
    let account = scope.account(&state, &path["client_id"], false).await?;
    Ok(page(&reply, &account))
}

/// `DELETE …/serviceAccounts/{clientId}/accessList/{ipAddress}` (a block with its `/`
/// encoded as `%2F`).
pub async fn remove(
    State(state): State<AppState>,
    scope: Scope,
    Path(path): Path<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let account = scope.account(&state, &path["client_id"], false).await?;
    let raw = &path["entry"];
    let not_found = || {
        let detail = format!("{raw} is not on the service account's access list.");
        ApiError::new(ErrorCode::ResourceNotFound, detail, vec![raw.clone()])
    };
    let entry: AccessEntry = raw.parse().map_err(|_| not_found())?;
    match state.store.remove_service_account_access_entry(account.id, entry).await? {
        true => Ok(no_content()),
        false => Err(not_found()),
    }
}
