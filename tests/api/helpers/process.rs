//! The server as an operator runs it: the binary in a process of its own, on the database of
//! a [`TestApp`], its standard error kept line by line for the test to read.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::TestApp;

/// A running `atlas-integrations serve`, killed when dropped.
pub struct ServerProcess {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// `http://127.0.0.1:PORT` of `--metrics-listen`, if asked for.
    pub metrics: Option<String>,
    lines: Arc<Mutex<Vec<String>>>,
    child: Child,
}

impl ServerProcess {
    /// Starts the binary on `app`'s database with `extra` options of `serve`.
    pub fn start(app: &TestApp, extra: &[&str]) -> ServerProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_atlas-integrations"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(app.database_args())
            .args(extra)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let kept = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        let mut server = ServerProcess { base: String::new(), metrics: None, lines, child };
        let wants_metrics = extra.contains(&"--metrics-listen");
        let deadline = Instant::now() + Duration::from_secs(20);
        while server.base.is_empty() || (wants_metrics && server.metrics.is_none()) {
            assert!(Instant::now() < deadline, "the server did not start: {:?}", server.lines());
            for line in server.lines() {
                if let Some(address) = address_after(&line, "address") {
                    server.base = format!("http://{address}");
                }
                if let Some(address) = address_after(&line, "metrics") {
                    server.metrics = Some(format!("http://{address}"));
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// Every line written to standard error so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address in `name=ADDRESS` (text logs) or `"name":"ADDRESS"` (JSON logs).
fn address_after(line: &str, name: &str) -> Option<String> {
    let rest =
        line.split(&format!("{name}=")).nth(1).or_else(|| line.split(&format!("\"{name}\":\"")).nth(1))?;
    let address: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':').collect();
    address.contains(':').then_some(address)
}
