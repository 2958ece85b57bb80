//! The README's example, with curl's own Digest implementation (which sends the first leg
//! of a PUT without its body).

use std::process::Command;

use serde_json::Value;

use crate::helpers::TestApp;

fn curl(args: &[&str]) -> (String, String) {
    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--write-out", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl is installed (the README's examples use it)");
    let text = String::from_utf8(output.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').unwrap();
    (body.to_owned(), status.to_owned())
}

#[tokio::test]
async fn the_readme_curl_example_works_with_curl_digest() {
    let app = TestApp::spawn().await;
    let user = format!("{}:{}", app.owner.public_key, app.owner.private_key);
    let url = format!("{}{}", app.base, app.v1("FLOWDOCK"));
    let (body, status) = tokio::task::spawn_blocking(move || {
        curl(&["-X", "PUT", "-u", &user, "--digest", &url, "-H", "Content-Type: application/json", "-d",
            r#"{ "type": "FLOWDOCK", "flowName": "newFlowName", "apiToken": "223344", "orgName": "newOrgName" }"#])
    })
    .await
    .unwrap();
    assert_eq!(status, "200", "{body}");
    let list: Value = serde_json::from_str(&body).unwrap();
    let result = &list["results"][0];
    assert_eq!(list["totalCount"], 1);
    assert_eq!(result["type"], "FLOWDOCK");
    assert_eq!(result["flowName"], "newFlowName");
    assert_eq!(result["orgName"], "newOrgName");
    assert_eq!(result["apiToken"], "**3344");
    assert_eq!(
        list["links"][0]["href"],
        format!("{}{}?pageNum=1&itemsPerPage=100", app.base, app.v1("FLOWDOCK"))
    );

    let user = format!("{}:{}", app.owner.public_key, app.owner.private_key);
    let url = format!("{}{}", app.base, app.v2(""));
    let (body, status) = tokio::task::spawn_blocking(move || {
        curl(&["--digest", "-u", &user, &url, "-H", "Accept: application/vnd.atlas.2023-01-01+json"])
    })
    .await
    .unwrap();
    assert_eq!(status, "200", "{body}");
}
