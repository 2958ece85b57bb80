//! The `{alertConfigId}` of the path, and how a refused configuration is answered.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use crate::domain::ids::ObjectId;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;

/// The configuration the path names (its id as written, for errors).
pub struct TargetConfig {
    /// The id, if it is one.
    pub id: Option<ObjectId>,
    /// The id as written.
    pub raw: String,
}

impl TargetConfig {
    /// `ALERT_CONFIG_NOT_FOUND` for this id in `group`.
    pub fn not_found(&self, group: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            ErrorCode::AlertConfigNotFound,
            format!("No alert configuration with ID {} exists in group {group}.", self.raw),
            vec![self.raw.clone(), group.to_string()],
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for TargetConfig {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let params =
            RawPathParams::from_request_parts(parts, &()).await.map_err(|_| ApiError::unexpected())?;
        let raw = params.iter().find(|(name, _)| *name == "alert_config_id").map_or("", |(_, value)| value);
        Ok(TargetConfig { id: ObjectId::parse(raw), raw: raw.to_owned() })
    }
}

/// `INVALID_ATTRIBUTE` with the reason a configuration was refused.
pub fn invalid(reason: String) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidAttribute,
        format!("Invalid alert configuration: {reason}."),
        vec![reason],
    )
}
