//! Real programs the tests run beside the server (Debian's `prometheus` and
//! `prometheus-alertmanager`): each on a loopback port the test chooses, with a folder of its
//! own, killed when dropped. A program that is not installed skips its test with a message,
//! unless `ATLAS_TEST_PROGRAMS=required` (as `.ci/run` sets it), where it fails it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running program.
pub struct Program {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its folder (configuration, storage, log).
    pub dir: tempfile::TempDir,
    child: Child,
}

/// The installed program `name`, or `None` (said on stderr) when the test should skip.
pub fn installed(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|path| path.is_file());
    if found.is_none() {
        let required = std::env::var("ATLAS_TEST_PROGRAMS").is_ok_and(|value| value == "required");
        assert!(
            !required,
            "{name} is not installed (apt-get install {name}) and ATLAS_TEST_PROGRAMS=required"
        );
        eprintln!("skipped: {name} is not installed (apt-get install {name})");
    }
    found
}

/// A loopback port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Program {
    /// Starts `binary` with `args` (where `{dir}` is its folder and `{port}` its port) after
    /// writing `files` (name, contents) into its folder; waits until `ready_path` answers 200.
    pub async fn start(binary: &Path, files: &[(&str, String)], args: &[&str], ready_path: &str) -> Program {
        let dir = tempfile::tempdir().unwrap();
        for (name, contents) in files {
            std::fs::write(dir.path().join(name), contents).unwrap();
        }
        let port = free_port();
        let folder = dir.path().to_str().unwrap().to_owned();
        let args: Vec<String> = args
            .iter()
            .map(|arg| arg.replace("{dir}", &folder).replace("{port}", &port.to_string()))
            .collect();
        let log = std::fs::File::create(dir.path().join("program.log")).unwrap();
        let child = Command::new(binary)
            .args(&args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let program = Program { url: format!("http://127.0.0.1:{port}"), dir, child };
        let ready = format!("{}{ready_path}", program.url);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if reqwest::get(&ready).await.is_ok_and(|answer| answer.status() == 200) {
                return program;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} never got ready: {}",
                binary.display(),
                program.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What it printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("program.log")).unwrap_or_default()
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
