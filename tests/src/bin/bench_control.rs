//! Benchmark of remote control: the release server, the console in
//! headless Chromium and the release Lifeline Helper on a throw-away Xvfb
//! desktop with the test window on it.
//!
//! `cargo run --release -p lifeline-tests --bin bench_control -- --clicks 50`
//!
//! Measures, with times taken inside the console page (the click's
//! `pointerdown` to the first presented video frame that shows the
//! window's new colour):
//! - click → visible change, median and p95;
//! - Allow → first helper frame (download and start included, done by
//!   the benchmark at once, as a quick customer would);
//! - the helper's CPU and memory idle (nothing changes on the desktop)
//!   and while clicks keep changing it;
//! - the video bitrate the console receives in both phases.
//!
//! Needs `target/release/{signal,lifeline-helper}`, `dist/`, Xvfb,
//! chromedriver and Chromium. Run it on a quiet machine.

use std::time::{Duration, Instant};

use clap::Parser;
use lifeline_tests::control::{self, HelperDir, RunningHelper};
use lifeline_tests::flow::{self, CUSTOMER};
use lifeline_tests::scenario::{self, Stage};
use lifeline_tests::server::Options;
use lifeline_tests::stats::{Table, ms, percentile};
use lifeline_tests::xdisplay::XDisplay;
use lifeline_tests::xwindow::{self, TestWindow};
use lifeline_tests::{Result, files, page, process, wait};
use serde::Deserialize;
use serde_json::json;
use thirtyfour::WebDriver;

/// Benchmark remote control.
#[derive(Debug, Parser)]
struct Args {
    /// Clicks whose visible change is timed.
    #[arg(long, default_value_t = 50)]
    clicks: usize,
    /// Desktop size, `WIDTHxHEIGHT`.
    #[arg(long, default_value = "1280x720")]
    desktop: String,
    /// Seconds of an unchanging desktop for the idle figures.
    #[arg(long, default_value_t = 10)]
    idle_secs: u64,
}

/// Installed in the console before the app loads: keeps every peer
/// connection (for the bitrate) and notes the click and the first frame
/// that shows the expected colour.
const HOOKS_JS: &str = r#"
window.__pcs = [];
const Original = window.RTCPeerConnection;
window.RTCPeerConnection = function (...args) {
  const pc = new Original(...args);
  window.__pcs.push(pc);
  return pc;
};
window.RTCPeerConnection.prototype = Original.prototype;
window.__ctl = { down: null, changed: null, expect: null, x: 0, y: 0, watching: false };
document.addEventListener('pointerdown', (e) => {
  if (e.target.matches && e.target.matches('video#helper-screen') && window.__ctl.down === null) {
    window.__ctl.down = performance.now();
  }
}, true);
window.__watch = () => {
  const v = document.querySelector('video#helper-screen');
  if (!v || window.__ctl.watching) return;
  window.__ctl.watching = true;
  const c = document.createElement('canvas');
  const g = c.getContext('2d', { willReadFrequently: true });
  // Called once per video frame the page presents, so the first frame
  // with the new colour is seen however few frames the helper sends.
  const onFrame = () => {
    const s = window.__ctl;
    if (s.expect !== null && s.down !== null && s.changed === null) {
      c.width = v.videoWidth; c.height = v.videoHeight;
      g.drawImage(v, 0, 0);
      const d = g.getImageData(s.x, s.y, 1, 1).data;
      const e = [(s.expect >> 16) & 255, (s.expect >> 8) & 255, s.expect & 255];
      if ([0, 1, 2].every((i) => Math.abs(d[i] - e[i]) <= 40)) s.changed = performance.now();
    }
    v.requestVideoFrameCallback(onFrame);
  };
  v.requestVideoFrameCallback(onFrame);
};
window.__videoBytes = async () => {
  let total = 0;
  for (const pc of window.__pcs) {
    const stats = await pc.getStats();
    stats.forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video' && (r.frameWidth || 0) >= 640) total += r.bytesReceived;
    });
  }
  return total;
};
"#;

#[derive(Debug, Deserialize)]
struct Click {
    down: Option<f64>,
    changed: Option<f64>,
}

/// What the run measured.
#[derive(Debug)]
struct Measured {
    clicks: Vec<Duration>,
    allow_to_frame: Duration,
    idle_cpu: f64,
    busy_cpu: f64,
    idle_rss_mib: f64,
    busy_rss_mib: f64,
    idle_kbps: f64,
    busy_kbps: f64,
}

async fn video_bytes(tech: &WebDriver) -> Result<f64> {
    let ret = tech
        .execute("return window.__videoBytes();", Vec::new())
        .await?;
    Ok(ret.convert()?)
}

