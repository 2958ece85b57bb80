//! Concurrent writers: no update is lost and a type is created once.

use std::sync::Arc;

use serde_json::json;

use crate::helpers::{DigestClient, Mode, TestApp};

#[tokio::test]
async fn concurrent_puts_of_different_fields_all_persist() {
    let app = Arc::new(TestApp::spawn().await);
    for round in 0..3 {
        let kind = "DATADOG";
        let owner = app.owner();
        owner.delete(&app.v2(kind)).await;
        let created = owner.post(&app.v2(kind), &json!({"type": kind, "apiKey": "abcdef0123456789"})).await;
        assert_eq!(created.status, 200);
        let changes = [
            json!({"type": kind, "sendCollectionLatencyMetrics": true}),
            json!({"type": kind, "sendDatabaseMetrics": true}),
            json!({"type": kind, "sendQueryStatsMetrics": true}),
            json!({"type": kind, "sendUserProvidedResourceTags": true}),
            json!({"type": kind, "region": "US5"}),
            json!({"type": kind, "customEndpoint": "https://metrics.example.com/intake"}),
        ];
        let tasks: Vec<_> = changes
            .into_iter()
            .map(|change| {
                let app = app.clone();
                tokio::spawn(async move {
                    let client = DigestClient::new(&app.base, app.owner.clone(), Mode::Fresh);
                    client.put(&app.v2(kind), &change).await.status
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap(), 200, "round {round}");
        }
        let one = owner.get(&app.v2(kind)).await.json();
        assert_eq!(one["sendCollectionLatencyMetrics"], true, "round {round}: {one}");
        assert_eq!(one["sendDatabaseMetrics"], true);
        assert_eq!(one["sendQueryStatsMetrics"], true);
        assert_eq!(one["sendUserProvidedResourceTags"], true);
        assert_eq!(one["region"], "US5");
        assert_eq!(one["customEndpoint"], "https://metrics.example.com/intake");
    }
}

#[tokio::test]
async fn concurrent_creates_of_one_type_give_one_success_and_conflicts() {
    let app = Arc::new(TestApp::spawn().await);
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let client = DigestClient::new(&app.base, app.owner.clone(), Mode::Fresh);
                client
                    .post(
                        &app.v2("SLACK"),
                        &json!({"type": "SLACK", "apiToken": format!("token-{i:04}"),
                    "channelName": "alerts"}),
                    )
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, [200, 409, 409, 409, 409, 409, 409, 409]);
}
