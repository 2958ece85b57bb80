//! The binary's command line: admin commands print JSON that works against the server,
//! and the first start prints its credentials once.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_atlas-integrations");

fn run(args: &[&str], database_args: &[String]) -> Value {
    let output = Command::new(BIN)
        .args(args)
        .args(database_args)
        .env_remove("ATLAS_INTEGRATIONS_DATABASE_URL")
        .env_remove("ATLAS_INTEGRATIONS_SECRET_KEY_FILE")
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e})"))
}

#[tokio::test]
async fn admin_commands_make_keys_that_authenticate_against_a_running_server() {
    let app = crate::helpers::TestApp::spawn().await;
    let dir = app.database_args();
    let project = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || run(&["project", "create", "--name", "From the CLI"], &dir)
    })
    .await
    .unwrap();
    let group = project["id"].as_str().unwrap().to_owned();
    assert_eq!(project["name"], "From the CLI");
    let key = tokio::task::spawn_blocking({
        let (dir, group) = (dir.clone(), group.clone());
        move || {
            run(
                &["api-key", "create", "--project", &group, "--role", "GROUP_OWNER", "--description", "ci"],
                &dir,
            )
        }
    })
    .await
    .unwrap();
    let public_key = key["publicKey"].as_str().unwrap().to_owned();
    let private_key = key["privateKey"].as_str().unwrap().to_owned();
    assert_eq!(public_key.len(), 8);
    assert_eq!(private_key.len(), 36);

    let credentials =
        crate::helpers::Credentials { public_key: public_key.clone(), private_key: private_key.clone() };
    let path = crate::helpers::integrations_path("/api/atlas/v2", &group, "");
    assert_eq!(app.client(&credentials).get(&path).await.status, 200);

    let listed = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || run(&["api-key", "list"], &dir)
    })
    .await
    .unwrap();
    assert!(!listed.to_string().contains(&private_key), "list never shows a private key");
    assert!(listed.as_array().unwrap().iter().any(|k| k["publicKey"] == public_key.as_str()));

    tokio::task::spawn_blocking({
        let (dir, public_key) = (dir.clone(), public_key.clone());
        move || run(&["api-key", "revoke", "--key", &public_key], &dir)
    })
    .await
    .unwrap();
    assert_eq!(
        app.client(&credentials).get(&path).await.status,
        401,
        "revoked through the CLI, refused by the server"
    );
}

fn start_server(dir: &Path) -> (std::process::Child, Vec<String>) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env_remove("ATLAS_INTEGRATIONS_DATABASE_URL")
        .env_remove("ATLAS_INTEGRATIONS_SECRET_KEY_FILE")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The server logs "listening" on standard error once it accepts connections.
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    for line in stderr.by_ref() {
        if line.unwrap().contains("listening") {
            break;
        }
    }
    let drain = std::thread::spawn(move || stderr.for_each(drop));
    let stop = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(stop.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM stops the server cleanly");
    drain.join().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (child, stdout.lines().map(Result::unwrap).collect())
}

#[test]
fn the_first_start_prints_a_project_and_owner_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let (_, first) = start_server(dir.path());
    let value = |prefix: &str| {
        first
            .iter()
            .find_map(|line| line.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in {first:?}"))
            .to_owned()
    };
    let (project, public, private) = (value("Project ID: "), value("Public key: "), value("Private key: "));
    assert_eq!(project.len(), 24);
    assert_eq!(public.len(), 8);
    assert_eq!(private.len(), 36);
    assert!(first.iter().any(|line| line.contains("curl --digest") && line.contains(&project)));
    let (_, second) = start_server(dir.path());
    assert!(second.iter().all(|line| !line.contains("Private key")), "{second:?}");
}

#[test]
fn keys_generate_writes_a_private_key_file_and_never_overwrites_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replicas.key");
    let generate = || Command::new(BIN).args(["keys", "generate", "--out"]).arg(&path).output().unwrap();
    assert!(generate().status.success());
    let first = std::fs::read(&path).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    let again = generate();
    assert!(!again.status.success(), "an existing key file is kept");
    assert_eq!(std::fs::read(&path).unwrap(), first);
}

#[test]
fn a_postgresql_replica_without_a_key_file_refuses_to_start_and_says_how_to_make_one() {
    let output = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database", "postgres://postgres@127.0.0.1:1/none"])
        .env_remove("ATLAS_INTEGRATIONS_SECRET_KEY_FILE")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("keys generate --out"), "{message}");
}

