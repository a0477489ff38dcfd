//! Headless Chromium through chromedriver.
//!
//! chromedriver runs on a free port in its own process group, so that
//! dropping [`ChromeDriver`] kills it and every browser it started even if
//! nobody called `quit()`. Each [`Browser`] gets a fresh profile folder;
//! [`Browser::quit`] closes it and then checks that no process still uses
//! that folder, which is how a test proves no browser outlived it.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tempfile::TempDir;
use thirtyfour::prelude::*;
use tokio::process::{Child, Command};

use crate::{Result, process, wait};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Flags every browser gets (TOOLCHAIN.md explains each), plus fake media:
/// `getDisplayMedia` returns a synthetic 1280×720 screen without a prompt.
const FLAGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // Containers often have a tiny /dev/shm; Chromium then crashes tabs.
    "--disable-dev-shm-usage",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    // The texts the tests read are the English ones.
    "--lang=en-US",
    "--window-size=1280,900",
    // Headless tabs in the background would otherwise throttle timers and
    // video, and both pages are "in the background" of nobody.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    // Let muted video and the ring play without a user gesture.
    "--autoplay-policy=no-user-gesture-required",
];

/// A running chromedriver.
pub struct ChromeDriver {
    /// Killed on drop, with its process group (the browsers).
    child: Child,
    url: String,
    /// The driver's log, for a failing test's report.
    log: TempDir,
}

impl ChromeDriver {
    /// Starts `/usr/bin/chromedriver` and waits until it reports ready.
    pub async fn start() -> Result<ChromeDriver> {
        for (path, package) in [(CHROMEDRIVER, "chromium-driver"), (CHROMIUM, "chromium")] {
            if !std::path::Path::new(path).exists() {
                return Err(format!(
                    "{path} is missing: run scripts/setup (apt-get install {package})"
                )
                .into());
            }
        }
        let port = process::free_port()?;
        let log = tempfile::Builder::new()
            .prefix("lifeline-chromedriver-")
            .tempdir()?;
        let log_file = log.path().join("chromedriver.log");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log_file.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own group: one kill reaches the browsers it starts too.
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {CHROMEDRIVER}: {e}"))?;
        let driver = ChromeDriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let client = reqwest::Client::new();
        let status = format!("{}/status", driver.url);
        wait::until(
            "chromedriver to answer /status",
            Duration::from_secs(20),
            || {
                let request = client.get(&status).send();
                async move {
                    Ok(match request.await {
                        Ok(response) if response.status().is_success() => {
                            let body: serde_json::Value = response.json().await?;
                            body["value"]["ready"].as_bool().filter(|ready| *ready)
                        }
                        _ => None,
                    })
                }
            },
        )
        .await?;
        Ok(driver)
    }

    /// A new headless Chromium with a fresh profile. `name` labels it in
    /// screenshots and errors ("technician", "customer").
    pub async fn browser(&self, name: &str) -> Result<Browser> {
        let profile = tempfile::Builder::new()
            .prefix(&format!("lifeline-{name}-"))
            .tempdir()?;
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(CHROMIUM)?;
        for flag in FLAGS {
            caps.add_arg(flag)?;
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))?;
        // Received files are saved with the browser's download: several
        // from one page without a prompt (tests point the folder with
        // `Browser.setDownloadBehavior`).
        caps.add_experimental_option(
            "prefs",
            serde_json::json!({
                "download.prompt_for_download": false,
                "profile.default_content_setting_values.automatic_downloads": 1
            }),
        )?;
        let driver = WebDriver::new(self.url.clone(), caps)
            .await
            .map_err(|e| format!("cannot start the {name} browser: {e}"))?;
        Ok(Browser {
            driver,
            name: name.to_owned(),
            profile,
        })
    }

    /// What chromedriver logged (the tail).
    pub fn log_tail(&self, lines: usize) -> String {
        let log =
            std::fs::read_to_string(self.log.path().join("chromedriver.log")).unwrap_or_default();
        let all: Vec<&str> = log.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            process::kill_process_group(pid);
        }
    }
}

/// One headless Chromium.
pub struct Browser {
    pub driver: WebDriver,
    pub name: String,
    /// The profile folder; also how leftover processes are found.
    profile: TempDir,
}

impl Browser {
    pub fn profile(&self) -> PathBuf {
        self.profile.path().to_owned()
    }

    /// Closes the browser and waits until no process uses its profile any
    /// more; stragglers are killed and reported as an error.
    pub async fn quit(self) -> Result<()> {
        let Browser {
            driver,
            name,
            profile,
        } = self;
        let quit = tokio::time::timeout(Duration::from_secs(20), driver.quit()).await;
        let gone = wait::until(
            &format!("the {name} browser's processes to exit"),
            Duration::from_secs(10),
            || {
                let left = process::processes_mentioning(profile.path());
                async move { Ok(left.is_empty().then_some(())) }
            },
        )
        .await;
        if gone.is_err() {
            let left = process::processes_mentioning(profile.path());
            for (pid, _) in &left {
                process::kill(*pid);
            }
            return Err(format!(
                "the {name} browser left processes running (now killed): {left:?}"
            )
            .into());
        }
        match quit {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(format!("quitting the {name} browser failed: {e}").into()),
            Err(_) => Err(format!("quitting the {name} browser took over 20 s").into()),
        }
    }
}
