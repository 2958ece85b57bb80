//! The formats' limits and shapes that the HTTP tests do not reach.

use serde_json::Value;

use super::*;
use crate::domain::alerts::alert::{Alert, AlertStatus};
use crate::domain::alerts::observation::Observation;
use crate::domain::ids::{GroupId, ObjectId};

fn alert(human_readable: String) -> Alert {
    Alert {
        id: ObjectId::parse("5f0000000000000000000001").unwrap(),
        group: GroupId(ObjectId::parse("5f0000000000000000000002").unwrap()),
        org_id: ObjectId::parse("5f0000000000000000000003").unwrap(),
        alert_config_id: ObjectId::parse("5f0000000000000000000004").unwrap(),
        status: AlertStatus::Open,
        observation: Observation {
            event_type_name: "HOST_DOWN".into(),
            hostname_and_port: Some(format!("{}.example.net:27017", "h".repeat(200))),
            human_readable: Some(human_readable),
            ..Observation::default()
        },
        created_ms: 1_786_417_621_000,
        updated_ms: 1_786_417_621_000,
        resolved_ms: None,
        last_notified_ms: None,
        acknowledgement: None,
    }
}

fn settings(pairs: &[(&'static str, &str)]) -> Settings {
    pairs.iter().map(|(name, value)| (*name, (*value).to_owned())).collect()
}

fn body(delivery: &Delivery) -> Value {
    serde_json::from_str(&delivery.body).unwrap()
}

#[test]
fn long_alerts_are_cut_to_each_services_limits() {
    let alert = alert("x".repeat(20_000));
    let message = Message {
        alert: &alert,
        event: event::OPEN,
        severity: Severity::Critical,
        base: "https://h/api/atlas/v2",
        limit: None,
    };
    let pager = prepare("PAGER_DUTY", &message, &settings(&[("serviceKey", "k")])).unwrap();
    assert_eq!(body(&pager)["payload"]["summary"].as_str().unwrap().chars().count(), 1024);
    let genie = prepare("OPS_GENIE", &message, &settings(&[("apiKey", "k")])).unwrap();
    assert!(body(&genie)["message"].as_str().unwrap().chars().count() <= 130);
    assert!(body(&genie)["description"].as_str().unwrap().chars().count() <= 15_000);
    let dog = prepare("DATADOG", &message, &settings(&[("apiKey", "k")])).unwrap();
    assert!(body(&dog)["title"].as_str().unwrap().chars().count() <= 100);
    assert!(body(&dog)["text"].as_str().unwrap().chars().count() <= 4_000);
}

#[test]
fn victorops_without_a_routing_key_uses_the_keys_default_route_and_keys_are_path_safe() {
    let alert = alert("down".into());
    let message =
        Message { alert: &alert, event: event::OPEN, severity: Severity::Warning, base: "", limit: None };
    let plain = prepare("VICTOR_OPS", &message, &settings(&[("apiKey", "abc")])).unwrap();
    assert_eq!(plain.url, "/integrations/generic/20131114/alert/abc");
    let odd =
        prepare("VICTOR_OPS", &message, &settings(&[("apiKey", "a/b"), ("routingKey", "db team")])).unwrap();
    assert_eq!(odd.url, "/integrations/generic/20131114/alert/a%2Fb/db%20team");
}

#[test]
fn a_datadog_custom_endpoint_replaces_the_regions_site() {
    let alert = alert("down".into());
    let message =
        Message { alert: &alert, event: event::CLOSE, severity: Severity::Warning, base: "", limit: None };
    let custom = settings(&[("apiKey", "k"), ("customEndpoint", "https://dd-proxy.example.net/")]);
    let delivery = prepare("DATADOG", &message, &custom).unwrap();
    assert_eq!(delivery.url, "https://dd-proxy.example.net/api/v1/events");
    assert_eq!(delivery.vendor, None);
    assert_eq!(body(&delivery)["alert_type"], "success");
}

#[test]
fn a_missing_credential_or_an_ended_service_says_why_nothing_is_sent() {
    let alert = alert("down".into());
    let message =
        Message { alert: &alert, event: event::OPEN, severity: Severity::Warning, base: "", limit: None };
    let missing = prepare("PAGER_DUTY", &message, &Settings::new()).unwrap_err();
    assert!(missing.contains("no serviceKey"), "{missing}");
    assert!(prepare("HIP_CHAT", &message, &Settings::new()).unwrap_err().contains("ended"));
    assert!(prepare("SMS", &message, &Settings::new()).unwrap_err().contains("does not send SMS"));
}

#[test]
fn a_webhook_delivery_stored_before_vendors_were_sent_still_opens() {
    let stored = r#"{"url":"https://example.net/hook","secret":"s","event":"alert.open","body":"{}"}"#;
    let delivery: Delivery = serde_json::from_str(stored).unwrap();
    assert_eq!((delivery.vendor, delivery.answer, delivery.headers.len()), (None, Answer::Status, 0));
    assert_eq!(delivery.event, "alert.open");
}

#[test]
fn a_destination_is_a_urls_origin_or_a_services_api_and_region() {
    let to_url = |url: &str| Delivery::to_url(url.to_owned(), "{}".to_owned()).destination();
    assert_eq!(to_url("https://Hooks.Example.com/a/b?c=d"), "https://hooks.example.com:443");
    assert_eq!(to_url("http://127.0.0.1:9000/hook"), "http://127.0.0.1:9000");
    assert_eq!(to_url("not a url"), "");
    let paged = Delivery::to_vendor(Vendor::PagerDuty, "EU", "/v2/enqueue".into(), Vec::new(), "{}".into());
    assert_eq!(paged.destination(), "pagerduty/EU");
}
