//! A console path whose decoded form holds a control character (CR, LF, NUL, …) is refused
//! with a 400 page before any handler sees it: such a path names no page, and echoed into a
//! redirect or a header it would break the answer.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use super::page::{Chrome, error_page};
use crate::http::error::ApiError;
use crate::http::error_code::ErrorCode;

/// Middleware: refuses paths that decode to control characters.
pub async fn refuse_control_characters(request: Request, next: Next) -> Response {
    if decodes_to_control(request.uri().path()) {
        let error = ApiError::new(
            ErrorCode::InvalidPath,
            "The path holds a control character; no page has such a name.",
            vec![],
        );
        return error_page(&Chrome::bare("Bad request"), error);
    }
    next.run(request).await
}

/// Whether `path` holds a control character, raw or percent-encoded.
fn decodes_to_control(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.iter().enumerate().any(|(at, &byte)| match byte {
        b'%' => bytes
            .get(at + 1..at + 3)
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok())
            .is_some_and(|decoded| decoded < 0x20 || decoded == 0x7f),
        _ => byte < 0x20 || byte == 0x7f,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_and_raw_control_characters_are_found_and_ordinary_escapes_are_not() {
        for refused in ["/projects/a%0d%0ab", "/x%0A", "/x%00", "/x%7f", "/x\ty"] {
            assert!(decodes_to_control(refused), "{refused}");
        }
        for allowed in ["/projects/6b0f/integrations", "/x%20y", "/x%2Fy", "/x%", "/x%0", "/x%zz"] {
            assert!(!decodes_to_control(allowed), "{allowed}");
        }
    }
}
