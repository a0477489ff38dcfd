//! End-to-end: the release server and the release web app in two headless
//! Chromiums, a technician's and a customer's, through the whole support
//! flow and its refusals (issue 3).
//!
//! These need `target/release/signal` and `dist/` (scripts/test builds both)
//! and fail, saying so, when either is missing. Screenshots of both pages
//! land in `target/e2e-screenshots/`.

use lifeline_tests::api::TechnicianClient;
use lifeline_tests::scenario::{self, Stage};
use lifeline_tests::server::Options;
use lifeline_tests::{Result, page, wait};
use protocol::api::ConsentEventKind;
use protocol::ws::EndReason;
use serde::Deserialize;
use serde_json::json;
use thirtyfour::prelude::*;

const CUSTOMER: &str = "Ann Customer";

/// The technician signs in, makes a PIN and returns it with its link.
async fn sign_in_and_make_pin(stage: &Stage) -> Result<(String, String)> {
    let tech = &stage.technician;
    tech.goto(format!("{}/console", stage.url)).await?;
    page::type_into(tech, "#username", &stage.username).await?;
    page::type_into(tech, "#password", &stage.password).await?;
    page::click(tech, "#sign-in").await?;
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
    if !link.ends_with(&format!("/?code={pin}")) {
        return Err(format!("the link {link} does not carry the PIN {pin}").into());
    }
    page::find(tech, "#pin-qr").await?;
    page::find(tech, "#copy-link").await?;
    Ok((pin, link))
}

/// From sign-in to a started session with both sides connected; returns
/// the session id and the CSS scope of its view in the console.
async fn start_session(stage: &Stage) -> Result<(String, String)> {
    let (tech, cust) = (&stage.technician, &stage.customer);
    let (pin, link) = sign_in_and_make_pin(stage).await?;

    cust.goto(&link).await?;
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

    // The console queues (and rings): a waiting row and a badge in the title.
    let row = waiting_row(tech, CUSTOMER).await?;
    page::wait_title(tech, "(1) Lifeline console", |t| {
        t == "(1) Lifeline console"
    })
    .await?;
    stage.snap("queued").await?;

    page::click(
        tech,
        &format!(".queue-row[data-session=\"{row}\"] .start-session"),
    )
    .await?;
    let view = format!(".session-view[data-session=\"{row}\"]");
    page::click(tech, &format!(".session-tab[data-session=\"{row}\"]")).await?;
    page::find(tech, &view).await?;
    page::wait_text(cust, "#status", "connected", |t| {
        t == format!("Connected to {}", stage.username)
    })
    .await?;
    page::wait_title(tech, "without a badge", |t| t == "Lifeline console").await?;
    Ok((row, view))
}

