//! OAuth's error answer (RFC 6749 §5.2): `{"error", "error_description"}`, 400, or 401 with a
//! Basic challenge when the client failed to authenticate; never cached.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An OAuth error.
#[derive(Debug)]
pub struct OAuthError {
    status: StatusCode,
    code: &'static str,
    description: String,
    retry_after: Option<u64>,
}

impl OAuthError {
    /// What went wrong, in words.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// `invalid_request` (400): the request is malformed.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_request",
            description: description.into(),
            retry_after: None,
        }
    }

    /// `invalid_client` (401): the client's credentials are missing or wrong.
    pub fn invalid_client(description: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::UNAUTHORIZED,
            code: "invalid_client",
            description: description.into(),
            retry_after: None,
        }
    }

    /// `unsupported_grant_type` (400).
    pub fn unsupported_grant_type(grant: &str) -> Self {
        let description = format!("grant_type {grant} is not supported; use client_credentials");
        OAuthError {
            status: StatusCode::BAD_REQUEST,
            code: "unsupported_grant_type",
            description,
            retry_after: None,
        }
    }

    /// `unauthorized_client` (400): the token belongs to another client.
    pub fn unauthorized_client(description: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::BAD_REQUEST,
            code: "unauthorized_client",
            description: description.into(),
            retry_after: None,
        }
    }

    /// 429: too many failed authentications of this client from this address.
    pub fn throttled(retry_after: u64) -> Self {
        let description = format!(
            "too many failed authentications of this client from this address; retry in {retry_after} s"
        );
        OAuthError {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: "invalid_client",
            description,
            retry_after: Some(retry_after),
        }
    }

    /// `server_error` (503): the database could not answer.
    pub fn unavailable(description: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "server_error",
            description: description.into(),
            retry_after: Some(1),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.code, "error_description": self.description});
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        no_store(headers);
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"MongoDB Atlas OAuth\""),
            );
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// `Cache-Control: no-store` and `Pragma: no-cache`, as RFC 6749 §5.1 asks of token answers.
pub fn no_store(headers: &mut axum::http::HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}
