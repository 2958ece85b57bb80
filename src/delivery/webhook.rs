//! The headers a delivery goes with: its own, a JSON content type unless it names one, and
//! for webhooks, as Atlas sends them, `X-MMS-Event` naming the event and `X-MMS-Signature`,
//! the base64 of the body's HMAC-SHA1 under the secret, when a secret is set. Beside them,
//! the Standard Webhooks headers (standardwebhooks.com, v1): `webhook-id`, the same on every
//! attempt of one notification, `webhook-timestamp`, and `webhook-signature` when a secret is
//! set, so that a receiver can de-duplicate and verify with a standard library.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;

use crate::domain::alerts::delivery::Delivery;

/// `base64(HMAC-SHA1(secret, body))`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Standard Webhooks' `v1,` + base64 of HMAC-SHA256 over `{id}.{timestamp}.{body}`, keyed
/// with the secret's bytes (the libraries take them as `whsec_` + their base64).
pub fn standard_signature(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Which message an attempt carries, for the Standard Webhooks headers: the same `id` on
/// every attempt and redelivery of one notification, the time (Unix seconds) of this one.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    /// The notification's id.
    pub id: &'a str,
    /// When this attempt is sent, in seconds.
    pub timestamp: i64,
}

/// The headers of a delivery (the client adds `User-Agent`).
pub fn headers(delivery: &Delivery, attempt: Attempt<'_>) -> Vec<(String, String)> {
    let mut headers = delivery.headers.clone();
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
        headers.insert(0, ("content-type".to_owned(), "application/json".to_owned()));
    }
    if !delivery.event.is_empty() {
        headers.push(("x-mms-event".to_owned(), delivery.event.clone()));
    }
    let secret = delivery.secret.as_deref().filter(|secret| !secret.is_empty());
    if let Some(secret) = secret {
        headers.push(("x-mms-signature".to_owned(), signature(secret, delivery.body.as_bytes())));
    }
    if delivery.is_webhook() {
        headers.push(("webhook-id".to_owned(), attempt.id.to_owned()));
        headers.push(("webhook-timestamp".to_owned(), attempt.timestamp.to_string()));
        if let Some(secret) = secret {
            let signed = standard_signature(
                secret.as_bytes(),
                attempt.id,
                attempt.timestamp,
                delivery.body.as_bytes(),
            );
            headers.push(("webhook-signature".to_owned(), signed));
        }
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
        let attempt = Attempt { id: "5f0000000000000000000001", timestamp: 1_786_417_621 };
        let names: Vec<_> = headers(&delivery, attempt).into_iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["content-type", "x-mms-event", "webhook-id", "webhook-timestamp"]);
    }

    #[test]
    fn the_standard_signature_matches_the_specifications_example() {
        // The example of the Standard Webhooks reference libraries: secret
        // `whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw` is these bytes in base64.
        let secret = STANDARD.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        let signed = standard_signature(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body);
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_signed_webhook_carries_both_signatures_and_a_service_neither() {
        let stored = r#"{"url": "https://x", "event": "alert.open", "body": "{}", "secret": "s"}"#;
        let delivery: Delivery = serde_json::from_str(stored).unwrap();
        let attempt = Attempt { id: "n1", timestamp: 7 };
        let sent = headers(&delivery, attempt);
        let value = |name: &str| sent.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        assert_eq!(value("webhook-id").as_deref(), Some("n1"));
        assert_eq!(value("webhook-signature"), Some(standard_signature(b"s", "n1", 7, b"{}")));
        assert!(value("x-mms-signature").is_some());
        let paged =
            r#"{"url": "/v2/enqueue", "vendor": {"vendor": "PagerDuty", "region": "US"}, "body": "{}"}"#;
        let paged: Delivery = serde_json::from_str(paged).unwrap();
        assert!(headers(&paged, attempt).iter().all(|(name, _)| !name.starts_with("webhook-")));
    }
}
