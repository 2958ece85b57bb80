//! Identifiers in Atlas's shape: 24 lower-case hex characters (a MongoDB ObjectId).

use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A 12-byte ObjectId: 4 bytes of seconds since the epoch, 5 random bytes fixed per
/// process, and a 3-byte counter that starts at a random value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId([u8; 12]);

struct Generator {
    process: [u8; 5],
    counter: AtomicU32,
}

fn generator() -> &'static Generator {
    static GENERATOR: OnceLock<Generator> = OnceLock::new();
    GENERATOR.get_or_init(|| {
        let mut seed = [0u8; 9];
        getrandom::fill(&mut seed).expect("the operating system's random source failed");
        let mut process = [0u8; 5];
        process.copy_from_slice(&seed[..5]);
        let counter = u32::from_be_bytes([seed[5], seed[6], seed[7], seed[8]]);
        Generator { process, counter: AtomicU32::new(counter) }
    })
}

impl ObjectId {
    /// A new, unique id.
    pub fn generate() -> Self {
        let gen_state = generator();
        let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as u32).unwrap_or(0);
        let count = gen_state.counter.fetch_add(1, Ordering::Relaxed) & 0x00ff_ffff;
        let mut bytes = [0u8; 12];
        bytes[..4].copy_from_slice(&seconds.to_be_bytes());
        bytes[4..9].copy_from_slice(&gen_state.process);
        bytes[9..].copy_from_slice(&count.to_be_bytes()[1..]);
        ObjectId(bytes)
    }

    /// Parses exactly 24 lower-case hexadecimal characters, as Atlas's `^([a-f0-9]{24})$`.
    pub fn parse(text: &str) -> Option<Self> {
        let valid =
            text.len() == 24 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            return None;
        }
        let mut bytes = [0u8; 12];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(ObjectId(bytes))
    }
}

/// An id's 24 hexadecimal digits, kept on the stack.
pub struct HexId([u8; 24]);

impl HexId {
    /// The digits as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hexadecimal digits are ASCII")
    }
}

impl ObjectId {
    /// The seconds since the epoch the id was made at (its first four bytes).
    pub fn seconds(&self) -> i64 {
        i64::from(u32::from_be_bytes([self.0[0], self.0[1], self.0[2], self.0[3]]))
    }

    /// The id's hexadecimal digits, without allocating (for hot paths; `to_string` elsewhere).
    pub fn to_hex(&self) -> HexId {
        let mut digits = [0u8; 24];
        hex::encode_to_slice(self.0, &mut digits).expect("12 bytes make 24 digits");
        HexId(digits)
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.to_hex().as_str())
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectId({self})")
    }
}

/// A project ("group" in Atlas's paths) id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct GroupId(pub ObjectId);

impl From<GroupId> for ObjectId {
    fn from(group: GroupId) -> Self {
        group.0
    }
}

impl GroupId {
    /// Parses a `{groupId}` path segment.
    pub fn parse(text: &str) -> Option<Self> {
        ObjectId::parse(text).map(GroupId)
    }
}

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn generated_ids_are_24_lower_hex_and_distinct() {
        let a = ObjectId::generate();
        let b = ObjectId::generate();
        assert_ne!(a, b);
        let text = a.to_string();
        assert_eq!(text.len(), 24);
        assert_eq!(ObjectId::parse(&text), Some(a));
    }

    #[test]
    fn upper_case_and_wrong_lengths_are_refused() {
        assert!(ObjectId::parse("6A79404F2C88FAEBA59BEEA6").is_none());
        assert!(ObjectId::parse("6a79404f2c88faeba59beea").is_none());
        assert!(ObjectId::parse("6a79404f2c88faeba59beea6a").is_none());
        assert!(ObjectId::parse("6a79404f2c88faeba59beeg6").is_none());
        assert!(ObjectId::parse("6a79404f2c88faeba59beea6").is_some());
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_round_trips(text in "\\PC{0,30}") {
            if let Some(id) = ObjectId::parse(&text) {
                prop_assert_eq!(id.to_string(), text);
            }
        }
    }
}
