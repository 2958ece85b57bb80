//! Parsing an `Authorization: Digest …` header (RFC 7616 §3.4). The parser is bounded (at
//! most 4 KiB and 32 parameters), refuses duplicates, and never panics on any input.

use std::borrow::Cow;

const MAX_HEADER_BYTES: usize = 4096;
const MAX_PARAMETERS: usize = 32;

/// The parameters of a Digest `Authorization` header, borrowed from it (a value is copied
/// only when it has escapes to undo). Names compare without regard to case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestParams<'a>(Vec<(&'a str, Cow<'a, str>)>);

impl DigestParams<'_> {
    /// The value of parameter `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_ref())
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

/// RFC 9110 `tchar`, as a table: the parser asks once per byte.
const TOKEN_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let byte = c as u8;
        table[c] = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        c += 1;
    }
    table
};

fn is_token_char(c: u8) -> bool {
    TOKEN_CHARS[c as usize]
}

fn text(bytes: &[u8]) -> Result<&str, HeaderError> {
    std::str::from_utf8(bytes).map_err(|_| HeaderError::Malformed)
}

/// Parses the header's value.
pub fn parse(value: &[u8]) -> Result<DigestParams<'_>, HeaderError> {
    if value.len() > MAX_HEADER_BYTES {
        return Err(HeaderError::TooLarge);
    }
    let scheme_end = value.iter().position(|&c| c == b' ').unwrap_or(value.len());
    if !value[..scheme_end].eq_ignore_ascii_case(b"digest") {
        return Err(HeaderError::NotDigest);
    }
    let mut params: Vec<(&str, Cow<'_, str>)> = Vec::with_capacity(10);
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
        let name = text(&value[name_start..at])?;
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
            (Cow::Borrowed(text(&value[start..at])?), at)
        };
        at = next;
        if at < value.len() && !matches!(value[at], b' ' | b'\t' | b',') {
            return Err(HeaderError::Malformed);
        }
        if params.len() == MAX_PARAMETERS {
            return Err(HeaderError::TooLarge);
        }
        if params.iter().any(|(known, _)| known.eq_ignore_ascii_case(name)) {
            return Err(HeaderError::Duplicate(name.to_ascii_lowercase()));
        }
        params.push((name, parsed));
    }
    Ok(DigestParams(params))
}

/// Reads a quoted-string whose opening quote is just before `at`; returns its text with
/// escapes undone and the index after the closing quote.
fn quoted(value: &[u8], start: usize) -> Result<(Cow<'_, str>, usize), HeaderError> {
    let rest = &value[start..];
    let Some(end) = rest.iter().position(|&c| c == b'"' || c == b'\\') else {
        return Err(HeaderError::Malformed);
    };
    if rest[end] == b'"' {
        return Ok((Cow::Borrowed(text(&rest[..end])?), start + end + 1));
    }
    // Escapes: copy, undoing each.
    let mut out = rest[..end].to_vec();
    let mut at = start + end;
    while at < value.len() {
        match value[at] {
            b'"' => {
                return Ok((Cow::Owned(String::from_utf8(out).map_err(|_| HeaderError::Malformed)?), at + 1));
            }
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
        assert_eq!(params.get("NC"), Some("00000001"), "names compare without case");
    }

    #[test]
    fn parses_quoted_algorithm_qop_and_escapes() {
        let params = parse(br#"Digest username="a\"b", algorithm="MD5", qop="auth""#).unwrap();
        assert_eq!(params.get("username"), Some("a\"b"));
        assert_eq!(params.get("algorithm"), Some("MD5"));
        assert_eq!(params.get("qop"), Some("auth"));
        assert_eq!(parse(br#"Digest a="x\\y\"z""#).unwrap().get("a"), Some("x\\y\"z"));
        assert_eq!(parse(br#"Digest a="unterminated\""#).unwrap_err(), HeaderError::Malformed);
    }

    #[test]
    fn refuses_other_schemes_duplicates_and_garbage() {
        assert_eq!(parse(b"Basic YWJjOmRlZg==").unwrap_err(), HeaderError::NotDigest);
        assert_eq!(
            parse(br#"Digest username="a", username="b""#).unwrap_err(),
            HeaderError::Duplicate("username".into())
        );
        assert_eq!(
            parse(br#"Digest NC=00000001, nc=00000002"#).unwrap_err(),
            HeaderError::Duplicate("nc".into())
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
