//! The console's two cookies: the session (set at sign-in) and the sign-in form's binding.
//! Both `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` when served over TLS.

use axum::http::{HeaderMap, HeaderValue, header};

/// The session cookie's name.
pub const SESSION: &str = "atlas_console_session";
/// The sign-in form's cookie.
pub const SIGN_IN: &str = "atlas_console_sign_in";

/// The value of cookie `name` in a request, if sent.
pub fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

/// A `Set-Cookie` value that sets `name` for `max_age` seconds (0: removes it).
pub fn set(name: &str, value: &str, max_age: i64, tls: bool) -> HeaderValue {
    let secure = if tls { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    ))
    .expect("cookie values are hex")
}

/// A `Set-Cookie` value that removes `name`.
pub fn clear(name: &str, tls: bool) -> HeaderValue {
    set(name, "", 0, tls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_found_among_others_and_set_strictly() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; atlas_console_session=abc ; b=2"));
        assert_eq!(read(&headers, SESSION), Some("abc"));
        assert_eq!(read(&headers, SIGN_IN), None);
        let value = set(SESSION, "abc", 60, true);
        assert_eq!(value, "atlas_console_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure");
        assert!(!clear(SESSION, false).to_str().unwrap().contains("Secure"));
    }
}
