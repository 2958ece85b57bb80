//! EMAIL notifications through a real local SMTP server: the envelope, the subject, the text
//! and HTML parts with the metric against its threshold, STARTTLS against a certificate the
//! test makes, `smtps://` with credentials, a server without STARTTLS refused when TLS is
//! required, a 451 tried again, a 550 failed at once, and `alert test-email`.

use std::time::Duration;

use atlas_integrations::delivery::mail::SmtpSettings;
use atlas_integrations::delivery::retry::RetryPolicy;
use atlas_integrations::delivery::settings::DeliverySettings;
use serde_json::{Value, json};

use crate::delivery::{WAIT, log, path, wait_for_status};
use crate::helpers::{MailSecurity, MailServer, TestApp, Tuning};

const FROM: &str = "alerts@atlas.example.com";
const TO: &str = "ops@example.com";

/// A server sending email through `url` (trusting `server`'s certificate), retrying quickly.
async fn app_mailing(server: &MailServer, url: String) -> TestApp {
    let smtp = SmtpSettings { url, from: FROM.into(), ca_pem: Some(server.ca_pem.clone()) };
    TestApp::spawn_tuned(Tuning {
        delivery: Some(DeliverySettings {
            allow_private_targets: true,
            idle_wait: Duration::from_millis(20),
            retry: RetryPolicy { first_delay_ms: 100, max_delay_ms: 400, give_up_after_ms: 60_000 },
            attempt_timeout: Duration::from_secs(5),
            smtp: Some(smtp),
            ..DeliverySettings::default()
        }),
        ..Tuning::default()
    })
    .await
}

/// Emails `TO` when a host's connections go above 100.
async fn email_on_connections(app: &TestApp) {
    let body = json!({"eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "enabled": true,
        "metricThreshold": {"metricName": "CONNECTIONS", "operator": "GREATER_THAN", "threshold": 100, "units": "RAW", "mode": "AVERAGE"},
        "notifications": [{"typeName": "EMAIL", "emailAddress": TO, "intervalMin": 60}]});
    let created = app.owner().post(&path(app, "/alertConfigs"), &body).await;
    assert_eq!(created.status, 200, "{}", created.text());
}

/// Raises connections of 250 on `host`; the alert's id.
async fn raise_connections(app: &TestApp, host: &str) -> String {
    let observation = json!({"eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "hostnameAndPort": host,
        "metricName": "CONNECTIONS", "currentValue": {"number": 250, "units": "RAW"},
        "humanReadable": format!("Connections on {host} are above 100 <& rising>")});
    let raised = app.owner().post(&path(app, "/alerts"), &observation).await.json();
    raised["results"][0]["id"].as_str().expect("an alert opened").to_owned()
}

#[tokio::test]
async fn an_email_notification_reaches_its_address_over_starttls_with_a_text_and_an_html_part() {
    let server = MailServer::start(MailSecurity::StartTls).await;
    let app = app_mailing(&server, format!("smtp://{}", server.address)).await;
    email_on_connections(&app).await;
    let alert = raise_connections(&app, "db-0.example.net:27017").await;
    let entry = wait_for_status(&app, &alert, 0, "DELIVERED").await;
    assert_eq!(
        (entry["typeName"].as_str(), entry["lastStatusCode"].as_u64()),
        (Some("EMAIL"), Some(250)),
        "{entry}"
    );

    let mails = server.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.encrypted, "upgraded with STARTTLS because the server offered it");
    assert_eq!((mail.from.as_str(), mail.to.as_slice()), (FROM, [TO.to_owned()].as_slice()));
    assert_eq!(
        mail.header("Subject").as_deref(),
        Some("[OPEN] OUTSIDE_METRIC_THRESHOLD: db-0.example.net:27017")
    );
    assert_eq!(mail.header("To").as_deref(), Some(TO));
    assert!(mail.header("From").unwrap().contains(FROM));
    let id = entry["id"].as_str().unwrap();
    assert_eq!(
        mail.header("Message-ID"),
        Some(format!("<{id}@atlas.example.com>")),
        "one id on every attempt"
    );
    assert!(mail.header("Content-Type").unwrap().starts_with("multipart/alternative"));

    let text = mail.part("text/plain").unwrap_or_else(|| panic!("a text part: {}", mail.data));
    assert!(text.contains("Connections on db-0.example.net:27017 are above 100 <& rising>"), "{text}");
    assert!(text.contains("CONNECTIONS 250 RAW (threshold: above 100 RAW)"), "{text}");
    assert!(text.contains(&app.project.id.to_string()), "the project: {text}");
    let link = format!("{}/projects/{}/alerts/{alert}", app.base, app.project.id);
    assert!(text.contains(&link), "a link to the alert's page in the console: {text}");
    let html = mail.part("text/html").expect("an HTML part");
    assert!(html.contains("above 100 &lt;&amp; rising&gt;"), "escaped: {html}");
    assert!(html.contains("CONNECTIONS 250 RAW (threshold: above 100 RAW)"), "{html}");
    assert!(html.contains("<a href=\"") && html.contains(&link), "{html}");
}

