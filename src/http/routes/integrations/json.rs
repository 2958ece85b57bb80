//! Wire shapes of the resource: the bare integration object and the paginated list that
//! list, create and update answer.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::event::Actor;
use crate::domain::ids::GroupId;
use crate::domain::integration::{Integration, Operation, Wire};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{ListReply, SelfLink};
use crate::http::mount::Mount;
use crate::http::pagination::{Paginated, paginated};
use crate::http::query::Page;

/// A success answer with the mount's media type.
pub fn ok(mount: Mount, status: StatusCode, body: &impl Serialize) -> Response {
    let bytes = serde_json::to_vec(body).expect("JSON values always serialise");
    (status, [(header::CONTENT_TYPE, mount.media_type())], bytes).into_response()
}

/// `204 No Content`, with the mount's media type on v2 (as Atlas sends it).
pub fn no_content(mount: Mount) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    if mount.is_versioned() {
        response.headers_mut().insert(header::CONTENT_TYPE, mount.media_type());
    }
    response
}

/// The paginated list `{links, results, totalCount}` of a project's integrations.
pub fn page_of<'a>(
    mount: Mount,
    at: &SelfLink,
    page: &Page,
    integrations: &'a [Integration],
) -> Paginated<Wire<'a>> {
    let results =
        integrations.iter().skip(page.offset()).take(page.items_per_page).map(Integration::wire).collect();
    paginated(mount, at, page, results, integrations.len())
}

/// Applies a write and answers as POST and PUT do: 200 with the project's whole list.
pub async fn change_and_list(
    state: &AppState,
    group: GroupId,
    reply: &ListReply,
    operation: Operation<'_>,
    actor: &Actor,
) -> Result<Response, ApiError> {
    let integrations = state.store.change_integration(group, operation, actor).await?;
    Ok(ok(reply.mount, StatusCode::OK, &page_of(reply.mount, &reply.at, &reply.page, &integrations)))
}
