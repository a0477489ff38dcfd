//! The steps of the support flow in the two browsers, shared by the
//! end-to-end tests and the browser benchmark. Selectors are the ids and
//! classes the web app promises (see `frontend/src/components`).

use serde::Deserialize;
use serde_json::json;
use thirtyfour::prelude::*;

use crate::scenario::Stage;
use crate::{Result, page, wait};

/// The name the customer types.
pub const CUSTOMER: &str = "Ann Customer";

/// The technician signs in on `/console`.
pub async fn sign_in(stage: &Stage) -> Result<()> {
    let tech = &stage.technician;
    tech.goto(format!("{}/console", stage.url)).await?;
    page::type_into(tech, "#username", &stage.username).await?;
    page::type_into(tech, "#password", &stage.password).await?;
    page::click(tech, "#sign-in").await?;
    page::find(tech, "#new-pin").await?;
    Ok(())
}

/// New PIN: returns the PIN and the customer link the card shows.
pub async fn make_pin(stage: &Stage) -> Result<(String, String)> {
    let tech = &stage.technician;
    page::click(tech, "#new-pin").await?;
    let pin = page::wait_text(tech, "#pin-value", "a 6-digit PIN", |t| {
        t.len() == 6 && t.chars().all(|c| c.is_ascii_digit())
    })
    .await?;
    let link = page::find(tech, "#pin-link")
        .await?
        .attr("href")
        .await?
        .ok_or("the PIN link has no href")?;
    if !link.contains(&format!("/?code={pin}&key=")) {
        return Err(format!("the link {link} does not carry the PIN {pin}").into());
    }
    Ok((pin, link))
}

/// The customer opens the link, checks the PIN is filled in, types a name
/// and connects, then waits for the technician.
pub async fn customer_joins(stage: &Stage, pin: &str, link: &str) -> Result<()> {
    let cust = &stage.customer;
    cust.goto(link).await?;
    let typed = page::find(cust, "#pin")
        .await?
        .value()
        .await?
        .unwrap_or_default();
    if typed.replace(' ', "") != pin {
        return Err(
            format!("the link should fill in the PIN {pin}, the field shows {typed:?}").into(),
        );
    }
    page::type_into(cust, "#name", CUSTOMER).await?;
    page::click(cust, "#connect").await?;
    page::wait_text(cust, "#status", "waiting", |t| {
        t == "Waiting for technician…"
    })
    .await?;
    Ok(())
}

/// The session id of the queue row where `customer` waits.
pub async fn waiting_row(tech: &WebDriver, customer: &str) -> Result<String> {
    wait::until(
        &format!("{customer} to wait in the queue"),
        wait::STEP,
        || async move {
            for row in tech.find_all(By::Css("#queue .queue-row.waiting")).await? {
                if row.text().await?.contains(customer) {
                    return Ok(row.attr("data-session").await?);
                }
            }
            Ok(None)
        },
    )
    .await
}

/// Start session on the queue row, open its tab; returns the CSS scope of
/// the session's view (with a trailing space, ready to prefix selectors).
pub async fn start(stage: &Stage, session: &str) -> Result<String> {
    let (tech, cust) = (&stage.technician, &stage.customer);
    page::click(
        tech,
        &format!(".queue-row[data-session=\"{session}\"] .start-session"),
    )
    .await?;
    page::click(tech, &format!(".session-tab[data-session=\"{session}\"]")).await?;
    let view = format!(".session-view[data-session=\"{session}\"]");
    page::find(tech, &view).await?;
    let connected = format!("Connected to {}", stage.username);
    page::wait_text(cust, "#status", &connected, |t| t == connected).await?;
    Ok(format!("{view} "))
}

/// Chat one way: `from` types `text` and sends; it shows as `from`'s own
/// line and then as the other side's line at `to`.
pub async fn chat(
    from: &WebDriver,
    from_scope: &str,
    to: &WebDriver,
    to_scope: &str,
    text: &str,
) -> Result<()> {
    page::type_into(from, &format!("{from_scope}#message"), text).await?;
    page::click(from, &format!("{from_scope}#send")).await?;
    let mine = format!("{from_scope}#transcript .chat-line.mine .chat-text");
    page::wait_any_text(from, &mine, text, |t| t == text).await?;
    let theirs = format!("{to_scope}#transcript .chat-line.theirs .chat-text");
    page::wait_any_text(to, &theirs, text, |t| t == text).await?;
    Ok(())
}

/// What a `<video>` shows.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Video {
    pub width: u32,
    pub frames: u64,
}

/// The width and decoded frame count of the `<video>` matching `css`.
pub async fn video(driver: &WebDriver, css: &str) -> Result<Option<Video>> {
    page::js_with(
        driver,
        "const v = document.querySelector(arguments[0]);
         if (!v) return null;
         const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : 0;
         return { width: v.videoWidth, frames: v.webkitDecodedFrameCount ?? q };",
        vec![json!(css)],
    )
    .await
}
