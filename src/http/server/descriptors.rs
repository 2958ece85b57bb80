//! File descriptors: the soft limit is raised to the hard one at start, and the connection
//! limit is kept below it, so that the database, log files and the listener always have
//! descriptors left and a flood of connections waits instead of breaking `accept`.

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// Descriptors kept for everything but client connections (database files and pool, the
/// listener, logs, the key file).
pub const RESERVED: u64 = 256;

/// Raises the soft `RLIMIT_NOFILE` to the hard limit; returns the soft limit now in force.
pub fn raise_limit() -> Option<u64> {
    let limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        let raised = Rlimit { current: limit.maximum, maximum: limit.maximum };
        if let Err(error) = setrlimit(Resource::Nofile, raised) {
            tracing::warn!(%error, "cannot raise the open-file limit to its hard limit");
        }
    }
    getrlimit(Resource::Nofile).current
}

/// The connection limit that fits `wanted` under a descriptor limit of `soft_limit`.
pub fn connections_within(wanted: usize, soft_limit: Option<u64>) -> usize {
    match soft_limit {
        None => wanted,
        Some(soft) => wanted.min(soft.saturating_sub(RESERVED).max(1) as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_stay_below_the_descriptor_limit_with_room_to_spare() {
        assert_eq!(connections_within(10_000, Some(1024)), 768);
        assert_eq!(connections_within(10_000, Some(1_048_576)), 10_000);
        assert_eq!(connections_within(10_000, None), 10_000, "unlimited");
        assert_eq!(connections_within(10_000, Some(10)), 1, "never zero");
    }

    #[test]
    fn raising_the_limit_leaves_the_soft_limit_at_the_hard_one() {
        let soft = raise_limit();
        assert_eq!(soft, getrlimit(Resource::Nofile).maximum);
    }
}
