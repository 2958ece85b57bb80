//! `/readyz` follows whether writes work: a change that fails in the database (here, as a
//! full disk would make it, through a trigger that raises on every write) takes the server
//! out of rotation until writes work again.

use serde_json::json;

use crate::helpers::TestApp;

const SQLITE_FAIL: &[&str] = &[
    "CREATE TRIGGER full_disk_insert BEFORE INSERT ON integrations BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    "CREATE TRIGGER full_disk_probe BEFORE UPDATE ON write_probe BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    "CREATE TRIGGER full_disk_probe_insert BEFORE INSERT ON write_probe BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
];
const SQLITE_HEAL: &[&str] =
    &["DROP TRIGGER full_disk_insert", "DROP TRIGGER full_disk_probe", "DROP TRIGGER full_disk_probe_insert"];
const POSTGRES_FAIL: &[&str] = &[
    "CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = '53100'; END $$",
    "CREATE TRIGGER full_disk BEFORE INSERT OR UPDATE ON integrations FOR EACH ROW EXECUTE FUNCTION full_disk()",
    "CREATE TRIGGER full_disk BEFORE INSERT OR UPDATE ON write_probe FOR EACH ROW EXECUTE FUNCTION full_disk()",
];
const POSTGRES_HEAL: &[&str] =
    &["DROP TRIGGER full_disk ON integrations", "DROP TRIGGER full_disk ON write_probe"];

async fn run(app: &TestApp, statements: &[&str]) {
    for statement in statements {
        app.database.execute(statement).await;
    }
}

async fn readyz(app: &TestApp) -> u16 {
    app.owner().get("/readyz").await.status
}

#[tokio::test]
async fn readyz_says_unavailable_while_writes_fail_and_ready_once_they_work_again() {
    let app = TestApp::spawn().await;
    let owner = app.owner();
    assert_eq!(readyz(&app).await, 200);
    let (fail, heal) = match app.database.is_postgres() {
        true => (POSTGRES_FAIL, POSTGRES_HEAL),
        false => (SQLITE_FAIL, SQLITE_HEAL),
    };
    run(&app, fail).await;
    let refused = owner.put(&app.v2("OPS_GENIE"), &json!({"type": "OPS_GENIE", "apiKey": "k"})).await;
    assert!(refused.status >= 500, "{}", refused.text());
    assert_eq!(readyz(&app).await, 503, "a failed write takes the server out of rotation");
    assert_eq!(readyz(&app).await, 503, "and it stays out while the probe write fails");
    assert_eq!(owner.get(&app.v2("")).await.status, 200, "reads still work meanwhile");

    run(&app, heal).await;
    assert_eq!(readyz(&app).await, 200, "the probe write succeeds: back in rotation");
    let accepted = owner.put(&app.v2("OPS_GENIE"), &json!({"type": "OPS_GENIE", "apiKey": "k"})).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
}

/// Makes the SQLite files immutable (`chattr +i`: even root cannot write them), and undoes it
/// when dropped.
struct Immutable(Vec<std::path::PathBuf>);

impl Immutable {
    fn set(files: Vec<std::path::PathBuf>) -> Immutable {
        for file in &files {
            let done =
                std::process::Command::new("chattr").arg("+i").arg(file).status().expect("chattr runs");
            assert!(done.success(), "chattr +i {} failed", file.display());
        }
        Immutable(files)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        for file in &self.0 {
            let _ = std::process::Command::new("chattr").arg("-i").arg(file).status();
        }
    }
}

#[tokio::test]
async fn a_database_that_cannot_be_written_is_not_ready_even_before_any_change_fails() {
    let app = TestApp::spawn().await;
    assert_eq!(readyz(&app).await, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let guard = if app.database.is_postgres() {
        let name = app.database.url.rsplit('/').next().unwrap().to_owned();
        app.database
            .execute(&format!(
                "ALTER DATABASE {name} SET default_transaction_read_only = on; \
                 SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ))
            .await;
        None
    } else {
        let base = app.database.url.strip_prefix("sqlite://").unwrap().to_owned();
        let files = ["", "-wal", "-shm"].iter().map(|suffix| format!("{base}{suffix}").into()).collect();
        Some(Immutable::set(files))
    };
    assert_eq!(readyz(&app).await, 503, "a read-only database takes the server out of rotation");
    assert_eq!(readyz(&app).await, 503);
    drop(guard);
    if app.database.is_postgres() {
        let name = app.database.url.rsplit('/').next().unwrap().to_owned();
        app.database
            .execute(&format!(
                "BEGIN READ WRITE; ALTER DATABASE {name} RESET default_transaction_read_only; COMMIT; \
                 SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ))
            .await;
    }
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while readyz(&app).await != 200 {
        assert!(tokio::time::Instant::now() < deadline, "never ready again");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
