//! Fuzzes the `Authorization: Digest …` parser: any bytes, no panic, bounded work, and a
//! parameter it accepted is found by its name in any case.
#![no_main]

use atlas_integrations::http::auth::header;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut with_scheme = b"Digest ".to_vec();
    with_scheme.extend_from_slice(data);
    for input in [data, with_scheme.as_slice()] {
        if let Ok(params) = header::parse(input) {
            for name in ["username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce", "algorithm"] {
                assert_eq!(params.get(name), params.get(&name.to_ascii_uppercase()));
            }
        }
    }
});
