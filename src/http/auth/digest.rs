//! The Digest computation of RFC 7616 §3.4.1 with `qop=auth`, for MD5 and SHA-256, from a
//! stored HA1 (the server never holds the private key).

use md5::Md5;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A Digest hash algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// `MD5`, the only one Atlas offers.
    Md5,
    /// `SHA-256`, accepted when a client asks for it.
    Sha256,
}

impl Algorithm {
    /// Parses the `algorithm` parameter; absent means MD5.
    pub fn parse(value: Option<&str>) -> Option<Self> {
        match value {
            None => Some(Algorithm::Md5),
            Some(name) if name.eq_ignore_ascii_case("MD5") => Some(Algorithm::Md5),
            Some(name) if name.eq_ignore_ascii_case("SHA-256") => Some(Algorithm::Sha256),
            Some(_) => None,
        }
    }

    /// Lower-case hex of the hash of `parts` joined with `:`.
    fn hex_of(self, parts: &[&[u8]]) -> String {
        fn hash<D: Digest>(parts: &[&[u8]]) -> String {
            let mut hasher = D::new();
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    hasher.update(b":");
                }
                hasher.update(part);
            }
            let digest = hasher.finalize();
            let mut out = vec![0u8; digest.len() * 2];
            hex::encode_to_slice(digest, &mut out).expect("the buffer is twice the digest");
            String::from_utf8(out).expect("hex is ASCII")
        }
        match self {
            Algorithm::Md5 => hash::<Md5>(parts),
            Algorithm::Sha256 => hash::<Sha256>(parts),
        }
    }
}

/// The client's parameters that enter the response computation.
#[derive(Debug, Clone, Copy)]
pub struct Challenge<'a> {
    /// The request method.
    pub method: &'a str,
    /// The `uri` parameter (checked elsewhere to be the request target).
    pub uri: &'a str,
    /// The server nonce.
    pub nonce: &'a str,
    /// The nonce count, 8 hex digits.
    pub nc: &'a str,
    /// The client nonce.
    pub cnonce: &'a str,
}

/// The `response` a client holding the key behind `ha1` must send.
pub fn expected_response(algorithm: Algorithm, ha1: &str, challenge: &Challenge<'_>) -> String {
    let ha2 = algorithm.hex_of(&[challenge.method.as_bytes(), challenge.uri.as_bytes()]);
    algorithm.hex_of(&[
        ha1.as_bytes(),
        challenge.nonce.as_bytes(),
        challenge.nc.as_bytes(),
        challenge.cnonce.as_bytes(),
        b"auth",
        ha2.as_bytes(),
    ])
}

/// Compares a client's `response` with the expected one in constant time (case-insensitive
/// hex, as RFC 7616 allows either case).
pub fn responses_match(expected: &str, sent: &str) -> bool {
    let sent = sent.to_ascii_lowercase();
    expected.len() == sent.len() && bool::from(expected.as_bytes().ct_eq(sent.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7616 §3.9.1: user Mufasa, password "Circle of Life", realm http-auth@example.org.
    const CHALLENGE: Challenge<'static> = Challenge {
        method: "GET",
        uri: "/dir/index.html",
        nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        nc: "00000001",
        cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    };

    #[test]
    fn computes_the_rfc_7616_md5_example() {
        let ha1 = Algorithm::Md5.hex_of(&[b"Mufasa:http-auth@example.org:Circle of Life"]);
        assert_eq!(expected_response(Algorithm::Md5, &ha1, &CHALLENGE), "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn computes_the_rfc_7616_sha256_example() {
        let ha1 = Algorithm::Sha256.hex_of(&[b"Mufasa:http-auth@example.org:Circle of Life"]);
        assert_eq!(
            expected_response(Algorithm::Sha256, &ha1, &CHALLENGE),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
    }

    #[test]
    fn responses_compare_without_regard_to_hex_case_or_length_tricks() {
        assert!(responses_match("8ca523f5", "8CA523F5"));
        assert!(!responses_match("8ca523f5", "8ca523f"));
        assert!(!responses_match("8ca523f5", "8ca523f6"));
    }

    #[test]
    fn algorithm_names_are_case_insensitive_and_default_to_md5() {
        assert_eq!(Algorithm::parse(None), Some(Algorithm::Md5));
        assert_eq!(Algorithm::parse(Some("md5")), Some(Algorithm::Md5));
        assert_eq!(Algorithm::parse(Some("SHA-256")), Some(Algorithm::Sha256));
        assert_eq!(Algorithm::parse(Some("MD5-sess")), None);
    }
}
