//! While PostgreSQL is unreachable the service fails fast with 503, changes nothing, says it
//! is not ready, and recovers by itself when the database returns.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
#[cfg_attr(not(postgres_tests), ignore = "needs PostgreSQL: set TEST_DATABASE_URL")]
async fn an_unreachable_database_gives_503s_and_service_resumes_by_itself() {
    let (app, proxy) = TestApp::spawn_behind_proxy().await;
    let client = app.owner();
    let body = json!({"type": "OPS_GENIE", "apiKey": "00000000-aaaa-2222-bbbb-333333333311"});
    assert_eq!(client.post(&app.v2("OPS_GENIE"), &body).await.status, 200);
    let before = client.get(&app.v2("")).await.json();

    proxy.cut();
    let change = json!({"type": "OPS_GENIE", "region": "EU"});
    for answer in [client.get(&app.v2("")).await, client.put(&app.v2("OPS_GENIE"), &change).await] {
        let error = answer.assert_error(503, "SERVICE_UNAVAILABLE");
        assert_eq!(error["reason"], "Service Unavailable");
        assert_eq!(answer.header("retry-after").as_deref(), Some("1"));
    }
    let ready = client.send_raw(Method::GET, "/readyz", &[], None).await;
    assert_eq!(ready.status, 503);
    assert_eq!(
        client.send_raw(Method::GET, "/healthz", &[], None).await.status,
        200,
        "alive, though not ready"
    );

    proxy.restore();
    let mut recovered = false;
    for _ in 0..100 {
        if client.send_raw(Method::GET, "/readyz", &[], None).await.status == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "ready again within 10 s of the database's return");
    assert_eq!(client.get(&app.v2("")).await.json(), before, "the PUT during the outage changed nothing");
    assert_eq!(client.put(&app.v2("OPS_GENIE"), &change).await.status, 200);
}
