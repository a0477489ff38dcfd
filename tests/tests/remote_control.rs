//! End-to-end remote control: the release server, the console and the
//! customer's page in headless Chromium, and the release Lifeline Helper
//! the customer's page offers, downloaded by the customer's browser and
//! run on a throw-away X display with a test window on it.
//!
//! Checks what the two people would see and what the customer's computer
//! receives: the helper's picture in the console, clicks, a drag, the
//! wheel and typed text landing in the test window at the pixel the
//! technician pointed at, View only sending nothing, Stop control ending
//! the helper, a refusal offering nothing, a used helper refused, and the
//! report's control period.
//!
//! Needs `target/release/{signal,lifeline-helper}`, `dist/` and Xvfb.

use std::time::{Duration, Instant};

use lifeline_tests::api::TechnicianClient;
use lifeline_tests::control::{self, HelperDir, RunningHelper, SCREEN, Shown};
use lifeline_tests::files;
use lifeline_tests::flow::{self, CUSTOMER};
use lifeline_tests::scenario::{self, Stage};
use lifeline_tests::server::Options;
use lifeline_tests::xdisplay::XDisplay;
use lifeline_tests::xwindow::{self, TestWindow, XEvent};
use lifeline_tests::{Result, page, wait};
use thirtyfour::WebDriver;

/// The test window's place on the 1280×720 desktop.
const WIN: (i16, i16, u16, u16) = (200, 150, 600, 400);

/// Waits until the window has received an event `pick` accepts.
async fn received<T: std::fmt::Debug>(
    window: &TestWindow,
    describe: &str,
    pick: impl Fn(&[XEvent]) -> Option<T>,
) -> Result<T> {
    wait::until(describe, wait::STEP, || {
        let events = window.events();
        let found = pick(&events);
        async move { Ok(found) }
    })
    .await
    .map_err(|e| format!("{e}; the window saw {:?}", window.events()).into())
}

/// The first press of `button`, in window coordinates.
fn first_press(events: &[XEvent], button: u8) -> Option<(i16, i16)> {
    events.iter().find_map(|e| match e {
        XEvent::Press { button: b, x, y } if *b == button => Some((*x, *y)),
        _ => None,
    })
}

fn near(got: (i16, i16), want: (i16, i16), by: i16) -> bool {
    (got.0 - want.0).abs() <= by && (got.1 - want.1).abs() <= by
}

/// A click at window point `local` lands there (±2 px) and turns the
/// window `colour`, which the console then shows. Returns how the video
/// was drawn when clicked.
async fn click_lands(
    tech: &WebDriver,
    window: &TestWindow,
    local: (i16, i16),
    colour: u32,
) -> Result<Shown> {
    window.clear();
    let desktop = ((WIN.0 + local.0) as u32, (WIN.1 + local.1) as u32);
    // Measured now: focus and tools around the video may have moved it.
    let at = control::on_screen(tech).await?;
    control::click(tech, at, desktop.0, desktop.1).await?;
    let got = received(window, "a left click in the test window", |e| {
        first_press(e, 1)
    })
    .await?;
    if !near(got, local, 2) {
        return Err(format!(
            "the click at {local:?} (shown at scale {:.3}) landed at {got:?}",
            at.scale
        )
        .into());
    }
    let middle = ((WIN.0 as u32) + 300, (WIN.1 as u32) + 200);
    control::wait_pixel(tech, middle.0, middle.1, colour, "the window's new colour").await?;
    Ok(at)
}

