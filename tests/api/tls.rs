//! HTTPS on the server's own port, checked with curl against a certificate the test makes.

use std::process::Command;

use atlas_integrations::config::TlsFiles;

use crate::helpers::{TestApp, Tuning};

#[tokio::test]
async fn https_serves_the_api_with_hsts_to_a_client_that_trusts_the_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let tuning = Tuning { tls: Some(TlsFiles { cert: cert.clone(), key }), ..Tuning::default() };
    let app = TestApp::spawn_tuned(tuning).await;
    assert!(app.base.starts_with("https://"));

    let user = format!("{}:{}", app.owner.public_key, app.owner.private_key);
    let url = format!("{}{}", app.base, app.v2(""));
    let output = tokio::task::spawn_blocking(move || {
        Command::new("curl")
            .args(["--silent", "--show-error", "--include", "--max-time", "10", "--cacert"])
            .arg(&cert)
            .args(["--digest", "-u", &user, &url, "-H", "Accept: application/vnd.atlas.2023-01-01+json"])
            .output()
            .expect("curl is installed")
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_ascii_lowercase();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.contains(" 200"), "{text}");
    assert!(text.contains("strict-transport-security: max-age=31536000; includesubdomains;"), "{text}");
    assert!(text.contains("\"totalcount\":0"), "{text}");

    let healthz = format!("{}/healthz", app.base);
    let untrusted = tokio::task::spawn_blocking(move || {
        Command::new("curl").args(["--silent", "--max-time", "10", "--fail", &healthz]).status().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(untrusted.code(), Some(60), "curl refuses a certificate it does not trust (exit 60)");
}

#[tokio::test]
async fn over_https_the_consoles_cookies_are_secure() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let tuning = Tuning { tls: Some(TlsFiles { cert: cert.clone(), key }), ..Tuning::default() };
    let app = TestApp::spawn_tuned(tuning).await;
    let url = format!("{}/sign-in", app.base);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("curl")
            .args(["--silent", "--show-error", "--include", "--max-time", "10", "--cacert"])
            .arg(&cert)
            .arg(&url)
            .output()
            .expect("curl is installed")
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let cookie =
        text.lines().find(|line| line.to_ascii_lowercase().starts_with("set-cookie:")).expect("a cookie");
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}
