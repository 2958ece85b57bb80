//! `GET /alertConfigs/matchers/fieldNames`: every field name a matcher may compare.

use axum::http::StatusCode;
use axum::response::Response;

use crate::domain::alerts::catalog::all_matcher_fields;
use crate::http::error::ApiError;
use crate::http::mount::Mount;
use crate::http::query::Flags;
use crate::http::routes::integrations::ok;

/// The field names, as a JSON list of strings (any authenticated caller).
pub async fn field_names(mount: Mount, _flags: Flags) -> Result<Response, ApiError> {
    Ok(ok(mount, StatusCode::OK, &all_matcher_fields()))
}
