//! API access lists: IPv4, IPv6 and CIDR entries, and X-Forwarded-For only from trusted
//! proxies.

use reqwest::Method;

use crate::helpers::{DigestClient, Mode, TestApp, Tuning, V2_ACCEPT};

fn from(app: &TestApp, address: &str) -> DigestClient {
    DigestClient::from_address(&app.base, app.owner.clone(), address.parse().unwrap())
}

#[tokio::test]
async fn listed_addresses_and_blocks_are_let_in_and_others_refused_with_the_address() {
    let app = TestApp::spawn().await;
    assert_eq!(
        from(&app, "127.0.0.1").get(&app.v2("")).await.status,
        200,
        "an empty list allows any address"
    );

    app.store.add_access_entry(&app.owner.public_key, "127.0.0.2".parse().unwrap()).await.unwrap();
    let refused = from(&app, "127.0.0.1").get(&app.v2("")).await;
    let error = refused.assert_error(403, "IP_ADDRESS_NOT_ON_ACCESS_LIST");
    assert_eq!(error["parameters"], serde_json::json!(["127.0.0.1"]));
    assert_eq!(error["detail"], "IP address 127.0.0.1 is not allowed to access this resource.");
    assert_eq!(from(&app, "127.0.0.2").get(&app.v2("")).await.status, 200);

    app.store.remove_access_entry(&app.owner.public_key, "127.0.0.2".parse().unwrap()).await.unwrap();
    app.store.add_access_entry(&app.owner.public_key, "127.0.0.0/30".parse().unwrap()).await.unwrap();
    assert_eq!(from(&app, "127.0.0.1").get(&app.v2("")).await.status, 200);
    assert_eq!(from(&app, "127.0.0.3").get(&app.v2("")).await.status, 200);
    from(&app, "127.0.0.5").get(&app.v2("")).await.assert_error(403, "IP_ADDRESS_NOT_ON_ACCESS_LIST");
    let reader = DigestClient::from_address(&app.base, app.reader.clone(), "127.0.0.5".parse().unwrap());
    assert_eq!(reader.get(&app.v2("")).await.status, 200, "lists belong to one key");
}

async fn via_proxy(app: &TestApp, forwarded_for: &str) -> crate::helpers::TestResponse {
    let client = DigestClient::new(&app.base, app.owner.clone(), Mode::Fresh);
    client
        .send(Method::GET, &app.v2(""), &[("accept", V2_ACCEPT), ("x-forwarded-for", forwarded_for)], None)
        .await
}

#[tokio::test]
async fn ipv6_clients_behind_a_trusted_proxy_are_judged_by_their_own_address() {
    let tuning = Tuning { trusted_proxies: vec!["127.0.0.1".parse().unwrap()], ..Tuning::default() };
    let app = TestApp::spawn_tuned(tuning).await;
    app.store.add_access_entry(&app.owner.public_key, "2001:db8::/32".parse().unwrap()).await.unwrap();
    assert_eq!(via_proxy(&app, "2001:db8::7").await.status, 200);
    assert_eq!(via_proxy(&app, "198.51.100.1, 2001:db8:5::1").await.status, 200, "the right-most hop counts");
    let refused = via_proxy(&app, "2001:db9::1").await;
    assert_eq!(refused.assert_error(403, "IP_ADDRESS_NOT_ON_ACCESS_LIST")["parameters"][0], "2001:db9::1");
}

#[tokio::test]
async fn x_forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = TestApp::spawn().await;
    app.store.add_access_entry(&app.owner.public_key, "2001:db8::/32".parse().unwrap()).await.unwrap();
    let refused = via_proxy(&app, "2001:db8::7").await;
    assert_eq!(refused.assert_error(403, "IP_ADDRESS_NOT_ON_ACCESS_LIST")["parameters"][0], "127.0.0.1");
}
