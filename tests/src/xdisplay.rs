//! A throw-away X server for one test: `Xvfb` on a display number it picks
//! itself (`-displayfd`), so parallel test binaries never collide, with no
//! window manager (windows land exactly where they are put), killed with
//! its process group when dropped.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::Result;

/// Where Debian's `xvfb` package puts the server.
pub const XVFB: &str = "/usr/bin/Xvfb";

/// A running Xvfb.
pub struct XDisplay {
    /// Killed on drop (`kill_on_drop`).
    _child: Child,
    name: String,
    pub width: u32,
    pub height: u32,
}

impl XDisplay {
    /// Starts Xvfb with one screen of `width`×`height` at 24 bits and
    /// waits until it says which display it took.
    pub async fn start(width: u32, height: u32) -> Result<XDisplay> {
        if !std::path::Path::new(XVFB).exists() {
            return Err(
                format!("{XVFB} is missing: run scripts/setup (apt-get install xvfb)").into(),
            );
        }
        let mut child = Command::new(XVFB)
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-noreset",
                "-screen",
                "0",
            ])
            .arg(format!("{width}x{height}x24"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {XVFB}: {e}"))?;
        let stdout = child.stdout.take().ok_or("Xvfb has no stdout")?;
        let mut line = String::new();
        // Xvfb writes the number once the display accepts connections.
        tokio::time::timeout(
            Duration::from_secs(20),
            BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .map_err(|_| "Xvfb did not report its display within 20 s")??;
        let number: u32 = line
            .trim()
            .parse()
            .map_err(|_| format!("Xvfb reported {line:?} instead of a display number"))?;
        Ok(XDisplay {
            _child: child,
            name: format!(":{number}"),
            width,
            height,
        })
    }

    /// The `DISPLAY` value for clients: `:N`.
    pub fn name(&self) -> &str {
        &self.name
    }
}
