//! What an attempt's outcome means for a notification: delivered, skipped (nothing here
//! sends it), tried again later
//! (exponential backoff with jitter from 10 s, doubling, at most 1 h apart, or as the
//! receiver's `Retry-After` says on 429 and 503, taken between 1 s and 1 h), or failed for
//! good (a 4xx other than 408, 425 and 429; a redirect; a target that cannot be sent to; or
//! 24 h after the first attempt).

/// When attempts are repeated, and until when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first wait.
    pub first_delay_ms: i64,
    /// The longest wait.
    pub max_delay_ms: i64,
    /// How long after the first attempt a notification is given up.
    pub give_up_after_ms: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { first_delay_ms: 10_000, max_delay_ms: 3_600_000, give_up_after_ms: 24 * 3_600_000 }
    }
}

/// What came back from one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver answered with this status (and `Retry-After`, in seconds, if it said one).
    Answered {
        /// The HTTP status.
        status: u16,
        /// `Retry-After`, in seconds, if the receiver said one.
        retry_after_secs: Option<u64>,
    },
    /// A mail server accepted the message.
    Accepted,
    /// No answer: the connection, TLS or a timeout failed.
    NoAnswer,
    /// Nothing can be sent there however often it is tried: the address guard refused the
    /// target, or the URL is not one.
    Undeliverable,
    /// The service answered 2xx but refused in its body (Slack's `"ok": false`); `permanent`
    /// when trying again cannot help.
    Declined {
        /// Whether the refusal is for good.
        permanent: bool,
    },
    /// This server is not set up to send it (EMAIL without an SMTP server): not tried.
    NotSent,
}

/// What to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Done.
    Delivered,
    /// Try again at this time (ms since the epoch).
    RetryAt(i64),
    /// Give up.
    Failed,
    /// Not for this server to send.
    Skipped,
}

/// The verdict on attempt number `attempts` (1 for the first), made at `now_ms`, of a
/// notification first attempted at `first_attempt_ms`; `jitter` is a number in [0, 1).
pub fn judge(
    policy: &RetryPolicy,
    outcome: &Outcome,
    attempts: u32,
    first_attempt_ms: i64,
    now_ms: i64,
    jitter: f64,
) -> Verdict {
    let retry_after = match *outcome {
        Outcome::Answered { status: 200..=299, .. } | Outcome::Accepted => return Verdict::Delivered,
        Outcome::NotSent => return Verdict::Skipped,
        Outcome::Declined { permanent: true } | Outcome::Undeliverable => return Verdict::Failed,
        Outcome::Declined { permanent: false } => None,
        Outcome::Answered { status: 429 | 503, retry_after_secs: Some(secs) } => {
            Some((secs.clamp(1, 3_600) as i64) * 1_000)
        }
        Outcome::Answered { status: 408 | 425 | 429, .. } => None,
        // Redirects are not followed (the guard would have to judge their target), and a
        // receiver that redirects will redirect again.
        Outcome::Answered { status: 300..=499, .. } => return Verdict::Failed,
        Outcome::Answered { .. } | Outcome::NoAnswer => None,
    };
    let wait = retry_after.unwrap_or_else(|| backoff(policy, attempts, jitter));
    let at = now_ms.saturating_add(wait);
    match at - first_attempt_ms > policy.give_up_after_ms {
        true => Verdict::Failed,
        false => Verdict::RetryAt(at),
    }
}

/// The wait after attempt `attempts`: 10 s doubling up to 1 h, of which the last half is
/// spread by `jitter`, so receivers that failed together are not retried together.
pub fn backoff(policy: &RetryPolicy, attempts: u32, jitter: f64) -> i64 {
    let doublings = attempts.saturating_sub(1).min(20);
    let full = (policy.first_delay_ms << doublings).min(policy.max_delay_ms);
    full / 2 + ((full / 2) as f64 * jitter.clamp(0.0, 1.0)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: RetryPolicy =
        RetryPolicy { first_delay_ms: 10_000, max_delay_ms: 3_600_000, give_up_after_ms: 86_400_000 };

    fn answered(status: u16) -> Outcome {
        Outcome::Answered { status, retry_after_secs: None }
    }

    #[test]
    fn success_is_delivered_and_permanent_refusals_fail_at_once() {
        assert_eq!(judge(&P, &answered(204), 1, 0, 0, 0.5), Verdict::Delivered);
        assert_eq!(judge(&P, &answered(400), 1, 0, 0, 0.5), Verdict::Failed);
        assert_eq!(judge(&P, &answered(404), 1, 0, 0, 0.5), Verdict::Failed);
        for retried in [408, 425, 429, 500, 502, 503] {
            assert!(matches!(judge(&P, &answered(retried), 1, 0, 0, 0.5), Verdict::RetryAt(_)), "{retried}");
        }
        assert!(matches!(judge(&P, &Outcome::NoAnswer, 1, 0, 0, 0.5), Verdict::RetryAt(_)));
        assert_eq!(judge(&P, &Outcome::Undeliverable, 1, 0, 0, 0.5), Verdict::Failed);
        assert_eq!(judge(&P, &answered(302), 1, 0, 0, 0.5), Verdict::Failed);
    }

    #[test]
    fn a_retry_after_of_zero_waits_a_second_and_a_huge_one_an_hour() {
        let now = Outcome::Answered { status: 429, retry_after_secs: Some(0) };
        assert_eq!(judge(&P, &now, 1, 0, 1_000, 0.0), Verdict::RetryAt(2_000));
        let never = Outcome::Answered { status: 503, retry_after_secs: Some(u64::MAX) };
        assert_eq!(judge(&P, &never, 1, 0, 1_000, 0.0), Verdict::RetryAt(3_601_000));
    }

    #[test]
    fn a_service_that_declines_in_its_body_is_failed_or_retried_as_it_says() {
        assert_eq!(judge(&P, &Outcome::Declined { permanent: true }, 1, 0, 0, 0.5), Verdict::Failed);
        assert_eq!(judge(&P, &Outcome::Accepted, 1, 0, 0, 0.5), Verdict::Delivered);
        assert_eq!(judge(&P, &Outcome::NotSent, 1, 0, 0, 0.5), Verdict::Skipped);
        let transient = judge(&P, &Outcome::Declined { permanent: false }, 1, 0, 0, 0.5);
        assert!(matches!(transient, Verdict::RetryAt(_)));
    }

    #[test]
    fn the_wait_doubles_from_ten_seconds_to_an_hour_with_jitter() {
        assert_eq!((backoff(&P, 1, 0.0), backoff(&P, 1, 1.0)), (5_000, 10_000));
        assert_eq!(backoff(&P, 2, 1.0), 20_000);
        assert_eq!(backoff(&P, 3, 1.0), 40_000);
        assert_eq!(backoff(&P, 30, 1.0), P.max_delay_ms);
        assert!((backoff(&P, 4, 0.3)..=backoff(&P, 4, 0.9)).contains(&backoff(&P, 4, 0.5)));
    }

    #[test]
    fn retry_after_is_honoured_on_429_and_503_and_delivery_gives_up_after_a_day() {
        let busy = Outcome::Answered { status: 503, retry_after_secs: Some(120) };
        assert_eq!(judge(&P, &busy, 1, 0, 1_000, 0.0), Verdict::RetryAt(121_000));
        let late = P.give_up_after_ms - 1_000;
        assert_eq!(judge(&P, &answered(500), 12, 0, late, 0.5), Verdict::Failed);
    }
}
