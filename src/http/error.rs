//! The one error type of the wire: every failure becomes Atlas's envelope
//! `{"detail","error","errorCode","parameters","reason"}` with an `X-Error-Code` header.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error_code::ErrorCode;
use crate::domain::integration::{ChangeError, SettingsError};
use crate::store::StoreError;

/// Bodies larger than this are refused with 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The Atlas code, which also fixes the status.
    pub code: ErrorCode,
    /// The sentence for people.
    pub detail: String,
    /// The values the detail names.
    pub parameters: Vec<String>,
    /// Seconds for `Retry-After`, on 429 and 503.
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct Envelope<'a> {
    detail: &'a str,
    error: u16,
    #[serde(rename = "errorCode")]
    error_code: &'a str,
    parameters: &'a [String],
    reason: &'a str,
}

impl ApiError {
    /// An error with its detail and parameters.
    pub fn new(code: ErrorCode, detail: impl Into<String>, parameters: Vec<String>) -> Self {
        ApiError { code, detail: detail.into(), parameters, retry_after: None }
    }

    /// `INVALID_ENUM_VALUE` for a path type outside the enum.
    pub fn invalid_enum_value(value: &str) -> Self {
        Self::new(
            ErrorCode::InvalidEnumValue,
            format!("An invalid enumeration value {value} was specified."),
            vec![value.to_owned()],
        )
    }

    /// `INVALID_GROUP_ID` for a malformed group id.
    pub fn invalid_group_id(value: &str) -> Self {
        Self::new(
            ErrorCode::InvalidGroupId,
            format!("An invalid group ID {value} was specified."),
            vec![value.to_owned()],
        )
    }

    /// `GROUP_NOT_FOUND`.
    pub fn group_not_found(group: &str) -> Self {
        Self::new(
            ErrorCode::GroupNotFound,
            format!("No group with ID {group} exists."),
            vec![group.to_owned()],
        )
    }

    /// `USER_UNAUTHORIZED`: authenticated, but without the role.
    pub fn user_unauthorized() -> Self {
        Self::new(
            ErrorCode::UserUnauthorized,
            "Current user is not authorized to perform this action.",
            vec![],
        )
    }

