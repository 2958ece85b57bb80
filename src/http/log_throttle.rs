//! At most one log line per interval for an event that a client can repeat at will, with the
//! exact count of the occurrences not logged, so that logs stay readable and cannot be
//! turned into a disk flood.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Decides which occurrences of one event are logged.
pub struct LogThrottle {
    interval: Duration,
    state: Mutex<(Option<Instant>, u64)>,
}

impl LogThrottle {
    /// At most one line per `interval`.
    pub fn new(interval: Duration) -> Self {
        LogThrottle { interval, state: Mutex::new((None, 0)) }
    }

    /// `Some(n)` when this occurrence is to be logged, `n` being how many were not logged
    /// since the last line; `None` when it is only counted.
    pub fn allow(&self) -> Option<u64> {
        self.allow_at(Instant::now())
    }

    fn allow_at(&self, now: Instant) -> Option<u64> {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (last, suppressed) = &mut *state;
        match *last {
            Some(at) if now.duration_since(at) < self.interval => {
                *suppressed += 1;
                None
            }
            _ => {
                *last = Some(now);
                Some(std::mem::take(suppressed))
            }
        }
    }

    /// Occurrences not logged since the last line, now counted as reported (for a summary
    /// written when the interval has passed without a new occurrence).
    pub fn take_suppressed(&self) -> u64 {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        std::mem::take(&mut state.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_interval_with_the_exact_count_of_the_rest() {
        let throttle = LogThrottle::new(Duration::from_secs(10));
        let start = Instant::now();
        assert_eq!(throttle.allow_at(start), Some(0));
        for second in 1..=9 {
            assert_eq!(throttle.allow_at(start + Duration::from_secs(second)), None);
        }
        assert_eq!(throttle.allow_at(start + Duration::from_secs(10)), Some(9));
        assert_eq!(throttle.allow_at(start + Duration::from_secs(11)), None);
        assert_eq!(throttle.take_suppressed(), 1);
        assert_eq!(throttle.take_suppressed(), 0);
    }
}
