//! End-to-end reverse sharing in two Chromiums: the technician shows their
//! own screen and the customer's page plays it under a label naming them;
//! the customer's screen goes the other way at the same time, each picture
//! on its own side; the customer closes the technician's screen and the
//! technician is told; the technician shows it again and stops; the report
//! lists both stretches.
//!
//! Needs `target/release/signal` and `dist/`, like `e2e.rs`.

use lifeline_tests::api::TechnicianClient;
use lifeline_tests::flow::{self, CUSTOMER, Video};
use lifeline_tests::scenario::{self, Stage};
use lifeline_tests::server::Options;
use lifeline_tests::{Result, page, wait};
use thirtyfour::WebDriver;

/// The customer's view of the technician's screen.
const SHOWN: &str = "#technician-screen video#technician-video";

/// Waits until the `<video>` at `css` has a picture, then until it has
/// decoded more frames than that: live, not a still.
async fn playing(driver: &WebDriver, css: &str, describe: &str) -> Result<Video> {
    let first = wait::until_value(
        &format!("{describe} to have a picture"),
        wait::STEP,
        || flow::video(driver, css),
        |v| v.is_some_and(|v| v.width > 0 && v.frames > 0),
    )
    .await?
    .ok_or("no video")?;
    wait::until_value(
        &format!("{describe} to keep playing"),
        wait::STEP,
        || flow::video(driver, css),
        |v| v.is_some_and(|v| v.frames > first.frames + 3),
    )
    .await?
    .ok_or_else(|| "no video".into())
}

async fn gone(driver: &WebDriver, css: &str, describe: &str) -> Result<()> {
    wait::until(describe, wait::STEP, || async {
        Ok(page::absent(driver, css).await?.then_some(()))
    })
    .await
}

async fn notice(driver: &WebDriver, scope: &str, text: &str) -> Result<()> {
    let css = format!("{scope}#transcript .chat-notice");
    page::wait_any_text(driver, &css, text, |t| t.contains(text)).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_technician_shows_their_screen_both_ways_close_and_stop() {
    scenario::run(
        "reverse-share",
        Options::default(),
        |stage: Stage| async move {
            let (tech, cust) = (&stage.technician, &stage.customer);
            let name = stage.username.clone();
            flow::sign_in(&stage).await?;
            let (pin, link) = flow::make_pin(&stage).await?;
            flow::customer_joins(&stage, &pin, &link).await?;
            let session = flow::waiting_row(tech, CUSTOMER).await?;
            let scope = flow::start(&stage, &session).await?;

            // Show my screen: the customer's page plays it, saying whose it is.
            page::click(tech, &format!("{scope}#show-screen")).await?;
            let label = format!("{name} is showing you their screen");
            page::wait_text(cust, "#technician-screen-label", "the label", |t| {
                t == label
            })
            .await?;
            playing(cust, SHOWN, "the technician's screen at the customer").await?;
            page::wait_text(tech, &format!("{scope}#showing-state"), "showing", |t| {
                t.contains(&format!("{CUSTOMER} sees your screen"))
            })
            .await?;
            page::find(tech, &format!("{scope}#stop-showing")).await?;
            stage.snap("shown").await?;

            // Both ways at once: the customer shares too. Each picture is on
            // its own side, and the technician's keeps playing.
            page::click(tech, &format!("{scope}#request-screen")).await?;
            page::click(cust, "#allow").await?;
            let remote = format!("{scope}video#remote-screen");
            playing(tech, &remote, "the customer's screen at the technician").await?;
            playing(cust, SHOWN, "the technician's screen while both share").await?;
            let streams: (String, String) = page::js(
                cust,
                "const shown = document.querySelector('#technician-video').srcObject;
             const own = document.querySelector('.preview-video').srcObject;
             return [shown ? shown.id : '', own ? own.id : ''];",
            )
            .await?;
            if streams.0.is_empty() || streams.0 == streams.1 {
                return Err(format!("the customer shows the wrong stream: {streams:?}").into());
            }
            stage.snap("both-ways").await?;

            // The customer closes it: hidden there, the technician is told and
            // stops sending; the customer's own screen still reaches them.
            page::click(cust, "#close-technician-screen").await?;
            gone(
                cust,
                "#technician-screen",
                "the technician's screen to close",
            )
            .await?;
            notice(tech, &scope, &format!("{CUSTOMER} closed your screen.")).await?;
            page::find(tech, &format!("{scope}#show-screen")).await?;
            playing(tech, &remote, "the customer's screen after the close").await?;

            // Shown again, then Stop showing.
            page::click(tech, &format!("{scope}#show-screen")).await?;
            playing(cust, SHOWN, "the technician's screen shown again").await?;
            page::click(tech, &format!("{scope}#stop-showing")).await?;
            gone(
                cust,
                "#technician-screen",
                "the technician's screen to stop",
            )
            .await?;
            notice(cust, "", &format!("{name} stopped showing their screen.")).await?;
            notice(tech, &scope, "You stopped showing your screen.").await?;

            // The report lists both stretches, each with its end.
            let api =
                TechnicianClient::sign_in(&stage.url, &stage.username, &stage.password).await?;
            let periods = wait::until_value(
                "two stretches in the report",
                wait::STEP,
                || async {
                    let reports = api.sessions().await?;
                    Ok(reports
                        .into_iter()
                        .next()
                        .map(|r| r.screen_shown)
                        .unwrap_or_default())
                },
                |p| p.len() == 2 && p.iter().all(|p| p.stopped_at.is_some()),
            )
            .await?;
            if periods[0].started_at > periods[1].started_at {
                return Err(format!("stretches out of order: {periods:?}").into());
            }
            // And the console's reports show them once the session ended.
            page::click(tech, &format!("{scope}#end-session")).await?;
            page::click(tech, ".overview-tab").await?;
            wait::until_value(
                "the stretches in Recent sessions",
                wait::STEP,
                || page::texts(tech, ".reports .report-shown"),
                |texts| {
                    texts.len() == 2 && texts.iter().all(|t| t.starts_with("Showed own screen"))
                },
            )
            .await?;
            stage.snap("report").await?;
            Ok(())
        },
    )
    .await;
}
