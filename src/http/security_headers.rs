//! The headers every answer carries, as Atlas's do: no MIME sniffing, no framing, a strict
//! referrer policy, no cross-domain policy files, and HSTS when served over TLS.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

const ALWAYS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("x-permitted-cross-domain-policies", "none"),
];

const HSTS: &str = "max-age=31536000; includeSubdomains;";

/// Whether answers go out over TLS (and so carry HSTS).
#[derive(Clone, Copy, Debug)]
pub struct OverTls(pub bool);

/// Middleware: sets the headers, replacing any a handler set.
pub async fn add_security_headers(
    State(OverTls(tls)): State<OverTls>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in ALWAYS {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    if tls {
        headers.insert(HeaderName::from_static("strict-transport-security"), HeaderValue::from_static(HSTS));
    }
    response
}
