//! The `{alertId}` of the path.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use crate::domain::ids::ObjectId;
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;

/// The alert the path names, as written (with any `:verb` after it).
pub struct TargetAlert {
    /// The path segment as written.
    pub raw: String,
}

impl TargetAlert {
    /// The id, if the segment (without `suffix`) is one.
    pub fn id(&self, suffix: &str) -> Option<ObjectId> {
        ObjectId::parse(self.raw.strip_suffix(suffix)?)
    }

    /// `ALERT_NOT_FOUND` for this alert in `group`.
    pub fn not_found(&self, group: impl std::fmt::Display) -> ApiError {
        let raw = self.raw.split(':').next().unwrap_or_default().to_owned();
        ApiError::new(
            ErrorCode::AlertNotFound,
            format!("No alert with ID {raw} exists in group {group}."),
            vec![raw, group.to_string()],
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for TargetAlert {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let params =
            RawPathParams::from_request_parts(parts, &()).await.map_err(|_| ApiError::unexpected())?;
        let raw = params.iter().find(|(name, _)| *name == "alert_id").map_or("", |(_, value)| value);
        Ok(TargetAlert { raw: raw.to_owned() })
    }
}