    /// `INVALID_JSON` with what the parser said.
    pub fn invalid_json(why: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::InvalidJson, format!("Received JSON is malformed: {why}."), vec![])
    }

    /// `INVALID_QUERY_PARAMETER` for `name`.
    pub fn invalid_query_parameter(name: &str, rule: &str) -> Self {
        Self::new(
            ErrorCode::InvalidQueryParameter,
            format!("Invalid query parameter {name} specified: {rule}."),
            vec![name.to_owned()],
        )
    }

    /// `SERVICE_UNAVAILABLE`: the database cannot be reached; retry shortly.
    pub fn service_unavailable() -> Self {
        let mut error = Self::new(
            ErrorCode::ServiceUnavailable,
            "The service cannot reach its database; nothing was changed. Retry shortly.",
            vec![],
        );
        error.retry_after = Some(1);
        error
    }

    /// `RATE_LIMITED`: over `limit` requests this window; retry in `retry_after` seconds.
    pub fn rate_limited(limit: u32, retry_after: u64) -> Self {
        let mut error = Self::new(
            ErrorCode::RateLimited,
            format!(
                "You have exceeded the limit of {limit} requests in this window; retry in {retry_after} s."
            ),
            vec![],
        );
        error.retry_after = Some(retry_after);
        error
    }

    /// `RATE_LIMITED` for a public key that failed to authenticate too often from one address.
    pub fn too_many_failures(retry_after: u64) -> Self {
        let mut error = Self::new(
            ErrorCode::RateLimited,
            format!(
                "Too many failed authentications for this key from this address; retry in {retry_after} s."
            ),
            vec![],
        );
        error.retry_after = Some(retry_after);
        error
    }

    /// `IP_ADDRESS_NOT_ON_ACCESS_LIST`, naming the address.
    pub fn not_on_access_list(ip: std::net::IpAddr) -> Self {
        Self::new(
            ErrorCode::IpAddressNotOnAccessList,
            format!("IP address {ip} is not allowed to access this resource."),
            vec![ip.to_string()],
        )
    }

    /// `UNEXPECTED_ERROR`; the cause must already be logged.
    pub fn unexpected() -> Self {
        Self::new(ErrorCode::UnexpectedError, "Unexpected error.", vec![])
    }

    /// The envelope as compact JSON.
    pub fn body(&self) -> Vec<u8> {
        let status = self.code.status();
        let envelope = Envelope {
            detail: &self.detail,
            error: status.as_u16(),
            error_code: self.code.as_str(),
            parameters: &self.parameters,
            reason: status.canonical_reason().unwrap_or(""),
        };
        serde_json::to_vec(&envelope).expect("the error envelope always serialises")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.code.status(), self.body()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert("x-error-code", HeaderValue::from_static(self.code.as_str()));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<SettingsError> for ApiError {
    fn from(error: SettingsError) -> Self {
        match error {
            SettingsError::NotAnObject => Self::invalid_json("the body must be a JSON object"),
            SettingsError::MissingAttribute(name) => Self::new(
                ErrorCode::MissingAttribute,
                format!("The required attribute {name} was not specified."),
                vec![name],
            ),
            SettingsError::InvalidAttribute(name) => Self::new(
                ErrorCode::InvalidAttribute,
                format!("Invalid attribute {name} specified."),
                vec![name],
            ),
            SettingsError::FieldOfAnotherType(name) => Self::new(
                ErrorCode::IntegrationFieldsInvalid,
                "At least one integration field is invalid.".to_owned(),
                vec![name],
            ),
            SettingsError::Invalid { kind, reason } => Self::new(
                ErrorCode::InvalidIntegrationSettings,
                format!("The provided settings for the {kind} integration were invalid: {reason}."),
                vec![kind.as_str().to_owned(), reason],
            ),
        }
    }
}

impl From<ChangeError> for ApiError {
    fn from(error: ChangeError) -> Self {
        match error {
            ChangeError::Settings(settings) => settings.into(),
            ChangeError::AlreadyConfigured(kind) => Self::new(
                ErrorCode::IntegrationAlreadyConfigured,
                format!("The integration of type '{kind}' is already configured for this group."),
                vec![kind.as_str().to_owned()],
            ),
            ChangeError::NotConfigured(kind) => Self::new(
                ErrorCode::IntegrationNotConfigured,
                format!("The integration of type '{kind}' is not configured for this group."),
                vec![kind.as_str().to_owned()],
            ),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Rejected(change) => change.into(),
            StoreError::LimitReached(detail) => {
                ApiError::new(ErrorCode::AlertConfigLimitReached, detail, vec![])
            }
            StoreError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                Self::service_unavailable()
            }
            other => {
                tracing::error!(error = %other, "request failed in the store");
                Self::unexpected()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::integration::IntegrationType;

    #[test]
    fn the_envelope_is_compact_with_keys_in_atlas_order() {
        let body = ApiError::group_not_found("111111111111111111111111").body();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"detail":"No group with ID 111111111111111111111111 exists.","error":404,"errorCode":"GROUP_NOT_FOUND","parameters":["111111111111111111111111"],"reason":"Not Found"}"#
        );
    }

    #[test]
    fn invalid_settings_carry_the_type_and_reason_as_parameters() {
        let error: ApiError = SettingsError::Invalid {
            kind: IntegrationType::Datadog,
            reason: "apiKey must be a hexadecimal string".into(),
        }
        .into();
        assert_eq!(
            error.detail,
            "The provided settings for the DATADOG integration were invalid: apiKey must be a hexadecimal string."
        );
        assert_eq!(error.parameters, vec!["DATADOG", "apiKey must be a hexadecimal string"]);
    }
}
