//! The headers a delivery goes with: its own, a JSON content type unless it names one, and
//! for webhooks, as Atlas sends them, `X-MMS-Event` naming the event and `X-MMS-Signature`,
//! the base64 of the body's HMAC-SHA1 under the secret, when a secret is set.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::domain::alerts::delivery::Delivery;

/// `base64(HMAC-SHA1(secret, body))`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The headers of a delivery (the client adds `User-Agent`).
pub fn headers(delivery: &Delivery) -> Vec<(String, String)> {
    let mut headers = delivery.headers.clone();
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
        headers.insert(0, ("content-type".to_owned(), "application/json".to_owned()));
    }
    if !delivery.event.is_empty() {
        headers.push(("x-mms-event".to_owned(), delivery.event.clone()));
    }
    if let Some(secret) = delivery.secret.as_deref().filter(|secret| !secret.is_empty()) {
        headers.push(("x-mms-signature".to_owned(), signature(secret, delivery.body.as_bytes())));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_base64_of_hmac_sha1_of_the_body() {
        // RFC 2202, test case 2.
        assert_eq!(signature("Jefe", b"what do ya want for nothing?"), "7/zfauXrL6LSdBbV8YTfnCWafHk=");
    }

    #[test]
    fn a_webhook_without_a_secret_is_not_signed_even_as_stored_before_vendors_were_sent() {
        let delivery: Delivery =
            serde_json::from_str(r#"{"url": "https://x", "event": "alert.open", "body": "{}"}"#).unwrap();
        let names: Vec<_> = headers(&delivery).into_iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["content-type", "x-mms-event"]);
    }
}
