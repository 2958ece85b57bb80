//! Extractors that carry the request policy, so handlers only do their one job:
//! which project (checked against the caller's roles), which integration type, the JSON
//! body (media type, size and syntax checked), and the origin for self links.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use serde_json::Value;

use super::AppState;
use super::auth::Caller;
use super::client_ip::ClientIp;
use super::error::{ApiError, BODY_LIMIT};
use super::error_code::ErrorCode;
use super::mount::Mount;
use super::query::Page;
use crate::domain::api_key::{Access, ApiKey};
use crate::domain::event::Actor;
use crate::domain::ids::GroupId;
use crate::domain::integration::IntegrationType;

pub(crate) async fn path_param(parts: &mut Parts, name: &str) -> Result<String, ApiError> {
    let params = RawPathParams::from_request_parts(parts, &()).await.map_err(|_| ApiError::unexpected())?;
    params.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_owned()).ok_or_else(|| {
        tracing::error!(name, "a route lacks its path parameter");
        ApiError::unexpected()
    })
}

/// The `{groupId}` of the path, which the caller may reach as the method needs.
#[derive(Clone, Copy, Debug)]
pub struct TargetGroup(pub GroupId);

impl FromRequestParts<AppState> for TargetGroup {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let raw = path_param(parts, "group_id").await?;
        let group = GroupId::parse(&raw).ok_or_else(|| ApiError::invalid_group_id(&raw))?;
        let Caller(key) = parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            tracing::error!("a group was resolved without an authenticated caller");
            ApiError::unexpected()
        })?;
        let needed = if parts.method == Method::GET { Access::Read } else { Access::Write };
        require_access(state, &key, group, needed).await.map(|()| TargetGroup(group))
    }
}

/// Whether `key` may reach project `group` for `needed`: the one rule of the API and the
/// console. A key that sees its whole organization learns that a project does not exist;
/// any other is told only that it is not authorized.
pub async fn require_access(
    state: &AppState,
    key: &ApiKey,
    group: GroupId,
    needed: Access,
) -> Result<(), ApiError> {
    if let Some(access) = key.access_by_project_role(group) {
        return match access >= needed {
            true => Ok(()),
            false => Err(ApiError::user_unauthorized()),
        };
    }
    let Some(project) = state.store.find_project(group).await? else {
        return Err(match key.sees_whole_organization() {
            true => ApiError::group_not_found(&group.to_string()),
            false => ApiError::user_unauthorized(),
        });
    };
    match key.access_to(&project) >= needed {
        true => Ok(()),
        false => Err(ApiError::user_unauthorized()),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = ApiError;

    /// The authenticated key and client address a change is recorded against.
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Caller(key) = parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            tracing::error!("a change was attempted without an authenticated caller");
            ApiError::unexpected()
        })?;
        let remote_address = parts.extensions.get::<ClientIp>().map(|ip| ip.0);
        Ok(Actor { api_key_id: key.id, public_key: key.public_key.clone(), remote_address })
    }
}

/// The `{integrationType}` of the path.
#[derive(Clone, Copy, Debug)]
pub struct TargetType(pub IntegrationType);

impl<S: Send + Sync> FromRequestParts<S> for TargetType {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let raw = path_param(parts, "integration_type").await?;
        IntegrationType::parse(&raw).map(TargetType).ok_or_else(|| ApiError::invalid_enum_value(&raw))
    }
}

/// Where the caller reached the service and what it called, for self links.
#[derive(Clone, Debug)]
pub struct SelfLink {
    /// `scheme://host[:port]`.
    pub origin: String,
    /// The path called, without its query.
    pub path: String,
    /// The query as sent (a list's links keep what the request asked besides the page).
    pub query: Option<String>,
}

impl FromRequestParts<AppState> for SelfLink {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let uri = parts.extensions.get::<OriginalUri>().map_or(&parts.uri, |o| &o.0);
        let path = uri.path().to_owned();
        let origin = match &state.public_url {
            Some(url) => url.to_string(),
            None => {
                let host = uri
                    .authority()
                    .map(|a| a.as_str().to_owned())
                    .or_else(|| {
                        parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_owned)
                    })
                    .unwrap_or_else(|| "localhost".to_owned());
                format!("http://{host}")
            }
        };
        Ok(SelfLink { origin, path, query: uri.query().map(str::to_owned) })
    }
}

/// What answering with a paginated list takes: the mount, the page asked for, the self link.
#[derive(Clone, Debug)]
pub struct ListReply {
    /// Where the request came in.
    pub mount: Mount,
    /// The page asked for.
    pub page: Page,
    /// The origin and path for links.
    pub at: SelfLink,
}

impl FromRequestParts<AppState> for ListReply {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ListReply {
            mount: Mount::from_request_parts(parts, state).await?,
            page: Page::from_request_parts(parts, state).await?,
            at: SelfLink::from_request_parts(parts, state).await?,
        })
    }
}

/// A JSON request body: `application/json` or Atlas's vendor type, at most 1 MiB, parsed
/// under a budget of members, values and depth ([`bounded_json`](super::bounded_json)).
#[derive(Debug)]
pub struct JsonBody(pub Value);

fn is_json_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/vnd.atlas.") && essence.ends_with("+json"))
}

fn too_large() -> ApiError {
    ApiError::new(
        ErrorCode::RequestTooLarge,
        format!("The request body is larger than the limit of {BODY_LIMIT} bytes."),
        vec![],
    )
}

/// The bytes of a JSON request body: the media type checked, at most [`BODY_LIMIT`] read.
async fn json_bytes(request: Request<Body>) -> Result<axum::body::Bytes, ApiError> {
    let headers = request.headers();
    if let Some(media_type) = headers.get(header::CONTENT_TYPE)
        && !media_type.to_str().is_ok_and(is_json_media_type)
    {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "The request body must be application/json or application/vnd.atlas.2023-01-01+json.",
            vec![],
        ));
    }
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > BODY_LIMIT as u64) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(request.into_body(), BODY_LIMIT).await.map_err(|error| {
        let over_limit = std::error::Error::source(&error)
            .is_some_and(|cause| cause.is::<http_body_util::LengthLimitError>());
        if over_limit { too_large() } else { ApiError::invalid_json("the body could not be read") }
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid_json("the body is empty"));
    }
    Ok(bytes)
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request<Body>, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_bytes(request).await?;
        super::bounded_json::parse(&bytes).map(JsonBody).map_err(ApiError::invalid_json)
    }
}

/// A JSON request body of a known shape (another system's payload, many values deep): the
/// same media types and 1 MiB as [`JsonBody`], parsed straight into `T`, whose shape bounds
/// the work rather than a budget of values.
#[derive(Debug)]
pub struct TypedJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for TypedJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request<Body>, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_bytes(request).await?;
        serde_json::from_slice(&bytes).map(TypedJson).map_err(ApiError::invalid_json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_vendor_media_types_are_bodies() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(is_json_media_type("application/vnd.atlas.2023-01-01+json"));
        assert!(!is_json_media_type("application/x-www-form-urlencoded"));
        assert!(!is_json_media_type("text/plain"));
    }
}