/// The session id of the queue row where `customer` waits.
async fn waiting_row(tech: &WebDriver, customer: &str) -> Result<String> {
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

/// Chat one way: `from` types `text`, `to` shows it as the other side's line.
async fn chat(
    from: &WebDriver,
    from_scope: &str,
    to: &WebDriver,
    to_scope: &str,
    text: &str,
) -> Result<()> {
    page::type_into(from, &format!("{from_scope}#message"), text).await?;
    page::click(from, &format!("{from_scope}#send")).await?;
    page::wait_any_text(
        from,
        &format!("{from_scope}#transcript .chat-line.mine .chat-text"),
        text,
        |t| t == text,
    )
    .await?;
    page::wait_any_text(
        to,
        &format!("{to_scope}#transcript .chat-line.theirs .chat-text"),
        text,
        |t| t == text,
    )
    .await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
struct Video {
    width: u32,
    frames: u64,
}

/// The technician's `<video>`: its width and decoded frame count.
async fn video(tech: &WebDriver, css: &str) -> Result<Option<Video>> {
    page::js_with(
        tech,
        "const v = document.querySelector(arguments[0]);
         if (!v) return null;
         const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : 0;
         return { width: v.videoWidth, frames: v.webkitDecodedFrameCount ?? q };",
        vec![json!(css)],
    )
    .await
}

/// The technician's newest report, read over HTTP with a login of its own.
async fn newest_report(stage: &Stage) -> Result<protocol::api::SessionReport> {
    let api = TechnicianClient::sign_in(&stage.url, &stage.username, &stage.password).await?;
    let reports = api.sessions().await?;
    reports
        .into_iter()
        .next()
        .ok_or_else(|| "no session report at all".into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_support_session() {
    scenario::run("full-session", Options::default(), |stage| async move {
        let (tech, cust) = (&stage.technician, &stage.customer);
        let (_, view) = start_session(&stage).await?;
        let scope = format!("{view} ");

        chat(tech, &scope, cust, "", "Hello, this is your technician.").await?;
        chat(cust, "", tech, &scope, "Hi! My printer is broken.").await?;

        page::click(tech, &format!("{scope}#request-screen")).await?;
        let consent = page::find(cust, "#consent").await?.text().await?;
        if !consent.contains(&stage.username) {
            return Err(
                format!("the consent dialog does not name the technician: {consent:?}").into(),
            );
        }
        page::click(cust, "#allow").await?;
        page::find(cust, "#sharing-banner").await?;
        page::find(cust, "#stop-sharing").await?;

        let screen = format!("{scope}video#remote-screen");
        let first = wait::until_value(
            "the technician's video to show the screen",
            wait::STEP,
            || video(tech, &screen),
            |v| v.as_ref().is_some_and(|v| v.width > 0 && v.frames > 0),
        )
        .await?
        .ok_or("no video")?;
        // Not one frozen frame: decoding keeps going.
        wait::until_value(
            "decoded frames to keep rising",
            wait::STEP,
            || video(tech, &screen),
            |v| v.as_ref().is_some_and(|v| v.frames >= first.frames + 10),
        )
        .await?;
        stage.snap("sharing").await?;

        page::click(cust, "#disconnect").await?;
        page::find(tech, &format!("{scope}#session-ended")).await?;
        page::wait_text(cust, "#status", "the end", |t| !t.starts_with("Connected")).await?;

        let report = newest_report(&stage).await?;
        let ok = report.customer == CUSTOMER
            && report.technician == stage.username
            && report.end_reason == Some(EndReason::CustomerLeft)
            && report
                .consent
                .iter()
                .any(|c| c.event == ConsentEventKind::Allowed);
        if !ok {
            return Err(format!("the report is not what happened: {report:?}").into());
        }
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_denies_screen_view() {
    scenario::run("deny", Options::default(), |stage| async move {
        let (tech, cust) = (&stage.technician, &stage.customer);
        let (_, view) = start_session(&stage).await?;
        let scope = format!("{view} ");

        page::click(tech, &format!("{scope}#request-screen")).await?;
        page::find(cust, "#consent").await?;
        page::click(cust, "#deny").await?;
        page::wait_any_text(
            tech,
            &format!("{scope}#transcript .chat-notice"),
            "the refusal",
            |t| t.contains("did not allow"),
        )
        .await?;
        if !page::absent(cust, "#consent").await? || !page::absent(cust, "#sharing-banner").await? {
            return Err("after Deny the customer still sees the dialog or a sharing banner".into());
        }
        let shown: bool = page::js_with(
            tech,
            "const v = document.querySelector(arguments[0]); return !!(v && v.srcObject);",
            vec![json!(format!("{scope}video#remote-screen"))],
        )
        .await?;
        if shown {
            return Err("after Deny the technician's video has a stream".into());
        }
        stage.snap("denied").await?;

        page::click(tech, &format!("{scope}#end-session")).await?;
        page::wait_text(cust, "#status", "the end", |t| !t.starts_with("Connected")).await?;
        let report = newest_report(&stage).await?;
        let ok = report.end_reason == Some(EndReason::TechnicianLeft)
            && report
                .consent
                .iter()
                .any(|c| c.event == ConsentEventKind::Denied)
            && !report
                .consent
                .iter()
                .any(|c| c.event == ConsentEventKind::Allowed);
        if !ok {
            return Err(format!("the report is not what happened: {report:?}").into());
        }
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_pins_get_their_own_messages() {
    scenario::run("wrong-pin", Options::default(), |stage| async move {
        let cust = &stage.customer;
        // A live PIN exists, so "unknown" really means "not this one".
        let api = TechnicianClient::sign_in(&stage.url, &stage.username, &stage.password).await?;
        let issued = api.new_pin(None).await?;
        let wrong = format!(
            "{:06}",
            (issued.pin.as_str().parse::<u32>()? + 1) % 1_000_000
        );

        cust.goto(format!("{}/", stage.url)).await?;
        page::type_into(cust, "#name", CUSTOMER).await?;
        for (typed, says) in [
            ("", "6-digit PIN"),
            ("12345", "exactly 6 digits"),
            (wrong.as_str(), "not valid"),
        ] {
            page::clear(cust, "#pin").await?;
            page::type_into(cust, "#pin", typed).await?;
            page::click(cust, "#connect").await?;
            page::wait_text(cust, "#pin-error", says, |t| t.contains(says)).await?;
        }
        if !page::absent(cust, "#status").await? {
            return Err("a wrong PIN got the customer past the form".into());
        }
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_pin_says_so() {
    let options = Options {
        pin_ttl: Some("2s".into()),
        ..Options::default()
    };
    scenario::run("expired-pin", options, |stage| async move {
        let cust = &stage.customer;
        let api = TechnicianClient::sign_in(&stage.url, &stage.username, &stage.password).await?;
        let issued = api.new_pin(None).await?;
        let expires = issued.expires_at;
        wait::until(
            "the PIN's expiry time to pass",
            std::time::Duration::from_secs(10),
            || async move { Ok((time::OffsetDateTime::now_utc() > expires).then_some(())) },
        )
        .await?;

        cust.goto(&issued.link).await?;
        page::type_into(cust, "#name", CUSTOMER).await?;
        page::click(cust, "#connect").await?;
        page::wait_text(cust, "#pin-error", "expired", |t| t.contains("expired")).await?;
        Ok(())
    })
    .await;
}
