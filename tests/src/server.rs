//! A release `signal serve` for one test or benchmark run: a free port on
//! 127.0.0.1, a fresh data folder, a technician account, and the process
//! killed when the handle is dropped (even when the test panics).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tempfile::TempDir;
use tokio::io::AsyncWriteExt;
use tokio::process::{Child, Command};

use crate::{Result, artifacts, process, wait};

/// The technician every harness server starts with.
pub const TECHNICIAN: &str = "tess";
pub const PASSWORD: &str = "correct horse battery";

/// How to start the server.
#[derive(Debug, Clone)]
pub struct Options {
    /// Folder served as the web app; `None` means the release `dist/`,
    /// which must exist.
    pub static_dir: Option<PathBuf>,
    /// `--pin-ttl`, e.g. `"2s"` for the expired-PIN test.
    pub pin_ttl: Option<String>,
    /// Technician accounts to create before starting, as (name, password).
    pub technicians: Vec<(String, String)>,
    /// More `signal serve` flags, e.g. the benchmark's raised connection
    /// caps. Appended last, so they override nothing set above.
    pub extra_args: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            static_dir: None,
            pin_ttl: None,
            technicians: vec![(TECHNICIAN.into(), PASSWORD.into())],
            extra_args: Vec::new(),
        }
    }
}

/// A running server.
pub struct Server {
    /// Killed on drop (`kill_on_drop`).
    child: Child,
    /// `http://127.0.0.1:<port>`, no trailing slash: also the browser origin.
    url: String,
    /// Database and log; deleted on drop, after the child is gone.
    data: TempDir,
}

impl Server {
    /// Starts the release server and waits until `/healthz` answers.
    pub async fn start(options: Options) -> Result<Server> {
        let binary = artifacts::signal_binary()?;
        let static_dir = match options.static_dir {
            Some(dir) => dir,
            None => artifacts::web_app()?,
        };
        let data = tempfile::Builder::new()
            .prefix("lifeline-data-")
            .tempdir()?;
        for (name, password) in &options.technicians {
            add_technician(&binary, data.path(), name, password).await?;
        }
        let port = process::free_port()?;
        let url = format!("http://127.0.0.1:{port}");
        let log = std::fs::File::create(data.path().join("server.log"))?;
        let mut command = Command::new(&binary);
        command
            .arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--data")
            .arg(data.path())
            .arg("--static")
            .arg(&static_dir)
            .env("RUST_LOG", "info,hyper=warn,warp=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .kill_on_drop(true);
        if let Some(ttl) = &options.pin_ttl {
            command.arg("--pin-ttl").arg(ttl);
        }
        command.args(&options.extra_args);
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut server = Server { child, url, data };
        server.wait_until_healthy().await?;
        Ok(server)
    }

    async fn wait_until_healthy(&mut self) -> Result<()> {
        let client = reqwest::Client::new();
        let healthz = format!("{}/healthz", self.url);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(
                    format!("the server exited ({status}) at start:\n{}", self.log()).into(),
                );
            }
            if let Ok(response) = client.get(&healthz).send().await
                && response.status().is_success()
            {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(format!(
                    "the server did not answer {healthz} within 20 s:\n{}",
                    self.log()
                )
                .into());
            }
            tokio::time::sleep(wait::POLL_EVERY).await;
        }
    }

    /// `http://127.0.0.1:<port>`: the base of every page and API URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The WebSocket endpoint.
    pub fn ws_url(&self) -> String {
        format!("{}/ws", self.url.replacen("http", "ws", 1))
    }

    /// The server's process id (for its memory figures).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// The data folder, for `signal user add` while it runs.
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// Everything the server logged so far: shown when a test fails.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data.path().join("server.log")).unwrap_or_default()
    }

    /// The last `lines` lines of the log.
    pub fn log_tail(&self, lines: usize) -> String {
        let log = self.log();
        let all: Vec<&str> = log.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

/// `signal user add NAME --password-stdin --data DIR`.
pub async fn add_technician(binary: &Path, data: &Path, name: &str, password: &str) -> Result<()> {
    let mut child = Command::new(binary)
        .args(["user", "add", name, "--password-stdin", "--data"])
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut stdin = child.stdin.take().ok_or("no stdin for signal user add")?;
    stdin.write_all(format!("{password}\n").as_bytes()).await?;
    drop(stdin);
    let out = child.wait_with_output().await?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "signal user add {name} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into())
    }
}
