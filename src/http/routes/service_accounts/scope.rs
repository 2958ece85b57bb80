//! Who a request acts on: an organization (`/orgs/{orgId}/…`) or a project
//! (`/groups/{groupId}/…`) and the organization it belongs to, checked against the caller's
//! roles (reads need read access there, changes owner access); and the account a client id
//! names within it.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::Method;
use axum::http::request::Parts;

use crate::domain::api_key::{Access, ApiKey, OrgRole};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::service_account::{ServiceAccount, parse_client_id};
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;
use crate::http::extract::TargetGroup;

/// The organization or project a request acts on.
#[derive(Clone, Debug)]
pub struct Scope {
    /// The organization.
    pub org: ObjectId,
    /// The project, for `/groups/{groupId}/…`.
    pub group: Option<GroupId>,
    /// The caller.
    pub caller: std::sync::Arc<ApiKey>,
}

fn param(params: &RawPathParams, name: &str) -> Option<String> {
    params.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_owned())
}

/// What `key` may do across organization `org` by its organization roles.
fn org_access(key: &ApiKey, org: ObjectId) -> Access {
    if key.org_id != org {
        return Access::None;
    }
    let roles = &key.org_roles;
    match (roles.contains(&OrgRole::OrgOwner), roles.contains(&OrgRole::OrgReadOnly)) {
        (true, _) => Access::Write,
        (false, true) => Access::Read,
        _ => Access::None,
    }
}

/// `ORG_NOT_FOUND`.
pub fn org_not_found(raw: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OrgNotFound,
        format!("No organization with ID {raw} exists."),
        vec![raw.to_owned()],
    )
}

impl FromRequestParts<AppState> for Scope {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let params =
            RawPathParams::from_request_parts(parts, state).await.map_err(|_| ApiError::unexpected())?;
        let Caller(caller) = parts.extensions.get::<Caller>().cloned().ok_or_else(ApiError::unexpected)?;
        if param(&params, "group_id").is_some() {
            let TargetGroup(group) = TargetGroup::from_request_parts(parts, state).await?;
            let project = state
                .store
                .find_project(group)
                .await?
                .ok_or_else(|| ApiError::group_not_found(&group.to_string()))?;
            return Ok(Scope { org: project.org_id, group: Some(group), caller });
        }
        let raw = param(&params, "org_id").unwrap_or_default();
        let org = ObjectId::parse(&raw).ok_or_else(|| org_not_found(&raw))?;
        let needed = if parts.method == Method::GET { Access::Read } else { Access::Write };
        if org_access(&caller, org) < needed {
            return Err(ApiError::user_unauthorized());
        }
        Ok(Scope { org, group: None, caller })
    }
}

/// `SERVICE_ACCOUNT_NOT_FOUND`.
pub fn account_not_found(raw: &str) -> ApiError {
    let detail = format!("No service account with client ID {raw} exists here.");
    ApiError::new(ErrorCode::ServiceAccountNotFound, detail, vec![raw.to_owned()])
}

impl Scope {
    /// The account `raw` names in this organization; in a project, only if it is assigned
    /// there (or `anywhere_in_org`, for `:invite`).
    pub async fn account(
        &self,
        state: &AppState,
        raw: &str,
        anywhere_in_org: bool,
    ) -> Result<ServiceAccount, ApiError> {
        let raw = raw.strip_suffix(":invite").unwrap_or(raw);
        let id = parse_client_id(raw).ok_or_else(|| account_not_found(raw))?;
        let account =
            state.store.find_service_account(id).await?.filter(|account| account.org_id == self.org);
        let account = account.ok_or_else(|| account_not_found(raw))?;
        match self.group {
            Some(group) if !anywhere_in_org && account.roles_in(group).is_empty() => {
                Err(account_not_found(raw))
            }
            _ => Ok(account),
        }
    }

    /// Whether the caller owns the organization (what `:invite` needs).
    pub fn caller_owns_org(&self) -> bool {
        org_access(&self.caller, self.org) == Access::Write
    }
}
