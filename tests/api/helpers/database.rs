//! The database a test runs on: a SQLite file in the test's own folder, or, when
//! `TEST_DATABASE_URL` names a PostgreSQL server, a fresh database of its own there, dropped
//! when the test ends. Tests therefore run in parallel and leave nothing behind.

use std::path::{Path, PathBuf};

use atlas_integrations::crypto::MasterKey;

/// The PostgreSQL server to test against, if any.
pub fn postgres_server() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok().filter(|url| !url.is_empty())
}

/// One test's database.
pub struct TestDatabase {
    /// Its URL.
    pub url: String,
    /// The key file it is sealed with.
    pub key_file: PathBuf,
    postgres: Option<(String, String)>,
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    hex::encode(bytes)
}

impl TestDatabase {
    /// A fresh database for a test whose folder is `data_dir`, with a new key file there:
    /// on PostgreSQL when `TEST_DATABASE_URL` is set, otherwise on SQLite.
    pub async fn create(data_dir: &Path) -> TestDatabase {
        let key_file = data_dir.join("secret.key");
        MasterKey::generate().write_new(&key_file).unwrap();
        match postgres_server() {
            Some(server) => Self::postgres(&server, key_file).await,
            None => Self::sqlite(data_dir, key_file),
        }
    }

    /// A fresh SQLite database in `data_dir`, sealed with `key_file`.
    pub fn sqlite(data_dir: &Path, key_file: PathBuf) -> TestDatabase {
        let url = format!("sqlite://{}", data_dir.join("atlas-integrations.db").display());
        TestDatabase { url, key_file, postgres: None }
    }

    /// A fresh PostgreSQL database on `server`, sealed with `key_file`.
    pub async fn postgres(server: &str, key_file: PathBuf) -> TestDatabase {
        let name = format!("atlas_test_{}", random_suffix());
        let admin = sqlx::PgPool::connect(server).await.expect("TEST_DATABASE_URL must be reachable");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.unwrap();
        admin.close().await;
        let mut url = url::Url::parse(server).unwrap();
        url.set_path(&format!("/{name}"));
        TestDatabase { url: url.to_string(), key_file, postgres: Some((server.to_owned(), name)) }
    }

    /// Whether this is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// Runs SQL (one or more statements) directly against the database, behind the server's
    /// back.
    pub async fn execute(&self, sql: &str) {
        if self.is_postgres() {
            let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&pool).await.unwrap();
            pool.close().await;
        } else {
            let path = self.url.strip_prefix("sqlite://").expect("a sqlite:// URL");
            let connection = rusqlite::Connection::open(path).unwrap();
            connection.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
            connection.execute_batch(sql).unwrap();
        }
    }

    /// Everything the database holds as an attacker would read it: the SQLite files
    /// (database and journal) or a `pg_dump` of the PostgreSQL database.
    pub fn raw_bytes(&self, data_dir: &Path) -> Vec<u8> {
        if self.is_postgres() {
            let dump = std::process::Command::new("pg_dump")
                .args(["--data-only", &self.url])
                .output()
                .expect("pg_dump is installed with PostgreSQL");
            assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
            return dump.stdout;
        }
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(data_dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap().to_string_lossy().starts_with("atlas-integrations.db") {
                bytes.extend(std::fs::read(&path).unwrap());
            }
        }
        bytes
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else { return };
        // Drop runs inside the test's runtime, which cannot block: use a thread of its own.
        let label = name.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let admin = sqlx::PgPool::connect(&server).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                    .execute(&admin)
                    .await?;
                admin.close().await;
                Ok::<_, sqlx::Error>(())
            })
        });
        if let Ok(Err(error)) = dropped.join() {
            eprintln!("could not drop the test database {label}: {error}");
        }
    }
}