#[tokio::test]
async fn migrate_applies_the_schema_and_says_so() {
    let app = crate::helpers::TestApp::spawn().await;
    let args = app.database_args();
    let answer = tokio::task::spawn_blocking(move || run(&["migrate"], &args)).await.unwrap();
    assert_eq!(answer["migrated"], true);
}

#[tokio::test]
async fn organizations_projects_in_them_and_assigned_keys_come_from_the_command_line() {
    let app = crate::helpers::TestApp::spawn().await;
    let args = app.database_args();
    let call = |command: Vec<String>| {
        let args = args.clone();
        tokio::task::spawn_blocking(move || {
            let words: Vec<&str> = command.iter().map(String::as_str).collect();
            run(&words, &args)
        })
    };
    let org = call(vec!["org".into(), "create".into(), "--name".into(), "Payments".into()]).await.unwrap();
    let org_id = org["id"].as_str().unwrap().to_owned();
    let project = call(vec![
        "project".into(),
        "create".into(),
        "--name".into(),
        "Billing".into(),
        "--org".into(),
        org_id.clone(),
    ])
    .await
    .unwrap();
    assert_eq!(project["orgId"], org_id.as_str());
    let key = call(vec![
        "api-key".into(),
        "create".into(),
        "--org".into(),
        org_id.clone(),
        "--role".into(),
        "ORG_MEMBER".into(),
    ])
    .await
    .unwrap();
    let public_key = key["publicKey"].as_str().unwrap().to_owned();
    let group = project["id"].as_str().unwrap().to_owned();
    let assigned = call(vec![
        "api-key".into(),
        "assign".into(),
        "--key".into(),
        public_key.clone(),
        "--project".into(),
        group.clone(),
        "--role".into(),
        "GROUP_READ_ONLY".into(),
    ])
    .await
    .unwrap();
    assert!(assigned["roles"].as_array().unwrap().iter().any(|r| r["groupId"] == group.as_str()));
    let credentials = crate::helpers::Credentials {
        public_key,
        private_key: key["privateKey"].as_str().unwrap().to_owned(),
    };
    let path = crate::helpers::integrations_path("/api/atlas/v2", &group, "");
    assert_eq!(app.client(&credentials).get(&path).await.status, 200);
    let listed = call(vec!["org".into(), "list".into()]).await.unwrap();
    assert!(listed.as_array().unwrap().iter().any(|o| o["name"] == "Payments"));
}

#[test]
fn every_command_help_ends_with_an_example_and_a_role_given_with_the_wrong_flag_names_the_right_one() {
    let help = Command::new(BIN).args(["api-key", "create", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.trim_end().ends_with("--role ORG_OWNER --description terraform"), "{help}");

    let dir = tempfile::tempdir().unwrap();
    let project_role_for_org = Command::new(BIN)
        .args([
            "api-key",
            "create",
            "--org",
            "5f1d7f3a2b1c4d5e6f7a8b9c",
            "--role",
            "GROUP_OWNER",
            "--data-dir",
        ])
        .arg(dir.path())
        .env_remove("ATLAS_INTEGRATIONS_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!project_role_for_org.status.success());
    let said = String::from_utf8_lossy(&project_role_for_org.stderr);
    assert!(said.contains("GROUP_OWNER is a project role: give --project"), "{said}");
    let org_role_for_project = Command::new(BIN)
        .args([
            "api-key",
            "create",
            "--project",
            "6a79404f2c88faeba59beea6",
            "--role",
            "ORG_OWNER",
            "--data-dir",
        ])
        .arg(dir.path())
        .env_remove("ATLAS_INTEGRATIONS_DATABASE_URL")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&org_role_for_project.stderr);
    assert!(said.contains("ORG_OWNER is an organization role: give --org"), "{said}");
}

#[test]
fn running_without_a_command_says_that_it_serves() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .env("ATLAS_INTEGRATIONS_LISTEN", "127.0.0.1:0")
        .env("ATLAS_INTEGRATIONS_DATA_DIR", dir.path())
        .env_remove("ATLAS_INTEGRATIONS_DATABASE_URL")
        .env_remove("ATLAS_INTEGRATIONS_SECRET_KEY_FILE")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let first = BufReader::new(child.stderr.take().unwrap()).lines().next().unwrap().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(first.contains("No command given: serving the API"), "{first}");
}
