//! The three mounts of the resource (Atlas v1.0, Atlas v2 and Ops Manager's public v1.0),
//! their media types, and v2's version negotiation through `Accept`.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use time::Date;
use time::macros::{date, format_description};

use super::error::ApiError;
use super::error_code::ErrorCode;

/// The one version of this resource in the v2 API.
pub const RESOURCE_VERSION: Date = date!(2023 - 01 - 01);

/// The v2 media type of success bodies.
pub const V2_MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json;charset=utf-8";

/// Where a request came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mount {
    /// `/api/atlas/v1.0`
    AtlasV1,
    /// `/api/atlas/v2`
    AtlasV2,
    /// `/api/public/v1.0` (Ops Manager)
    OpsManagerV1,
}

impl Mount {
    /// Every mount.
    pub const ALL: [Mount; 3] = [Mount::AtlasV1, Mount::AtlasV2, Mount::OpsManagerV1];

    /// The path prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            Mount::AtlasV1 => "/api/atlas/v1.0",
            Mount::AtlasV2 => "/api/atlas/v2",
            Mount::OpsManagerV1 => "/api/public/v1.0",
        }
    }

    /// Whether the mount negotiates a version date (v2).
    pub fn is_versioned(self) -> bool {
        self == Mount::AtlasV2
    }

    /// The `Content-Type` of success answers.
    pub fn media_type(self) -> HeaderValue {
        match self {
            Mount::AtlasV2 => HeaderValue::from_static(V2_MEDIA_TYPE),
            Mount::AtlasV1 | Mount::OpsManagerV1 => HeaderValue::from_static("application/json"),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Mount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Mount>().copied().ok_or_else(|| {
            tracing::error!("a route of the resource was reached without its mount");
            ApiError::unexpected()
        })
    }
}

/// Middleware for v2: refuses an `Accept` that names no version this API serves.
pub async fn negotiate_version(request: Request, next: Next) -> Response {
    match negotiate(request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

fn negotiate(headers: &HeaderMap) -> Result<(), ApiError> {
    let mut ranges = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|range| range.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .filter(|range| !range.is_empty())
        .peekable();
    if ranges.peek().is_none() {
        return Ok(());
    }
    let mut wildcard = false;
    let mut refused_version = None;
    for range in ranges {
        if let Some(version) =
            range.strip_prefix("application/vnd.atlas.").and_then(|r| r.strip_suffix("+json"))
        {
            let format = format_description!("[year]-[month]-[day]");
            match Date::parse(version, &format) {
                Ok(date) if date >= RESOURCE_VERSION => return Ok(()),
                _ => refused_version = refused_version.or(Some(version.to_owned())),
            }
        }
        wildcard |= range == "*/*" || range == "application/*";
    }
    if let Some(version) = refused_version {
        return Err(ApiError::new(
            ErrorCode::InvalidVersionDate,
            format!(
                "The version date {version} is invalid or predates this resource; \
                 request application/vnd.atlas.2023-01-01+json."
            ),
            vec![version],
        ));
    }
    if wildcard {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::NotAcceptable,
        "The Accept header names no media type this API serves; \
         request application/vnd.atlas.2023-01-01+json.",
        vec![],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_links_know_every_mounts_prefix() {
        for mount in Mount::ALL {
            assert!(
                crate::domain::alerts::delivery::API_PREFIXES.contains(&mount.prefix()),
                "{}",
                mount.prefix()
            );
        }
    }

    fn accept(values: &[&str]) -> Result<(), ErrorCode> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        }
        negotiate(&headers).map_err(|e| e.code)
    }

    #[test]
    fn the_resource_version_and_later_dates_are_served() {
        assert_eq!(accept(&["application/vnd.atlas.2023-01-01+json"]), Ok(()));
        assert_eq!(accept(&["application/vnd.atlas.2025-03-12+json"]), Ok(()));
        assert_eq!(accept(&["application/json, application/vnd.atlas.2024-05-30+json;q=0.9"]), Ok(()));
    }

    #[test]
    fn no_accept_and_wildcards_are_served() {
        assert_eq!(accept(&[]), Ok(()));
        assert_eq!(accept(&["*/*"]), Ok(()));
    }

    #[test]
    fn early_or_malformed_dates_are_refused() {
        assert_eq!(accept(&["application/vnd.atlas.2022-12-31+json"]), Err(ErrorCode::InvalidVersionDate));
        assert_eq!(accept(&["application/vnd.atlas.2023-13-01+json"]), Err(ErrorCode::InvalidVersionDate));
        assert_eq!(accept(&["application/vnd.atlas.latest+json"]), Err(ErrorCode::InvalidVersionDate));
    }

    #[test]
    fn other_media_types_are_not_acceptable() {
        assert_eq!(accept(&["application/json"]), Err(ErrorCode::NotAcceptable));
        assert_eq!(accept(&["text/html"]), Err(ErrorCode::NotAcceptable));
    }
}
