//! The filters of the events list: `eventType` (repeatable), `minDate`, `maxDate` (ISO 8601,
//! a date or a date and time in UTC).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::domain::event::{EventFilter, EventType};
use crate::http::error::ApiError;

/// A checked filter.
pub struct Filter(pub EventFilter);

fn parse_ms(name: &str, text: &str) -> Result<i64, ApiError> {
    let at = OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| {
            Date::parse(text, format_description!("[year]-[month]-[day]")).map(|d| d.midnight().assume_utc())
        })
        .map_err(|_| {
            ApiError::invalid_query_parameter(name, "expected an ISO 8601 date, e.g. 2026-08-10T03:07:01Z")
        })?;
    Ok((at.unix_timestamp_nanos() / 1_000_000) as i64)
}

impl<S: Send + Sync> FromRequestParts<S> for Filter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let mut filter = EventFilter::default();
        let query = parts.uri.query().unwrap_or("");
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match name.as_ref() {
                "eventType" => filter.types.push(EventType::parse(&value).ok_or_else(|| {
                    ApiError::invalid_query_parameter(
                        "eventType",
                        "expected INTEGRATION_CONFIGURED or INTEGRATION_REMOVED",
                    )
                })?),
                "minDate" => filter.min_ms = Some(parse_ms("minDate", &value)?),
                "maxDate" => filter.max_ms = Some(parse_ms("maxDate", &value)?),
                _ => {}
            }
        }
        filter.types.sort_by_key(|kind| kind.as_str());
        filter.types.dedup();
        Ok(Filter(filter))
    }
}
