//! Dates as Atlas writes them.

use time::OffsetDateTime;
use time::macros::format_description;

/// `2026-08-10T03:07:01Z`: ISO 8601 in UTC, to the second.
pub fn iso_date(ms: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    at.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
        .expect("dates within range always format")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_8601_in_utc_to_the_second() {
        assert_eq!(iso_date(1_786_417_621_123), "2026-08-11T03:07:01Z");
    }
}