async fn measure(
    stage: Stage,
    display: String,
    clicks: usize,
    idle: Duration,
    win: (i16, i16),
) -> Result<Measured> {
    let (tech, cust) = (&stage.technician, &stage.customer);
    tech.cdp()
        .send_raw(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": HOOKS_JS}),
        )
        .await?;
    flow::sign_in(&stage).await?;
    let (pin, link) = flow::make_pin(&stage).await?;
    flow::customer_joins(&stage, &pin, &link).await?;
    let session = flow::waiting_row(tech, CUSTOMER).await?;
    let scope = flow::start(&stage, &session).await?;
    let downloads = tempfile::tempdir()?;
    files::save_downloads_to(cust, downloads.path()).await?;

    page::click(tech, &format!("{scope}#request-control")).await?;
    page::find(cust, "#consent").await?;
    let allowed = Instant::now();
    page::click(cust, "#allow").await?;
    page::click(cust, "a#helper-download").await?;
    let file = control::downloaded(downloads.path(), "lifeline-helper").await?;
    let helper = RunningHelper::start(&file, &display)?;
    control::on_screen(tech).await?;
    let middle = (win.0 as u32 + 300, win.1 as u32 + 200);
    control::wait_pixel(tech, middle.0, middle.1, xwindow::BLUE, "the test window").await?;
    let allow_to_frame = allowed.elapsed();
    // Input counts only once the server has put the console in Control.
    wait::until("the console to be in Control", wait::STEP, || async {
        let on: bool = page::js(
            tech,
            "const b = document.querySelector('#control-mode-control');
             return !!b && b.getAttribute('aria-pressed') === 'true';",
        )
        .await?;
        Ok(on.then_some(()))
    })
    .await?;
    let pid = helper.pid().ok_or("the helper is not running")?;

    // Idle: nothing on the desktop changes.
    let (cpu0, bytes0, t0) = (
        process::cpu_time(pid)?,
        video_bytes(tech).await?,
        Instant::now(),
    );
    tokio::time::sleep(idle).await;
    let (cpu1, bytes1, t1) = (
        process::cpu_time(pid)?,
        video_bytes(tech).await?,
        Instant::now(),
    );
    let idle_rss = process::memory(pid)?.rss_kib as f64 / 1024.0;
    let idle_secs = (t1 - t0).as_secs_f64();

    // Busy: each click turns the window the other colour.
    page::js::<()>(tech, "window.__watch();").await?;
    let mut colour = xwindow::BLUE;
    let mut times = Vec::with_capacity(clicks);
    for i in 0..clicks {
        colour = if colour == xwindow::BLUE {
            xwindow::RED
        } else {
            xwindow::BLUE
        };
        page::js_with::<()>(
            tech,
            "Object.assign(window.__ctl, {down: null, changed: null, expect: arguments[0], x: arguments[1], y: arguments[2]});",
            vec![json!(colour), json!(middle.0), json!(middle.1)],
        )
        .await?;
        let at = control::on_screen(tech).await?;
        control::click(tech, at, middle.0, middle.1).await?;
        let click: Click = wait::until_value(
            &format!("click {} to show", i + 1),
            wait::STEP,
            || page::js::<Click>(tech, "return window.__ctl;"),
            |c| c.changed.is_some(),
        )
        .await?;
        if let (Some(down), Some(changed)) = (click.down, click.changed) {
            times.push(Duration::from_secs_f64((changed - down).max(0.0) / 1000.0));
        }
    }
    let (cpu2, bytes2, t2) = (
        process::cpu_time(pid)?,
        video_bytes(tech).await?,
        Instant::now(),
    );
    let busy_rss = process::memory(pid)?.rss_kib as f64 / 1024.0;
    let busy_secs = (t2 - t1).as_secs_f64();
    Ok(Measured {
        clicks: times,
        allow_to_frame,
        idle_cpu: (cpu1 - cpu0).as_secs_f64() / idle_secs * 100.0,
        busy_cpu: (cpu2 - cpu1).as_secs_f64() / busy_secs * 100.0,
        idle_rss_mib: idle_rss,
        busy_rss_mib: busy_rss,
        idle_kbps: (bytes1 - bytes0) * 8.0 / 1000.0 / idle_secs,
        busy_kbps: (bytes2 - bytes1) * 8.0 / 1000.0 / busy_secs,
    })
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let (w, h) = args
        .desktop
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
        .ok_or("--desktop is WIDTHxHEIGHT, like 1280x720")?;
    let display = XDisplay::start(w, h).await?;
    let win = (200i16, 150i16);
    let _window = TestWindow::open(display.name(), win.0, win.1, 600, 400)?;
    let helpers = HelperDir::new()?;
    let options = Options {
        extra_args: helpers.server_args(),
        ..Options::default()
    };
    let name = display.name().to_owned();
    let (clicks, idle) = (args.clicks, Duration::from_secs(args.idle_secs));
    let m = scenario::run("bench-control", options, move |stage| {
        measure(stage, name, clicks, idle, win)
    })
    .await;
    let mut sorted = m.clicks.clone();
    sorted.sort();
    let mut table = Table::default();
    let p = |q: f64| percentile(&sorted, q).map(ms).unwrap_or_else(|| "–".into());
    table.row(
        format!(
            "Click → visible change at the console, median / p95 ({} clicks, {w}×{h})",
            sorted.len()
        ),
        format!("{} / {}", p(50.0), p(95.0)),
    );
    table.row(
        "Allow → first helper frame (download and start included)",
        ms(m.allow_to_frame),
    );
    table.row(
        "Helper CPU, idle / while the screen changes (% of one core)",
        format!("{:.1} / {:.1}", m.idle_cpu, m.busy_cpu),
    );
    table.row(
        "Helper memory (RSS), idle / while the screen changes",
        format!("{:.0} / {:.0} MiB", m.idle_rss_mib, m.busy_rss_mib),
    );
    table.row(
        "Video bitrate at the console, idle / while the screen changes",
        format!("{:.0} / {:.0} kbit/s", m.idle_kbps, m.busy_kbps),
    );
    println!("\n{}", table.text());
    println!("Markdown:\n\n{}", table.markdown());
    Ok(())
}
