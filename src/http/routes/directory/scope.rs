//! Whom a request of this resource acts on: the organization of `{orgId}` (its members read,
//! its owners change), a key of it (`{apiUserId}`), or a project's (see
//! [`TargetGroup`](crate::http::extract::TargetGroup)). Each refusal says which.

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;

use crate::domain::api_key::ApiKey;
use crate::domain::ids::ObjectId;
use crate::domain::project::Organization;
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::path_param;

/// `404 ORG_NOT_FOUND`.
pub fn org_not_found(raw: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OrgNotFound,
        format!("No organization with ID {raw} exists."),
        vec![raw.to_owned()],
    )
}

/// The `{orgId}` of the path: the caller's own organization; reads need membership, changes
/// `ORG_OWNER`.
#[derive(Clone, Debug)]
pub struct TargetOrg {
    /// The organization.
    pub org: Organization,
}

impl FromRequestParts<AppState> for TargetOrg {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let raw = path_param(parts, "org_id").await?;
        let Caller(caller) = Caller::from_request_parts(parts, state).await?;
        let id = ObjectId::parse(&raw).ok_or_else(|| org_not_found(&raw))?;
        if !caller.is_member_of(id) {
            return Err(ApiError::user_unauthorized());
        }
        if parts.method != Method::GET && !caller.owns_organization(id) {
            return Err(ApiError::user_unauthorized());
        }
        let org = state.store.find_organization(id).await?.ok_or_else(|| org_not_found(&raw))?;
        Ok(TargetOrg { org })
    }
}

/// `404 API_KEY_NOT_FOUND`.
pub fn key_not_found(raw: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ApiKeyNotFound,
        format!("No API key with ID {raw} exists."),
        vec![raw.to_owned()],
    )
}

/// The live key `{apiUserId}` names in organization `org`.
pub async fn key_in(state: &AppState, org: ObjectId, raw: &str) -> Result<ApiKey, ApiError> {
    let id = ObjectId::parse(raw).ok_or_else(|| key_not_found(raw))?;
    let key = state.store.api_key_by_id(id).await?.filter(|key| key.org_id == org);
    key.ok_or_else(|| key_not_found(raw))
}