#[tokio::test]
async fn a_451_is_tried_again_and_a_550_fails_at_once() {
    let server = MailServer::start(MailSecurity::StartTls).await;
    let app = app_mailing(&server, format!("smtp://{}?tls=required", server.address)).await;
    email_on_connections(&app).await;

    server.script([451]);
    let alert = raise_connections(&app, "db-1.example.net:27017").await;
    let entry = wait_for_status(&app, &alert, 0, "DELIVERED").await;
    assert_eq!(entry["attempts"], 2, "{entry}");
    let replies: Vec<u16> = server.mails().iter().map(|mail| mail.reply).collect();
    assert_eq!(replies, [451, 250]);

    server.script([550]);
    let alert = raise_connections(&app, "db-2.example.net:27017").await;
    let entry = wait_for_status(&app, &alert, 0, "FAILED").await;
    assert_eq!(
        (entry["attempts"].as_u64(), entry["lastStatusCode"].as_u64()),
        (Some(1), Some(550)),
        "{entry}"
    );
    assert!(entry["lastError"].as_str().unwrap().contains("550"), "{entry}");
    assert_eq!(server.mails().len(), 3, "a 550 ends it: FAILED is final, so nothing more is sent");
}

#[tokio::test]
async fn smtps_sends_credentials_encrypted_and_required_tls_refuses_a_server_without_it() {
    let server = MailServer::start(MailSecurity::Wrapper).await;
    let app = app_mailing(&server, format!("smtps://alice:p%40ss@{}", server.address)).await;
    email_on_connections(&app).await;
    let alert = raise_connections(&app, "db-3.example.net:27017").await;
    wait_for_status(&app, &alert, 0, "DELIVERED").await;
    let mail = &server.mails()[0];
    assert!(mail.encrypted);
    assert_eq!(mail.login, Some(("alice".to_owned(), "p@ss".to_owned())), "percent-decoded");

    // Credentials ask for TLS: a server that cannot offer it never sees them, nor a message.
    let plain = MailServer::start(MailSecurity::Plain).await;
    let app = app_mailing(&plain, format!("smtp://alice:secret@{}", plain.address)).await;
    email_on_connections(&app).await;
    let alert = raise_connections(&app, "db-4.example.net:27017").await;
    let entry = wait_until_attempted(&app, &alert).await;
    assert_eq!(entry["status"], "PENDING", "tried again later: {entry}");
    let said = entry["lastError"].as_str().unwrap();
    assert!(!said.contains("secret"), "{said}");
    assert!(plain.mails().is_empty());
}

/// The first notification of `alert` once an attempt is recorded.
async fn wait_until_attempted(app: &TestApp, alert: &str) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let entries = log(app, alert).await;
        if let Some(entry) = entries.first().filter(|entry| entry["lastError"].is_string()) {
            return entry.clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "{entries:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn alert_test_email_sends_one_message_through_the_configured_server() {
    let server = MailServer::start(MailSecurity::StartTls).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &server.ca_pem).unwrap();
    let url = format!("smtp://{}?tls=required", server.address);
    let run = |to: &'static str, url: String| {
        let ca = ca.clone();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_atlas-integrations"))
                .args(["alert", "test-email", "--to", to, "--smtp-url", &url, "--smtp-from", FROM])
                .arg("--smtp-ca-file")
                .arg(&ca)
                .env_remove("ATLAS_INTEGRATIONS_SMTP_URL")
                .output()
                .unwrap()
        })
    };
    let output = run(TO, url.clone()).await.unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let said: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((said["delivered"].as_bool(), said["statusCode"].as_u64()), (Some(true), Some(250)), "{said}");
    let mail = &server.wait_for(1, WAIT).await[0];
    assert_eq!(mail.to, [TO.to_owned()]);
    assert!(mail.header("Subject").unwrap().starts_with("[TEST] EMAIL_TEST"), "{:?}", mail.header("Subject"));

    server.script([550]);
    let refused = run("nobody@example.com", url).await.unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("550"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}
