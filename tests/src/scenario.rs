//! Running one browser scenario so that it can fail in any way and still
//! leave nothing behind.
//!
//! The scenario body runs in its own task (`tokio::spawn`): a panic there
//! surfaces as a `JoinError` here instead of unwinding past the cleanup.
//! Whatever happened, both pages are photographed, both browsers quit, no
//! process may still use their profiles, and chromedriver and the server
//! are killed on drop. Only then is the failure reported.

use std::future::Future;
use std::path::PathBuf;

use thirtyfour::WebDriver;
use tokio::sync::Mutex;

use crate::browser::{Browser, ChromeDriver};
use crate::server::{self, Server};
use crate::{Result, artifacts};

/// One scenario at a time: two Chromiums each is all a 2-core machine can
/// run without the video timing going astray.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// What a scenario body gets.
#[derive(Clone)]
pub struct Stage {
    /// `http://127.0.0.1:<port>` of this scenario's server.
    pub url: String,
    pub technician: WebDriver,
    pub customer: WebDriver,
    /// The technician account the server was started with.
    pub username: String,
    pub password: String,
    /// The technician's and the customer's browser profile folders: every
    /// process of a browser names its own (for measuring their memory).
    pub profiles: [PathBuf; 2],
    name: String,
}

impl Stage {
    /// Saves both pages as `target/e2e-screenshots/<scenario>-<step>-<who>.png`.
    pub async fn snap(&self, step: &str) -> Result<()> {
        let dir = screenshot_dir()?;
        for (who, driver) in [
            ("technician", &self.technician),
            ("customer", &self.customer),
        ] {
            driver
                .screenshot(&dir.join(format!("{}-{step}-{who}.png", self.name)))
                .await?;
        }
        Ok(())
    }
}

fn screenshot_dir() -> Result<PathBuf> {
    let dir = artifacts::output_dir("e2e-screenshots");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Runs `body` against a fresh release server (started with `options`) and
/// two fresh browsers, then cleans up, and panics if anything failed.
/// Returns what the body returned (the benchmark's measurements).
pub async fn run<T, F, Fut>(name: &str, options: server::Options, body: F) -> T
where
    T: Send + 'static,
    F: FnOnce(Stage) -> Fut,
    Fut: Future<Output = Result<T>> + Send + 'static,
{
    let _turn = ONE_AT_A_TIME.lock().await;
    let (username, password) = options
        .technicians
        .first()
        .cloned()
        .unwrap_or_else(|| (server::TECHNICIAN.into(), server::PASSWORD.into()));
    let server = Server::start(options)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let chromedriver = ChromeDriver::start()
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let technician = chromedriver
        .browser("technician")
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let customer = match chromedriver.browser("customer").await {
        Ok(browser) => browser,
        Err(e) => {
            let _ = technician.quit().await;
            panic!("{name}: {e}");
        }
    };
    let stage = Stage {
        url: server.url().to_owned(),
        technician: technician.driver.clone(),
        customer: customer.driver.clone(),
        username,
        password,
        profiles: [technician.profile(), customer.profile()],
        name: name.to_owned(),
    };

    let outcome = tokio::spawn(body(stage.clone())).await;
    let failed = !matches!(outcome, Ok(Ok(_)));
    let shot = stage.snap(if failed { "failed" } else { "end" }).await;
    drop(stage);
    let quits = quit_all([technician, customer]).await;
    let driver_log = chromedriver.log_tail(30);
    drop(chromedriver);

    let context = || {
        format!(
            "\n--- server log (tail) ---\n{}\n--- chromedriver log (tail) ---\n{driver_log}\nscreenshots: {}",
            server.log_tail(40),
            artifacts::output_dir("e2e-screenshots").display()
        )
    };
    let value = match outcome {
        Ok(Ok(value)) => value,
        Ok(Err(e)) => panic!("{name} failed: {e}{}", context()),
        Err(join) => {
            eprintln!("{name} panicked{}", context());
            match join.try_into_panic() {
                Ok(payload) => std::panic::resume_unwind(payload),
                Err(e) => panic!("{name}: the scenario task did not finish: {e}"),
            }
        }
    };
    if let Err(e) = quits {
        panic!("{name}: {e}");
    }
    if let Err(e) = shot {
        panic!("{name}: could not save screenshots: {e}");
    }
    value
}

/// Quits every browser, even when one of them fails to.
async fn quit_all(browsers: [Browser; 2]) -> Result<()> {
    let mut problems = Vec::new();
    for browser in browsers {
        if let Err(e) = browser.quit().await {
            problems.push(e.to_string());
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; ").into())
    }
}
