//! `pretty=true` and `envelope=true`, applied in one place to every answer of the resource,
//! errors included, so handlers never think about them.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::pretty::to_pretty;
use super::query::Flags;

/// Middleware: reformats the answer as `pretty` and `envelope` ask.
pub async fn present(request: Request, next: Next) -> Response {
    let flags = Flags::lenient(request.uri().query());
    let response = next.run(request).await;
    // The Digest challenge keeps its status and its (already pretty) body: clients need both.
    if !(flags.pretty || flags.envelope) || response.headers().contains_key(header::WWW_AUTHENTICATE) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let value = match bytes.is_empty() {
        true => None,
        false => match serde_json::from_slice::<Value>(&bytes) {
            Ok(value) => Some(value),
            Err(_) => return Response::from_parts(parts, Body::from(bytes)),
        },
    };
    let value = match flags.envelope {
        true => {
            let status = parts.status;
            parts.status = StatusCode::OK;
            parts.headers.entry(header::CONTENT_TYPE).or_insert(HeaderValue::from_static("application/json"));
            envelope(value, status)
        }
        false => match value {
            Some(value) => value,
            None => return Response::from_parts(parts, Body::empty()),
        },
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let bytes = match flags.pretty {
        true => to_pretty(&value),
        false => serde_json::to_vec(&value).expect("JSON values always serialise"),
    };
    Response::from_parts(parts, Body::from(bytes))
}

/// Atlas's envelope: a list gains a `status` field; anything else is wrapped as
/// `{"content": …, "status": …}` (no `content` when the answer had no body).
fn envelope(value: Option<Value>, status: StatusCode) -> Value {
    let code = json!(status.as_u16());
    match value {
        Some(Value::Object(mut list)) if list.contains_key("results") => {
            list.insert("status".into(), code);
            Value::Object(list)
        }
        Some(content) => json!({"content": content, "status": code}),
        None => Value::Object(Map::from_iter([("status".to_owned(), code)])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_gain_a_status_and_single_results_are_wrapped() {
        let list = envelope(Some(json!({"links": [], "results": [], "totalCount": 0})), StatusCode::OK);
        assert_eq!(list, json!({"links": [], "results": [], "totalCount": 0, "status": 200}));
        let one = envelope(Some(json!({"id": "x"})), StatusCode::NOT_FOUND);
        assert_eq!(one, json!({"content": {"id": "x"}, "status": 404}));
        assert_eq!(envelope(None, StatusCode::NO_CONTENT), json!({"status": 204}));
    }
}
