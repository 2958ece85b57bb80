//! Secrets held in memory, and the masks Atlas shows instead of them.

use std::fmt;
use zeroize::Zeroizing;

/// A stored secret (an API key, a token, a webhook URL). Its `Debug` never shows the value,
/// and its memory is wiped when dropped. Read it with [`Secret::expose`] only where the
/// clear value is needed (sealing for storage, comparing a masked echo).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a clear value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The clear value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

/// Atlas's mask for a key or token: the same length, all but the last four characters as
/// `*`. Values of four characters or fewer become `****`.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 4 {
        return "****".to_owned();
    }
    let mut masked = "*".repeat(chars.len() - 4);
    masked.extend(&chars[chars.len() - 4..]);
    masked
}

/// Atlas's mask for a URL: `scheme://host/****` and the URL's last four characters.
/// The port is kept, user information is dropped; a URL whose path and query are four
/// characters or fewer shows no tail at all.
pub fn mask_url(value: &str) -> String {
    let Ok(parsed) = url::Url::parse(value) else {
        return mask(value);
    };
    let mut origin = format!("{}://{}", parsed.scheme(), parsed.host_str().unwrap_or(""));
    if let Some(port) = parsed.port() {
        origin.push_str(&format!(":{port}"));
    }
    let after_origin = value
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash + 1..]))
        .unwrap_or("");
    let chars: Vec<char> = value.chars().collect();
    if after_origin.chars().count() <= 4 {
        return format!("{origin}/****");
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{origin}/****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_keep_their_length_and_last_four() {
        assert_eq!(mask(&"0".repeat(32)), "****************************0000");
        assert_eq!(mask("00000000-aaaa-2222-bbbb-333333333311"), "********************************3311");
        assert_eq!(mask("51c0ef87e9951c3e147accf0e12101"), "**************************2101");
    }

    #[test]
    fn short_values_are_fully_hidden() {
        assert_eq!(mask(""), "****");
        assert_eq!(mask("abcd"), "****");
        assert_eq!(mask("abcde"), "*bcde");
    }

    #[test]
    fn urls_show_their_origin_and_last_four() {
        assert_eq!(
            mask_url("https://example.com/51c0ef87e9951c3e147accf0e12101"),
            "https://example.com/****2101"
        );
        assert_eq!(mask_url("https://example.com/"), "https://example.com/****");
        assert_eq!(mask_url("https://example.com/abc"), "https://example.com/****");
        assert_eq!(
            mask_url("http://user:pw@hooks.example:8443/path/secret-token"),
            "http://hooks.example:8443/****oken"
        );
    }

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        let secret = Secret::new("hunter2-very-secret");
        assert!(!format!("{secret:?}").contains("hunter2"));
    }

    proptest! {
        #[test]
        fn masks_never_reveal_more_than_four_characters(value in "\\PC{0,64}") {
            let masked = mask(&value);
            let shown = masked.chars().filter(|c| *c != '*').count();
            prop_assert!(shown <= 4);
            let _ = mask_url(&value);
        }
    }
}
