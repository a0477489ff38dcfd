//! End-to-end recording: the technician records the customer's screen,
//! the customer's page says so for as long as it lasts, Stop finishes one
//! recording, and a console tab that goes away in the middle of another
//! still leaves a video that plays (it has a duration and frames) and is
//! listed in the reports with Play and Download. The chat said during a
//! recording is kept as its WebVTT subtitles, shown by the reports' player.
//!
//! Needs `target/release/signal` and `dist/`, like `e2e.rs`.

use lifeline_tests::api::TechnicianClient;
use lifeline_tests::flow::{self, CUSTOMER};
use lifeline_tests::scenario::{self, Stage};
use lifeline_tests::server::Options;
use lifeline_tests::{Result, page, wait};
use protocol::api::{RecordingSummary, SessionReport};
use serde::Deserialize;
use serde_json::json;

/// Signed in, a customer joined and sharing their screen, the picture
/// live in the console; returns the session view's scope.
async fn sharing_session(stage: &Stage) -> Result<String> {
    let (tech, cust) = (&stage.technician, &stage.customer);
    flow::sign_in(stage).await?;
    let (pin, link) = flow::make_pin(stage).await?;
    flow::customer_joins(stage, &pin, &link).await?;
    let session = flow::waiting_row(tech, CUSTOMER).await?;
    let scope = flow::start(stage, &session).await?;
    page::click(tech, &format!("{scope}#request-screen")).await?;
    page::click(cust, "#allow").await?;
    let screen = format!("{scope}video#remote-screen");
    wait::until_value(
        "the technician's video to show the screen",
        wait::STEP,
        || flow::video(tech, &screen),
        |v| v.is_some_and(|v| v.width > 0 && v.frames > 0),
    )
    .await?;
    Ok(scope)
}

async fn report(stage: &Stage) -> Result<SessionReport> {
    let api = TechnicianClient::sign_in(&stage.url, &stage.username, &stage.password).await?;
    let reports = api.sessions().await?;
    reports.into_iter().next().ok_or_else(|| "no report".into())
}

/// The session's recordings once `ok` holds for them.
async fn recordings_when(
    stage: &Stage,
    describe: &str,
    ok: impl Fn(&[RecordingSummary]) -> bool,
) -> Result<Vec<RecordingSummary>> {
    wait::until_value(
        describe,
        wait::STEP,
        || async { Ok(report(stage).await?.recordings) },
        |r| ok(r),
    )
    .await
}

/// What a `<video>` made of the file at `url` shows after playing a while.
#[derive(Debug, Deserialize)]
struct Playback {
    duration: Option<f64>,
    frames: u64,
    width: u32,
    error: Option<String>,
}

