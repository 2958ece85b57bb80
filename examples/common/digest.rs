//! The client side of HTTP Digest as Atlas's clients speak it, shared by the examples that
//! load or attack the server.

use md5::{Digest, Md5};

/// Lower-case hexadecimal MD5 of `input`.
pub fn hex_md5(input: &str) -> String {
    hex::encode(Md5::digest(input.as_bytes()))
}

/// HA1 of a key pair in Atlas's realm.
pub fn ha1(public_key: &str, private_key: &str) -> String {
    hex_md5(&format!("{public_key}:MMS Public API:{private_key}"))
}

/// The `nonce` of a `WWW-Authenticate` challenge.
pub fn nonce_of(challenge: &str) -> Option<String> {
    let start = challenge.find("nonce=\"")? + 7;
    let end = challenge[start..].find('"')? + start;
    Some(challenge[start..end].to_owned())
}

/// The `Authorization` header answering `nonce` for `method uri` with count `nc`.
pub fn authorization(
    user: &str,
    ha1: &str,
    method: &str,
    uri: &str,
    nonce: &str,
    nc: u32,
    cnonce: &str,
) -> String {
    let nc = format!("{nc:08x}");
    let ha2 = hex_md5(&format!("{method}:{uri}"));
    let response = hex_md5(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    format!(
        "Digest username=\"{user}\", realm=\"MMS Public API\", nonce=\"{nonce}\", uri=\"{uri}\", \
         algorithm=MD5, response=\"{response}\", qop=auth, nc={nc}, cnonce=\"{cnonce}\""
    )
}
