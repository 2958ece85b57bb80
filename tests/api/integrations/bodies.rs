//! A valid body for every configurable type, and a change to make to each.

use serde_json::{Value, json};

/// Every configurable type with a valid create body and a PUT body that changes one field
/// (its name and the value reads should then show).
pub fn every_type() -> Vec<(&'static str, Value, Value, (&'static str, Value))> {
    vec![
        (
            "PAGER_DUTY",
            json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789abcdef"}),
            json!({"type": "PAGER_DUTY", "region": "EU"}),
            ("region", json!("EU")),
        ),
        (
            "SLACK",
            json!({"type": "SLACK", "apiToken": "xoxb-0000-1111-abcd", "channelName": "alerts"}),
            json!({"type": "SLACK", "teamName": "Ops"}),
            ("teamName", json!("Ops")),
        ),
        (
            "DATADOG",
            json!({"type": "DATADOG", "apiKey": "0123456789abcdef0123456789abcdef"}),
            json!({"type": "DATADOG", "region": "EU"}),
            ("region", json!("EU")),
        ),
        (
            "NEW_RELIC",
            json!({"type": "NEW_RELIC", "accountId": "bcc3c81b344a6030a3935c2527e2216535af7718",
            "licenseKey": "bc3768f44193c282b2688ab39e00f8e4fc8d75ea", "readToken": "read-token-1234",
            "writeToken": "write-token-5678"}),
            json!({"type": "NEW_RELIC", "accountId": "0000000000000000000000000000000000000001"}),
            ("accountId", json!("0000000000000000000000000000000000000001")),
        ),
        (
            "OPS_GENIE",
            json!({"type": "OPS_GENIE", "apiKey": "00000000-aaaa-2222-bbbb-333333333311"}),
            json!({"type": "OPS_GENIE", "region": "EU"}),
            ("region", json!("EU")),
        ),
        (
            "VICTOR_OPS",
            json!({"type": "VICTOR_OPS", "apiKey": "fa07bbc8-eab2-4085-81af-daed47dc1c11"}),
            json!({"type": "VICTOR_OPS", "routingKey": "db-team"}),
            ("routingKey", json!("db-team")),
        ),
        (
            "FLOWDOCK",
            json!({"type": "FLOWDOCK", "flowName": "newFlowName", "apiToken": "223344", "orgName": "newOrgName"}),
            json!({"type": "FLOWDOCK", "flowName": "otherflow"}),
            ("flowName", json!("otherflow")),
        ),
        (
            "WEBHOOK",
            json!({"type": "WEBHOOK", "url": "https://example.com/hooks/abcdef123456"}),
            json!({"type": "WEBHOOK", "headersTemplate": "{\"X-Id\":\"${id}\"}"}),
            ("headersTemplate", json!("******")),
        ),
        (
            "PROMETHEUS",
            json!({"type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "http",
            "username": "prom_user", "password": "prom-password"}),
            json!({"type": "PROMETHEUS", "enabled": false}),
            ("enabled", json!(false)),
        ),
        (
            "MICROSOFT_TEAMS",
            json!({"type": "MICROSOFT_TEAMS",
            "microsoftTeamsWebhookUrl": "https://contoso.webhook.office.com/webhookb2/abc/IncomingWebhook/def/ghij"}),
            json!({"type": "MICROSOFT_TEAMS",
            "microsoftTeamsWebhookUrl": "https://contoso.webhook.office.com/webhookb2/xyz/IncomingWebhook/uvw/klmn"}),
            ("microsoftTeamsWebhookUrl", json!("https://contoso.webhook.office.com/****klmn")),
        ),
    ]
}