/// Everything done while the helper runs, ending with Stop control and
/// the helper's exit.
async fn controlled(
    stage: &Stage,
    window: &TestWindow,
    scope: &str,
    helper: &mut RunningHelper,
    allowed_at: Instant,
) -> Result<()> {
    let (tech, cust) = (&stage.technician, &stage.customer);
    let at = control::on_screen(tech).await?;
    if (at.width, at.height) != (1280, 720) {
        return Err(format!(
            "the helper's picture is {}x{}, not 1280x720",
            at.width, at.height
        )
        .into());
    }
    let middle = ((WIN.0 as u32) + 300, (WIN.1 as u32) + 200);
    control::wait_pixel(
        tech,
        middle.0,
        middle.1,
        xwindow::BLUE,
        "the blue test window",
    )
    .await?;
    println!("allow to first helper frame: {:?}", allowed_at.elapsed());
    page::wait_text(cust, "#control-banner", "control", |t| {
        t.contains(&stage.username) && t.contains("is controlling your computer")
    })
    .await?;

    // A click at the video's drawn size, then at 1:1.
    let fit = click_lands(tech, window, (60, 60), xwindow::RED).await?;
    if fit.scale > 0.99 {
        return Err(format!("the video is not scaled to fit: scale {}", fit.scale).into());
    }
    // Room for the desktop at its own size beside the console's columns.
    tech.cdp()
        .send_raw(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({"width": 2400, "height": 1400, "deviceScaleFactor": 1, "mobile": false}),
        )
        .await?;
    page::js_with::<()>(
        tech,
        "const v = document.querySelector(arguments[0]);
             v.style.width = v.videoWidth + 'px'; v.style.height = v.videoHeight + 'px';
             v.style.maxWidth = 'none'; v.style.maxHeight = 'none';
             v.scrollIntoView({block: 'start', inline: 'start'});",
        vec![serde_json::json!(SCREEN)],
    )
    .await?;
    let full = click_lands(tech, window, (451, 333), xwindow::BLUE).await?;
    if (full.scale - 1.0).abs() > 0.01 {
        return Err(format!("the video did not take its own size: scale {}", full.scale).into());
    }

    // A drag: pressed at one point, moved, released at another.
    window.clear();
    let (from, to) = (
        (WIN.0 as u32 + 100, WIN.1 as u32 + 100),
        (WIN.0 as u32 + 400, WIN.1 as u32 + 250),
    );
    control::drag(tech, control::on_screen(tech).await?, from, to, 10).await?;
    let release = received(window, "the end of a drag", |e| {
        e.iter().find_map(|e| match e {
            XEvent::Release { button: 1, x, y } => Some((*x, *y)),
            _ => None,
        })
    })
    .await?;
    let events = window.events();
    let press = first_press(&events, 1).ok_or("the drag's press did not arrive")?;
    let moved_while_down = events
        .iter()
        .filter(|e| matches!(e, XEvent::Motion { .. }))
        .count();
    if !near(press, (100, 100), 2) || !near(release, (400, 250), 2) || moved_while_down < 2 {
        return Err(format!("the drag arrived as {events:?}").into());
    }
    control::wait_pixel(
        tech,
        middle.0,
        middle.1,
        xwindow::RED,
        "the colour after the drag's click",
    )
    .await?;

    // The wheel: one notch down is button 5.
    window.clear();
    control::wheel(
        tech,
        control::on_screen(tech).await?,
        middle.0,
        middle.1,
        100.0,
    )
    .await?;
    received(window, "a wheel notch down (button 5)", |e| {
        first_press(e, 5)
    })
    .await?;

    // Typing, capitals, digits, punctuation and Cyrillic.
    window.clear();
    page::js_with::<()>(
        tech,
        "document.querySelector(arguments[0]).focus();",
        vec![serde_json::json!(SCREEN)],
    )
    .await?;
    page::find(tech, &format!("{scope}#release-keyboard")).await?;
    let text = "Hello, World! 123 Привет";
    tech.action_chain().send_keys(text).perform().await?;
    let typed = received(window, "the typed text", |_| {
        let typed = window.typed();
        (typed == text).then_some(typed)
    })
    .await;
    if typed.is_err() {
        return Err(format!("typed {text:?}, the window read {:?}", window.typed()).into());
    }

    // View only sends nothing: of two clicks, only the one made after
    // switching back to Control arrives.
    page::click(tech, &format!("{scope}#control-mode-view")).await?;
    page::wait_text(cust, "#control-banner", "view only", |t| {
        t.contains("view only")
    })
    .await?;
    window.clear();
    control::click(
        tech,
        control::on_screen(tech).await?,
        WIN.0 as u32 + 20,
        WIN.1 as u32 + 20,
    )
    .await?;
    page::click(tech, &format!("{scope}#control-mode-control")).await?;
    page::wait_text(cust, "#control-banner", "controlling", |t| {
        t.contains("is controlling")
    })
    .await?;
    control::click(
        tech,
        control::on_screen(tech).await?,
        WIN.0 as u32 + 500,
        WIN.1 as u32 + 300,
    )
    .await?;
    let got = received(window, "the click made in Control", |e| first_press(e, 1)).await?;
    if !near(got, (500, 300), 2) {
        return Err(format!(
            "a click made in View only reached the computer: first press at {got:?}"
        )
        .into());
    }

    // Stop control on the customer's page: the helper exits by itself.
    let stopped_at = Instant::now();
    page::click(cust, "#stop-control").await?;
    let status = helper.exited(Duration::from_secs(10)).await?;
    println!("stop control to helper exit: {:?}", stopped_at.elapsed());
    if !status.success() {
        return Err(format!(
            "the helper exited with {status} after Stop control:\n{}",
            helper.output()
        )
        .into());
    }
    wait::until(
        "the console to drop the helper's screen",
        wait::STEP,
        || async { Ok(page::absent(tech, SCREEN).await?.then_some(())) },
    )
    .await?;
    if !page::absent(cust, "#control-banner").await? {
        return Err("the customer still sees the control banner after Stop control".into());
    }

    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_technician_controls_the_customers_computer_through_the_helper() {
    let display = XDisplay::start(1280, 720).await.expect("Xvfb");
    let window = std::sync::Arc::new(
        TestWindow::open(display.name(), WIN.0, WIN.1, WIN.2, WIN.3).expect("test window"),
    );
    let seen = window.clone();
    let helpers = HelperDir::new().expect("the release helper");
    let options = Options {
        extra_args: helpers.server_args(),
        ..Options::default()
    };
    let downloads = tempfile::tempdir().expect("a downloads folder");
    let downloads_path = downloads.path().to_owned();
    let display_name = display.name().to_owned();
    scenario::run("remote-control", options, move |stage: Stage| async move {
        let (tech, cust) = (&stage.technician, &stage.customer);
        let window = &*seen;
        flow::sign_in(&stage).await?;
        let (pin, link) = flow::make_pin(&stage).await?;
        flow::customer_joins(&stage, &pin, &link).await?;
        let session = flow::waiting_row(tech, CUSTOMER).await?;
        let scope = flow::start(&stage, &session).await?;
        files::save_downloads_to(cust, &downloads_path).await?;

        // Ask; the customer is told who asks, allows, and is offered the helper.
        page::click(tech, &format!("{scope}#request-control")).await?;
        let consent = page::find(cust, "#consent").await?.text().await?;
        if !consent.contains(&stage.username) {
            return Err(
                format!("the consent dialog does not name the technician: {consent:?}").into(),
            );
        }
        page::click(cust, "#allow").await?;
        page::find(cust, "#helper-offer").await?;
        let command = page::text(cust, "#helper-command")
            .await?
            .unwrap_or_default();
        if !command.contains("lifeline-helper") {
            return Err(
                format!("the command to paste does not run the helper: {command:?}").into(),
            );
        }
        let allowed_at = Instant::now();
        page::click(cust, "a#helper-download").await?;
        let file = control::downloaded(&downloads_path, "lifeline-helper").await?;
        let mut helper = RunningHelper::start(&file, &display_name)?;
        let run = controlled(&stage, window, &scope, &mut helper, allowed_at).await;
        run.map_err(|e| format!("{e}\n--- the helper printed ---\n{}", helper.output()))?;

        // The same download again: its token was used.
        let mut again = RunningHelper::start(&file, &display_name)?;
        let status = again.exited(wait::STEP).await?;
        let said = again.output();
        if status.success() || !said.contains("already used") {
            return Err(
                format!("a used helper was not refused clearly ({status}):\n{said}").into(),
            );
        }

        // Refused: nothing is offered.
        page::click(tech, &format!("{scope}#request-control")).await?;
        page::find(cust, "#consent").await?;
        page::click(cust, "#deny").await?;
        wait::until("the consent dialog to close", wait::STEP, || async {
            Ok(page::absent(cust, "#consent").await?.then_some(()))
        })
        .await?;
        if !page::absent(cust, "#helper-offer").await? {
            return Err("the helper was offered after the customer said no".into());
        }

        // The report keeps the control periods, each one closed.
        let api = TechnicianClient::sign_in(&stage.url, &stage.username, &stage.password).await?;
        let report = api
            .sessions()
            .await?
            .into_iter()
            .next()
            .ok_or("no report")?;
        let periods = &report.control_periods;
        if periods.is_empty() || periods.iter().any(|p| p.stopped_at.is_none()) {
            return Err(format!("the report's control periods are {periods:?}").into());
        }
        Ok(())
    })
    .await;
    drop(window);
    drop(display);
}

/// The helper joins over the wire (no browsers: a console and a customer
/// socket play the two people), then the server dies: the helper says so
/// and exits with a failure, leaving nothing behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_helper_that_loses_the_server_ends_cleanly() -> Result<()> {
    use lifeline_tests::server::{PASSWORD, Server, TECHNICIAN};
    use lifeline_tests::{handshake, socket};
    use protocol::ws::{ConsentScope, HelperStatus};
    use protocol::{ClientMessage, ServerMessage};

    let display = XDisplay::start(640, 480).await?;
    let helpers = HelperDir::new()?;
    let server = Server::start(Options {
        extra_args: helpers.server_args(),
        ..Options::default()
    })
    .await?;
    let api = TechnicianClient::sign_in(server.url(), TECHNICIAN, PASSWORD).await?;
    let ws_url = server.ws_url();
    let (mut customer, id) = handshake::join_with_new_pin(&ws_url, &api, CUSTOMER).await?;
    let mut console =
        socket::connect(&ws_url, Some(&api.origin()), api.cookie().as_deref()).await?;
    console.send(&ClientMessage::Start { session: id }).await?;
    console
        .recv_until(wait::STEP, |f| {
            matches!(f, ServerMessage::Started { .. }).then_some(())
        })
        .await?;
    console
        .send(&ClientMessage::ConsentRequest {
            session: id,
            scope: ConsentScope::RemoteControl,
        })
        .await?;
    customer
        .recv_until(wait::STEP, |f| {
            matches!(f, ServerMessage::ConsentRequest { .. }).then_some(())
        })
        .await?;
    customer
        .send(&ClientMessage::ConsentAnswer {
            scope: ConsentScope::RemoteControl,
            allowed: true,
        })
        .await?;
    let url = customer
        .recv_until(wait::STEP, |f| match f {
            ServerMessage::HelperOffer { downloads, .. } => downloads
                .into_iter()
                .find(|d| d.platform == control::PLATFORM)
                .map(|d| d.url),
            _ => None,
        })
        .await?;
    let bytes = reqwest::get(format!("{}{url}", server.url()))
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let folder = tempfile::tempdir()?;
    let file = folder.path().join("lifeline-helper");
    std::fs::write(&file, &bytes)?;
    let mut helper = RunningHelper::start(&file, display.name())?;
    console
        .recv_until(wait::STEP, |f| match f {
            ServerMessage::Helper {
                status: HelperStatus::Joined,
                ..
            } => Some(()),
            _ => None,
        })
        .await
        .map_err(|e| format!("{e}; the helper printed:\n{}", helper.output()))?;

    drop(server);
    let status = helper.exited(wait::STEP).await?;
    let said = helper.output();
    if status.success() || !said.contains("Lost the connection") {
        return Err(format!("the helper did not end as lost ({status}):\n{said}").into());
    }
    Ok(())
}
