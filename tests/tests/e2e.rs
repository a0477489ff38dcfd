//! End-to-end: the release server and the release web app in two headless
//! Chromiums, a technician's and a customer's, through the whole support
//! flow and its refusals.
//!
//! These need `target/release/signal` and `dist/` (scripts/test builds both)
//! and fail, saying so, when either is missing. Screenshots of both pages
//! land in `target/e2e-screenshots/`. Scenarios run one at a time.

use std::time::Duration;

use lifeline_tests::api::TechnicianClient;
use lifeline_tests::flow::{self, CUSTOMER};
use lifeline_tests::scenario::{self, Stage};
use lifeline_tests::server::Options;
use lifeline_tests::{Result, page, wait};
use protocol::api::{ConsentEventKind, SessionReport};
use protocol::ws::EndReason;
use serde_json::json;

/// Sign-in to a started session with both sides connected, checking the
/// queue and the title badge on the way; returns the session view's scope.
async fn start_session(stage: &Stage) -> Result<String> {
    let tech = &stage.technician;
    flow::sign_in(stage).await?;
    let (pin, link) = flow::make_pin(stage).await?;
    page::find(tech, "#pin-qr").await?;
    page::find(tech, "#copy-link").await?;
    flow::customer_joins(stage, &pin, &link).await?;

    // The console queues (and rings): a waiting row and a badge in the title.
    let session = flow::waiting_row(tech, CUSTOMER).await?;
    page::wait_title(tech, "(1) Lifeline console", |t| {
        t == "(1) Lifeline console"
    })
    .await?;
    stage.snap("queued").await?;

    let scope = flow::start(stage, &session).await?;
    page::wait_title(tech, "without a badge", |t| t == "Lifeline console").await?;
    Ok(scope)
}

/// The technician's newest report, read over HTTP with a login of its own.
async fn newest_report(stage: &Stage) -> Result<SessionReport> {
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
        let scope = start_session(&stage).await?;

        flow::chat(tech, &scope, cust, "", "Hello, this is your technician.").await?;
        flow::chat(cust, "", tech, &scope, "Hi! My printer is broken.").await?;

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
            || flow::video(tech, &screen),
            |v| v.is_some_and(|v| v.width > 0 && v.frames > 0),
        )
        .await?
        .ok_or("no video")?;
        // Not one frozen frame: decoding keeps going.
        wait::until_value(
            "decoded frames to keep rising",
            wait::STEP,
            || flow::video(tech, &screen),
            |v| v.is_some_and(|v| v.frames >= first.frames + 10),
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
        let scope = start_session(&stage).await?;

        page::click(tech, &format!("{scope}#request-screen")).await?;
        page::find(cust, "#consent").await?;
        page::click(cust, "#deny").await?;
        let notices = format!("{scope}#transcript .chat-notice");
        page::wait_any_text(tech, &notices, "the refusal", |t| {
            t.contains("did not allow")
        })
        .await?;
        if !page::absent(cust, "#consent").await? || !page::absent(cust, "#sharing-banner").await? {
            return Err("after Deny the customer still sees the dialog or a sharing banner".into());
        }
        if has_stream(tech, &format!("{scope}video#remote-screen")).await? {
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
            Duration::from_secs(10),
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

/// Whether the `<video>` matching `css` has a stream attached.
async fn has_stream(driver: &thirtyfour::WebDriver, css: &str) -> Result<bool> {
    page::js_with(
        driver,
        "const v = document.querySelector(arguments[0]); return !!(v && v.srcObject);",
        vec![json!(css)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharing_stops_and_starts_again() {
    scenario::run("share-again", Options::default(), |stage| async move {
        let (tech, cust) = (&stage.technician, &stage.customer);
        let scope = start_session(&stage).await?;
        let screen = format!("{scope}video#remote-screen");
        for round in ["first", "second"] {
            page::click(tech, &format!("{scope}#request-screen")).await?;
            page::find(cust, "#consent").await?;
            page::click(cust, "#allow").await?;
            page::find(cust, "#sharing-banner").await?;
            wait::until_value(
                &format!("the {round} share to show on the technician's side"),
                wait::STEP,
                || flow::video(tech, &screen),
                |v| v.is_some_and(|v| v.width > 0 && v.frames > 0),
            )
            .await?;

            page::click(cust, "#stop-sharing").await?;
            wait::until_value(
                &format!("the {round} share's picture to go"),
                wait::STEP,
                || has_stream(tech, &screen),
                |streaming| !streaming,
            )
            .await?;
            if !page::absent(cust, "#sharing-banner").await? {
                return Err(format!("the banner stayed after the {round} stop").into());
            }
        }
        let notices = page::texts(tech, &format!("{scope}#transcript .chat-notice")).await?;
        if notices.len() != 4 {
            return Err(format!("expected allowed, stopped twice: {notices:?}").into());
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_release_server_serves_the_web_app() {
    let server = lifeline_tests::server::Server::start(Options::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for path in ["/", "/console", "/?code=123456"] {
        let response = reqwest::get(format!("{}{path}", server.url()))
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        let body = response.text().await.unwrap();
        assert!(
            body.contains(".wasm") || body.contains("wasm"),
            "{path} is not the app shell: {body}"
        );
    }
}
