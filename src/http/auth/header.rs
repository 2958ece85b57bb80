//! Parsing an `Authorization: Digest …` header (RFC 7616 §3.4). The parser is bounded (at
//! most 4 KiB and 32 parameters), refuses duplicates, and never panics on any input.

use std::collections::HashMap;

const MAX_HEADER_BYTES: usize = 4096;
const MAX_PARAMETERS: usize = 32;

/// The parameters of a Digest `Authorization` header, names lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestParams(HashMap<String, String>);

impl DigestParams {
    /// The value of parameter `name` (lower case), if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// Why a header is not a Digest response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// Another scheme (Basic, Bearer, …).
    #[error("the Authorization scheme is not Digest")]
    NotDigest,
    /// Longer or with more parameters than any client sends.
    #[error("the Authorization header is too large")]
    TooLarge,
    /// Not in the auth-param syntax.
    #[error("the Authorization header is malformed")]
    Malformed,
    /// The same parameter twice.
    #[error("the Authorization header repeats the parameter {0}")]
    Duplicate(String),
}

fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

/// Parses the header's value.
pub fn parse(value: &[u8]) -> Result<DigestParams, HeaderError> {
    if value.len() > MAX_HEADER_BYTES {
        return Err(HeaderError::TooLarge);
    }
    let scheme_end = value.iter().position(|&c| c == b' ').unwrap_or(value.len());
    if !value[..scheme_end].eq_ignore_ascii_case(b"digest") {
        return Err(HeaderError::NotDigest);
    }
    let mut params = HashMap::new();
    let mut at = scheme_end;
    loop {
        while at < value.len() && matches!(value[at], b' ' | b'\t' | b',') {
            at += 1;
        }
        if at == value.len() {
            break;
        }
        let name_start = at;
        while at < value.len() && is_token_char(value[at]) {
            at += 1;
        }
        if at == name_start {
            return Err(HeaderError::Malformed);
        }
        let name = String::from_utf8_lossy(&value[name_start..at]).to_ascii_lowercase();
        while at < value.len() && matches!(value[at], b' ' | b'\t') {
            at += 1;
        }
        if value.get(at) != Some(&b'=') {
            return Err(HeaderError::Malformed);
        }
        at += 1;
        while at < value.len() && matches!(value[at], b' ' | b'\t') {
            at += 1;
        }
        let (parsed, next) = if value.get(at) == Some(&b'"') {
            quoted(value, at + 1)?
        } else {
            let start = at;
            while at < value.len() && is_token_char(value[at]) {
                at += 1;
            }
            (value[start..at].to_vec(), at)
        };
        at = next;
        if at < value.len() && !matches!(value[at], b' ' | b'\t' | b',') {
            return Err(HeaderError::Malformed);
        }
        let text = String::from_utf8(parsed).map_err(|_| HeaderError::Malformed)?;
        if params.len() == MAX_PARAMETERS {
            return Err(HeaderError::TooLarge);
        }
        if params.insert(name.clone(), text).is_some() {
            return Err(HeaderError::Duplicate(name));
        }
    }
    Ok(DigestParams(params))
}

/// Reads a quoted-string whose opening quote is just before `at`; returns the unescaped
/// bytes and the index after the closing quote.
fn quoted(value: &[u8], mut at: usize) -> Result<(Vec<u8>, usize), HeaderError> {
    let mut out = Vec::new();
    while at < value.len() {
        match value[at] {
            b'"' => return Ok((out, at + 1)),
            b'\\' if at + 1 < value.len() => {
                out.push(value[at + 1]);
                at += 2;
            }
            byte => {
                out.push(byte);
                at += 1;
            }
        }
    }
    Err(HeaderError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_curl_style_unquoted_algorithm_and_qop() {
        let header = br#"Digest username="abcdefgh", realm="MMS Public API", nonce="SlgYP7Tv3FS/BuCj/x4WQRIV1bNKdpJg", uri="/api/atlas/v2/groups?x=1", cnonce="MTIz", nc=00000001, qop=auth, response="0123", algorithm=MD5"#;
        let params = parse(header).unwrap();
        assert_eq!(params.get("username"), Some("abcdefgh"));
        assert_eq!(params.get("uri"), Some("/api/atlas/v2/groups?x=1"));
        assert_eq!(params.get("qop"), Some("auth"));
        assert_eq!(params.get("algorithm"), Some("MD5"));
        assert_eq!(params.get("nc"), Some("00000001"));
    }

    #[test]
    fn parses_quoted_algorithm_qop_and_escapes() {
        let params = parse(br#"Digest username="a\"b", algorithm="MD5", qop="auth""#).unwrap();
        assert_eq!(params.get("username"), Some("a\"b"));
        assert_eq!(params.get("algorithm"), Some("MD5"));
        assert_eq!(params.get("qop"), Some("auth"));
    }

    #[test]
    fn refuses_other_schemes_duplicates_and_garbage() {
        assert_eq!(parse(b"Basic YWJjOmRlZg==").unwrap_err(), HeaderError::NotDigest);
        assert_eq!(
            parse(br#"Digest username="a", username="b""#).unwrap_err(),
            HeaderError::Duplicate("username".into())
        );
        assert_eq!(parse(br#"Digest username="open"#).unwrap_err(), HeaderError::Malformed);
        assert_eq!(parse(b"Digest =x").unwrap_err(), HeaderError::Malformed);
        assert_eq!(parse(&vec![b'a'; 5000]).unwrap_err(), HeaderError::TooLarge);
    }

    proptest! {
        #[test]
        fn never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse(&bytes);
            let mut prefixed = b"Digest ".to_vec();
            prefixed.extend_from_slice(&bytes);
            let _ = parse(&prefixed);
        }
    }
}
