//! Fuzzes integration bodies: any bytes, parsed as the server parses bodies, as a POST body
//! and as a PUT merged into an existing integration, for every type; no panic, and no read
//! ever shows more than four characters of a secret.
#![no_main]

use atlas_integrations::domain::integration::{Integration, IntegrationType, Patch};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fn existing(kind: IntegrationType) -> Option<Integration> {
    let body = match kind {
        IntegrationType::PagerDuty => json!({"type": "PAGER_DUTY", "serviceKey": "SECRETSECRETSECRET0001"}),
        IntegrationType::Webhook => json!({"type": "WEBHOOK", "url": "https://h.example/SECRETSECRET0002", "secret": "SECRETSECRET0003"}),
        IntegrationType::Slack => json!({"type": "SLACK", "apiToken": "SECRETSECRET0004", "channelName": "c"}),
        _ => return None,
    };
    Integration::create(&Patch::parse(kind, body).ok()?).ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = atlas_integrations::http::bounded_json::parse(data) else { return };
    for kind in IntegrationType::ALL {
        let Ok(patch) = Patch::parse(kind, value.clone()) else { continue };
        if let Ok(created) = Integration::create(&patch) {
            let _ = created.to_wire();
        }
        if let Some(stored) = existing(kind)
            && let Ok(merged) = stored.merged(&patch)
        {
            let shown = serde_json::to_string(&merged.to_wire()).unwrap();
            let sent = String::from_utf8_lossy(data);
            for secret in ["SECRETSECRETSECRET0001", "SECRETSECRET0002", "SECRETSECRET0003", "SECRETSECRET0004"] {
                // A value the body itself sent in a clear field may of course be shown.
                assert!(sent.contains(secret) || !shown.contains(secret), "a stored secret leaked: {shown}");
            }
        }
    }
});
