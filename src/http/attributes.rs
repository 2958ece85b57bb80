//! The two refusals every request body shares: an attribute missing, or one that is wrong.

use super::error::ApiError;
use super::error_code::ErrorCode;

/// `400 INVALID_ATTRIBUTE`, with what is wrong.
pub fn invalid_attribute(reason: impl Into<String>) -> ApiError {
    let reason = reason.into();
    ApiError::new(ErrorCode::InvalidAttribute, format!("Invalid attribute: {reason}."), vec![reason])
}

/// `400 MISSING_ATTRIBUTE` for `name`.
pub fn missing_attribute(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::MissingAttribute,
        format!("The required attribute {name} was not specified."),
        vec![name.to_owned()],
    )
}
