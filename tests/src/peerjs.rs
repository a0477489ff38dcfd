//! peerjs-server (npm `peer`), the signalling server the benchmark compares
//! Lifeline with: installed once with npm into the target folder, started
//! with node on a free port of 127.0.0.1, killed when the handle is dropped
//! (even when the benchmark fails half-way).
//!
//! Only the npm registry is reachable from the machines this runs on, so
//! the install is a plain `npm install` of the published package; the
//! folder is kept under the target folder so reruns skip it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tempfile::TempDir;
use tokio::process::{Child, Command};

use crate::{Result, artifacts, process, wait};

/// The release the benchmark measures. Pinned, so figures stay comparable.
pub const VERSION: &str = "1.0.2";

/// The server's connection key (`--key`); clients must send the same.
pub const KEY: &str = "peerjs";

/// A running peerjs-server.
pub struct PeerjsServer {
    /// Killed on drop (`kill_on_drop`).
    child: Child,
    port: u16,
    /// Holds `server.log` (its stdout and stderr); deleted on drop.
    logs: TempDir,
}

impl PeerjsServer {
    /// Installs (once) and starts peerjs-server, then waits until it
    /// answers HTTP.
    pub async fn start() -> Result<PeerjsServer> {
        let entry = install().await?;
        let logs = tempfile::Builder::new().prefix("peerjs-").tempdir()?;
        let port = process::free_port()?;
        let log = std::fs::File::create(logs.path().join("server.log"))?;
        let child = Command::new("node")
            .arg(&entry)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--key", KEY, "--path", "/"])
            // Its default refuses the 5001st peer ("Server has reached its
            // concurrent user limit"); the benchmark holds up to 19 000.
            .args(["--concurrent_limit", "1000000"])
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start node {}: {e}", entry.display()))?;
        let mut server = PeerjsServer { child, port, logs };
        server.wait_until_ready().await?;
        Ok(server)
    }

    /// `GET /` answers with the server's name once it listens.
    async fn wait_until_ready(&mut self) -> Result<()> {
        let client = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{}/", self.port);
        let within = Duration::from_secs(30);
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(
                    format!("peerjs-server exited ({status}) at start:\n{}", self.log()).into(),
                );
            }
            if let Ok(response) = client.get(&url).send().await
                && response.status().is_success()
            {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(format!(
                    "peerjs-server did not answer {url} within {within:?}:\n{}",
                    self.log()
                )
                .into());
            }
            tokio::time::sleep(wait::POLL_EVERY).await;
        }
    }

    /// The WebSocket endpoint up to its query's key: a peer appends
    /// `&id=<id>&token=<token>`.
    pub fn ws_base(&self) -> String {
        format!("ws://127.0.0.1:{}/peerjs?key={KEY}", self.port)
    }

    /// The endpoint for one peer.
    pub fn ws_url(&self, id: &str, token: &str) -> String {
        peer_url(&self.ws_base(), id, token)
    }

    /// The node process's id (for its memory and CPU figures).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// What the server printed so far: shown when it fails to start.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.logs.path().join("server.log")).unwrap_or_default()
    }
}

/// `base` (from [`PeerjsServer::ws_base`]) for the peer `id`.
pub fn peer_url(base: &str, id: &str, token: &str) -> String {
    format!("{base}&id={id}&token={token}")
}

/// The server's entry script, installing the package first if the cached
/// folder does not hold this version.
pub async fn install() -> Result<PathBuf> {
    let dir = artifacts::target_dir().join(format!("peerjs-server-{VERSION}"));
    let entry = dir.join("node_modules/peer/dist/bin/peerjs.js");
    if installed_version(&dir).as_deref() == Some(VERSION) && entry.is_file() {
        return Ok(entry);
    }
    eprintln!("installing peer@{VERSION} with npm into {}…", dir.display());
    std::fs::create_dir_all(&dir)?;
    let out = Command::new("npm")
        .arg("install")
        .arg("--prefix")
        .arg(&dir)
        .args(["--no-save", "--no-audit", "--no-fund"])
        .arg(format!("peer@{VERSION}"))
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| format!("cannot run npm (is Node.js installed?): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "npm install peer@{VERSION} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    if !entry.is_file() {
        return Err(format!("npm installed peer, but {} is missing", entry.display()).into());
    }
    Ok(entry)
}

/// The `version` in the installed package's `package.json`, if any.
fn installed_version(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("node_modules/peer/package.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["version"].as_str().map(str::to_owned)
}