/// Loads `url` in a fresh `<video>` on the console's page (the login
/// cookie goes with it), seeks into it and plays until frames decode.
async fn play(stage: &Stage, url: &str) -> Result<Playback> {
    page::js_with(
        &stage.technician,
        "const url = arguments[0];
         const v = document.createElement('video');
         v.muted = true; v.src = url; document.body.appendChild(v);
         const event = (name) => new Promise((ok, bad) => {
           v.addEventListener(name, ok, {once: true});
           v.addEventListener('error', () => bad(v.error ? v.error.message || 'error' : 'error'), {once: true});
         });
         return (async () => {
           try {
             await event('loadedmetadata');
             const duration = Number.isFinite(v.duration) ? v.duration : null;
             v.currentTime = Math.min(1, v.duration / 2);
             await event('seeked');
             await v.play();
             const start = performance.now();
             while (v.getVideoPlaybackQuality().totalVideoFrames < 5 && performance.now() - start < 10000) {
               await new Promise(r => setTimeout(r, 50));
             }
             v.pause();
             return {duration, frames: v.getVideoPlaybackQuality().totalVideoFrames,
                     width: v.videoWidth, error: null};
           } catch (e) {
             return {duration: null, frames: 0, width: 0, error: String(e)};
           }
         })();",
        vec![json!(url)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recordings_survive_a_closed_console_and_play() {
    scenario::run("recording", Options::default(), |stage| async move {
        let (tech, cust) = (&stage.technician, &stage.customer);
        let scope = sharing_session(&stage).await?;

        // Record, and the customer is told by the server.
        page::click(tech, &format!("{scope}#record")).await?;
        page::wait_text(cust, "#recording-banner", "the recording banner", |t| {
            t.contains("This session is being recorded")
        })
        .await?;
        page::wait_text(
            tech,
            &format!("{scope}#recording-state"),
            "recording",
            |t| t.contains("Recording"),
        )
        .await?;
        recordings_when(&stage, "a first chunk", |r| r.len() == 1 && r[0].bytes > 0).await?;
        // Chat both ways while it records: both lines become subtitles.
        flow::chat(tech, &scope, cust, "", "Subtitle from the technician").await?;
        flow::chat(cust, "", tech, &scope, "Subtitle <from> the customer").await?;
        stage.snap("recording").await?;

        // Stop: the last chunk goes up, the banner goes away.
        page::click(tech, &format!("{scope}#stop-recording")).await?;
        wait::until("the recording banner to go", wait::STEP, || async {
            Ok(page::absent(cust, "#recording-banner").await?.then_some(()))
        })
        .await?;
        let first = recordings_when(&stage, "the first recording finished", |r| {
            r.len() == 1 && r[0].is_finished()
        })
        .await?;

        // The subtitles, for the session's technician.
        let session = report(&stage).await?.id;
        let vtt_url = format!("/api/sessions/{session}/recordings/{}.vtt", first[0].id);
        let vtt: String = page::js_with(
            tech,
            "return fetch(arguments[0]).then(r => r.ok ? r.text() : 'HTTP ' + r.status);",
            vec![json!(vtt_url)],
        )
        .await?;
        let ok = vtt.starts_with("WEBVTT")
            && vtt.contains(&format!(
                "<v {}>Subtitle from the technician",
                stage.username
            ))
            && vtt.contains(&format!("<v {CUSTOMER}>Subtitle &lt;from&gt; the customer"));
        if !ok {
            return Err(format!("the subtitles miss the chat: {vtt}").into());
        }

        // A second one, and the console tab goes away in the middle of it.
        page::click(tech, &format!("{scope}#record")).await?;
        page::find(cust, "#recording-banner").await?;
        let growing = recordings_when(&stage, "the second recording's first chunk", |r| {
            r.len() == 2 && r[1].bytes > 0
        })
        .await?;
        let so_far = growing[1].bytes;
        recordings_when(&stage, "a second chunk", |r| r[1].bytes > so_far).await?;
        tech.goto("about:blank").await?;
        page::wait_text(cust, "#status", "the end", |t| !t.starts_with("Connected")).await?;
        if !page::absent(cust, "#recording-banner").await? {
            return Err("the recording banner outlived the session".into());
        }
        // The server finishes it by itself once no late chunk can come.
        let all = recordings_when(&stage, "the second recording finished", |r| {
            r.len() == 2 && r[1].is_finished()
        })
        .await?;

        for rec in [&first[0], &all[1]] {
            let ms = rec.duration_ms.unwrap_or(0);
            if ms < 2000 || rec.bytes == 0 {
                return Err(format!("a recording without length or size: {rec:?}").into());
            }
        }

        // Listed in the reports, and playable from there.
        tech.goto(&format!("{}/console", stage.url)).await?;
        let plays = wait::until_value(
            "Play links in the reports",
            wait::STEP,
            || page::texts(tech, ".reports .play-recording"),
            |links| links.len() == 2,
        )
        .await?;
        drop(plays);
        page::find(tech, ".reports .download-recording").await?;
        stage.snap("reports").await?;
        let hrefs: Vec<String> = page::js(
            tech,
            "return [...document.querySelectorAll('.reports .play-recording')].map(a => a.href);",
        )
        .await?;
        // Play opens a player with the chat as subtitles, loaded.
        page::click(tech, ".reports .play-recording").await?;
        wait::until_value(
            "the player's subtitles to load",
            wait::STEP,
            || {
                page::js::<u32>(
                    tech,
                    "const v = document.querySelector('.reports video.recording-player');
                     const t = v && v.textTracks[0];
                     return t && t.cues ? t.cues.length : 0;",
                )
            },
            |cues| *cues == 2,
        )
        .await?;
        page::find(tech, ".reports .download-subtitles").await?;
        for href in hrefs {
            let playback = play(&stage, &href).await?;
            let ok = playback.error.is_none()
                && playback.duration.is_some_and(|d| d > 1.5)
                && playback.frames >= 5
                && playback.width > 0;
            if !ok {
                return Err(format!("{href} does not play: {playback:?}").into());
            }
        }
        Ok(())
    })
    .await;
}
