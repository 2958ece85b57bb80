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

/// How long before `now_ms` the moment `ms` was, in words people read at a glance:
/// `just now`, `5 minutes ago`, `3 hours ago`, `2 days ago` (`in …` for a moment to come).
pub fn relative(ms: i64, now_ms: i64) -> String {
    let seconds = (now_ms - ms) / 1_000;
    let (amount, ahead) = (seconds.unsigned_abs(), seconds < 0);
    let (count, unit) = match amount {
        0..60 => return "just now".to_owned(),
        60..3_600 => (amount / 60, "minute"),
        3_600..86_400 => (amount / 3_600, "hour"),
        _ => (amount / 86_400, "day"),
    };
    let plural = if count == 1 { "" } else { "s" };
    match ahead {
        true => format!("in {count} {unit}{plural}"),
        false => format!("{count} {unit}{plural} ago"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_read_as_how_long_ago_they_were() {
        let now = 1_786_417_621_000;
        assert_eq!(relative(now - 30_000, now), "just now");
        assert_eq!(relative(now - 60_000, now), "1 minute ago");
        assert_eq!(relative(now - 5 * 60_000, now), "5 minutes ago");
        assert_eq!(relative(now - 3 * 3_600_000, now), "3 hours ago");
        assert_eq!(relative(now - 2 * 86_400_000, now), "2 days ago");
        assert_eq!(relative(now + 4 * 3_600_000, now), "in 4 hours");
    }

    #[test]
    fn dates_are_iso_8601_in_utc_to_the_second() {
        assert_eq!(iso_date(1_786_417_621_123), "2026-08-11T03:07:01Z");
    }
}
