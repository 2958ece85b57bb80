//! Micro-benchmarks of the work every request does: Digest verification, body parsing and
//! validation, masking, and serialising a full list. `cargo bench --bench hot_paths`.

use std::hint::black_box;

use atlas_integrations::domain::api_key::Ha1;
use atlas_integrations::domain::integration::{Integration, IntegrationType, Patch, Wire};
use atlas_integrations::domain::secret::{mask, mask_url};
use atlas_integrations::http::auth::digest::{Algorithm, Challenge, expected_response, responses_match};
use atlas_integrations::http::auth::header;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

const AUTHORIZATION: &str = r#"Digest username="abcdefgh", realm="MMS Public API", nonce="SlgYP7Tv3FS/BuCj/x4WQRIV1bNKdpJg", uri="/api/atlas/v2/groups/6a79404f2c88faeba59beea6/integrations/DATADOG", algorithm=MD5, response="6629fae49393a05397450978507c4ef1", qop=auth, nc=00000001, cnonce="0a4f113b""#;

fn digest(c: &mut Criterion) {
    let ha1 = Ha1::derive("abcdefgh", "55c3bbb6-b4bb-0be1-e66d-20841f3e0000");
    c.bench_function("digest: parse the Authorization header", |b| {
        b.iter(|| header::parse(black_box(AUTHORIZATION.as_bytes())).unwrap())
    });
    c.bench_function("digest: verify an MD5 response from HA1", |b| {
        let challenge = Challenge {
            method: "GET",
            uri: "/api/atlas/v2/groups/6a79404f2c88faeba59beea6/integrations/DATADOG",
            nonce: "SlgYP7Tv3FS/BuCj/x4WQRIV1bNKdpJg",
            nc: "00000001",
            cnonce: "0a4f113b",
        };
        b.iter(|| {
            let expected = expected_response(Algorithm::Md5, ha1.md5.expose(), black_box(&challenge));
            responses_match(&expected, "6629fae49393a05397450978507c4ef1")
        })
    });
}

fn bodies() -> Vec<Value> {
    vec![
        json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789abcdef", "region": "EU"}),
        json!({"type": "SLACK", "apiToken": "xoxb-0000-1111-abcd", "channelName": "alerts", "teamName": "Ops"}),
        json!({"type": "DATADOG", "apiKey": "0123456789abcdef0123456789abcdef", "region": "US3",
               "sendDatabaseMetrics": true}),
        json!({"type": "OPS_GENIE", "apiKey": "00000000-aaaa-2222-bbbb-333333333311"}),
        json!({"type": "WEBHOOK", "url": "https://example.com/hook/0123456789", "secret": "s3cr3t-0123",
               "bodyTemplate": "{\"alert\":\"${id}\"}"}),
    ]
}

fn integrations() -> Vec<Integration> {
    bodies()
        .into_iter()
        .map(|body| {
            let kind = IntegrationType::parse(body["type"].as_str().unwrap()).unwrap();
            Integration::create(&Patch::parse(kind, body).unwrap()).unwrap()
        })
        .collect()
}

fn validation(c: &mut Criterion) {
    let raw = serde_json::to_vec(&bodies()[2]).unwrap();
    c.bench_function("body: parse and validate a DATADOG body", |b| {
        b.iter(|| {
            let value: Value = serde_json::from_slice(black_box(&raw)).unwrap();
            Integration::create(&Patch::parse(IntegrationType::Datadog, value).unwrap()).unwrap()
        })
    });
}

fn masking_and_lists(c: &mut Criterion) {
    c.bench_function("mask: a 32-character key", |b| {
        b.iter(|| mask(black_box("0123456789abcdef0123456789abcdef")))
    });
    c.bench_function("mask: a webhook URL", |b| {
        b.iter(|| mask_url(black_box("https://example.com/hook/51c0ef87e9951c3e147accf0e12101")))
    });
    let stored = integrations();
    c.bench_function("list: mask and serialise five integrations", |b| {
        b.iter(|| {
            let results: Vec<Value> = black_box(&stored).iter().map(|i| Value::Object(i.to_wire())).collect();
            serde_json::to_vec(&json!({"links": [], "results": results, "totalCount": results.len()}))
                .unwrap()
        })
    });
    c.bench_function("list: mask and serialise five integrations, streamed", |b| {
        b.iter(|| {
            #[derive(serde::Serialize)]
            #[serde(rename_all = "camelCase")]
            struct Body<'a> {
                links: [u8; 0],
                results: Vec<Wire<'a>>,
                total_count: usize,
            }
            let results: Vec<Wire<'_>> = black_box(&stored).iter().map(Integration::wire).collect();
            serde_json::to_vec(&Body { links: [], total_count: results.len(), results }).unwrap()
        })
    });
}

criterion_group!(benches, digest, validation, masking_and_lists);
criterion_main!(benches);
