//! Waiting for something to become true, with a deadline.
//!
//! Tests never sleep a fixed time and hope; they ask again every few
//! milliseconds until the answer is there or the deadline passes, and the
//! failure says what was awaited and what was last seen.

use std::fmt::Debug;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::Result;

/// How often a condition is checked: quick enough that waits end within a
/// frame or two of the event, slow enough not to load a 2-core machine.
pub const POLL_EVERY: Duration = Duration::from_millis(50);

/// The default deadline for one step of a scenario on a loaded machine.
pub const STEP: Duration = Duration::from_secs(30);

/// Calls `check` until it returns `Ok(Some(value))`. `Ok(None)` means "not
/// yet"; an error ends the wait at once. `describe` names the condition in
/// the failure message.
pub async fn until<T, F, Fut>(describe: &str, within: Duration, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if Instant::now() >= deadline {
            return Err(format!("timed out after {within:?} waiting for {describe}").into());
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// Like [`until`], for a probe that returns a value to test: waits until
/// `ok(value)` and reports the last value seen on timeout.
pub async fn until_value<T, F, Fut, P>(
    describe: &str,
    within: Duration,
    mut probe: F,
    ok: P,
) -> Result<T>
where
    T: Debug,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
    P: Fn(&T) -> bool,
{
    let deadline = Instant::now() + within;
    loop {
        let value = probe().await?;
        if ok(&value) {
            return Ok(value);
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "timed out after {within:?} waiting for {describe}; last saw {value:?}"
            )
            .into());
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}
