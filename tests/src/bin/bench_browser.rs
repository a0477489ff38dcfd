//! Benchmark of the web app in real browsers: how long until the
//! technician sees the screen, how fast chat is, and how big the release
//! app is.
//!
//! `cargo run --release -p lifeline-tests --bin bench_browser -- --runs 5`
//!
//! Needs `target/release/signal` and `dist/` (scripts/test builds both),
//! chromedriver and Chromium. Each run is a fresh server and two fresh
//! headless Chromiums going through the support flow. Times are taken
//! inside the pages (`performance.timeOrigin + performance.now()`, one
//! clock for both browsers on one machine) so WebDriver's own round trips
//! are not counted.
//!
//! `--files` measures file transfer instead: the app beside a raw data
//! channel in the same two pages (see `bench_browser/files.rs`).

#[path = "bench_browser/files.rs"]
mod files;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use clap::Parser;
use lifeline_tests::flow::{self, CUSTOMER};
use lifeline_tests::scenario::{self, Stage};
use lifeline_tests::server::Options;
use lifeline_tests::stats::{Comparison, Table, median, ms, percentile, ratio};
use lifeline_tests::{Result, artifacts, page, wait};
use serde::Deserialize;
use thirtyfour::WebDriver;

/// Benchmark the web app in headless Chromium.
#[derive(Debug, Parser)]
struct Args {
    /// Complete runs (fresh server and browsers each).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Chat exchanges (one line each way) per run.
    #[arg(long, default_value_t = 5)]
    chats: usize,
    /// Measure file throughput (app beside a raw data channel) instead.
    #[arg(long)]
    files: bool,
    /// With --files: the big file's size in MB (10^6 bytes).
    #[arg(long, default_value_t = 200)]
    file_mb: usize,
    /// With --files: how many small files the folder holds.
    #[arg(long, default_value_t = 2000)]
    folder_files: usize,
    /// With --files: each small file's size in KiB.
    #[arg(long, default_value_t = 4)]
    small_kib: usize,
    /// With --files: then one transfer of this many MB (10^6 bytes) with
    /// both browsers' memory sampled; 0 skips it.
    #[arg(long, default_value_t = 0)]
    memory_mb: usize,
}

/// Installed in both pages once they have loaded: notes when things
/// happen, in page time, for the benchmark to read afterwards. Clicks are
/// caught in the capture phase, before the app handles them.
const MARKS_JS: &str = r#"
if (!window.__marks) {
  const now = () => performance.timeOrigin + performance.now();
  const m = window.__marks = { sent: {}, got: {} };
  document.addEventListener('click', (e) => {
    const t = e.target.closest('.start-session, #allow, #send');
    if (!t) return;
    if (t.matches('.start-session')) m.start = now();
    else if (t.matches('#allow')) m.allow = now();
    else {
      const box = t.closest('form') && t.closest('form').querySelector('textarea');
      if (box) m.sent[box.value.trim()] = now();
    }
  }, true);
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('.chat-line.theirs .chat-text')) {
      const text = el.textContent.trim();
      if (!(text in m.got)) m.got[text] = now();
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
  const watch = () => {
    const state = document.querySelector('#connection-state');
    if (!m.connected && state && state.textContent.trim() === 'Connected') m.connected = now();
    const v = document.querySelector('video#remote-screen');
    if (!m.frame && v && (v.webkitDecodedFrameCount || 0) > 0 && v.videoWidth > 0) m.frame = now();
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}
"#;

/// What one page noted (milliseconds of page time).
#[derive(Debug, Default, Deserialize)]
struct Marks {
    start: Option<f64>,
    allow: Option<f64>,
    connected: Option<f64>,
    frame: Option<f64>,
    sent: HashMap<String, f64>,
    got: HashMap<String, f64>,
}

/// What one run measured.
#[derive(Debug)]
struct RunResult {
    start_to_connected: Duration,
    allow_to_frame: Duration,
    chat_round_trips: Vec<Duration>,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let dist = artifacts::web_app()?;
    artifacts::signal_binary()?;
    if args.files {
        return bench_files(&args).await;
    }

    let mut results = Vec::with_capacity(args.runs);
    for run in 0..args.runs {
        eprintln!("run {} of {}…", run + 1, args.runs);
        let chats = args.chats;
        let result = scenario::run("bench", Options::default(), move |stage| {
            measure(stage, chats)
        })
        .await;
        eprintln!("  {result:?}");
        results.push(result);
    }

    let mut connected: Vec<Duration> = results.iter().map(|r| r.start_to_connected).collect();
    let mut frame: Vec<Duration> = results.iter().map(|r| r.allow_to_frame).collect();
    let mut chat: Vec<Duration> = results
        .iter()
        .flat_map(|r| r.chat_round_trips.iter().copied())
        .collect();
    connected.sort();
    frame.sort();
    chat.sort();
    let median_max = |sorted: &[Duration]| match (percentile(sorted, 50.0), sorted.last()) {
        (Some(p50), Some(max)) => format!("{} / {}", ms(p50), ms(*max)),
        _ => "–".into(),
    };

    let mut table = Table::default();
    table.row(
        format!(
            "Start session → peer connected, median / worst ({} runs)",
            args.runs
        ),
        median_max(&connected),
    );
    table.row(
        format!(
            "Allow → first decoded frame, median / worst ({} runs)",
            args.runs
        ),
        median_max(&frame),
    );
    table.row(
        format!("Chat round trip, median / worst ({} exchanges)", chat.len()),
        median_max(&chat),
    );
    for (what, ext) in [("Release wasm", "wasm"), ("Release JS", "js")] {
        let (raw, gz) = sizes(&dist, ext)?;
        table.row(
            format!("{what}, raw / gzip -9"),
            format!("{} / {} KiB", raw / 1024, gz / 1024),
        );
    }
    println!("\n{}", table.text());
    println!("Markdown:\n\n{}", table.markdown());
    Ok(())
}

/// `--files`: app and raw data channel, alternately, in each run.
async fn bench_files(args: &Args) -> Result<()> {
    let load = files::Workload {
        file_bytes: args.file_mb * 1_000_000,
        folder_files: args.folder_files,
        small_bytes: args.small_kib * 1024,
    };
    let mut runs = Vec::with_capacity(args.runs);
    for run in 0..args.runs {
        eprintln!("run {} of {}…", run + 1, args.runs);
        let work = tempfile::tempdir()?;
        let dir = work.path().to_owned();
        let result = scenario::run("bench-files", Options::default(), move |stage| async move {
            files::measure(stage, load, &dir).await
        })
        .await;
        eprintln!("  {result:?}");
        runs.push(result);
    }
    let mb = |bytes: usize, secs: &dyn Fn(&files::FileRun) -> f64| {
        let rates: Vec<f64> = runs.iter().map(|r| bytes as f64 / 1e6 / secs(r)).collect();
        median(&rates)
    };
    let folder_bytes = load.folder_files * load.small_bytes;
    let rows = [
        (
            format!("{} MB file, MB/s", args.file_mb),
            mb(load.file_bytes, &|r| r.app_file),
            mb(load.file_bytes, &|r| r.raw_file),
        ),
        (
            format!(
                "Folder of {} × {} KiB files, MB/s",
                load.folder_files, args.small_kib
            ),
            mb(folder_bytes, &|r| r.app_folder),
            mb(folder_bytes, &|r| r.raw_folder),
        ),
        (
            format!(
                "Folder of {} × {} KiB files, files/s",
                load.folder_files, args.small_kib
            ),
            mb(load.folder_files * 1_000_000, &|r| r.app_folder),
            mb(load.folder_files * 1_000_000, &|r| r.raw_folder),
        ),
    ];
    // The ratio is taken within each run (app and raw share its
    // browsers and its moment on a busy machine), then the median.
    let per_run = |app: &dyn Fn(&files::FileRun) -> f64, raw: &dyn Fn(&files::FileRun) -> f64| {
        let ratios: Vec<f64> = runs.iter().map(|r| raw(r) / app(r)).collect();
        median(&ratios).map_or("–".into(), |v| format!("{v:.2}×"))
    };
    let ratios = [
        per_run(&|r| r.app_file, &|r| r.raw_file),
        per_run(&|r| r.app_folder, &|r| r.raw_folder),
        per_run(&|r| r.app_folder, &|r| r.raw_folder),
    ];
    let reads = |f: &dyn Fn(&files::FileRun) -> f64| {
        let v: Vec<f64> = runs.iter().map(f).collect();
        median(&v).map_or("–".into(), |v| format!("{v:.2} s"))
    };
    println!(
        "Reading the folder's {} files in the technician's page (no sending), median: \
         one at a time {}, four at a time {}",
        load.folder_files,
        reads(&|r| r.read_folder),
        reads(&|r| r.read_folder_4)
    );
    let mut table = Comparison::new("App", "Raw channel");
    for ((what, app, raw), within) in rows.into_iter().zip(ratios) {
        let show = |v: Option<f64>| v.map_or("–".into(), |v| format!("{v:.1}"));
        table.row(
            format!("{what}, median of {}", args.runs),
            show(app),
            show(raw),
            format!("{} (per run: {within})", ratio(app, raw)),
        );
    }
    println!("\n{}", table.text());
    println!("Markdown:\n\n{}", table.markdown());
    if args.memory_mb > 0 {
        bench_memory(args.memory_mb).await?;
    }
    Ok(())
}

/// `--memory-mb`: both browsers' resident memory during one large transfer.
async fn bench_memory(mb: usize) -> Result<()> {
    eprintln!("memory: one {mb} MB file…");
    let work = tempfile::tempdir()?;
    let dir = work.path().to_owned();
    let (secs, tech, cust) = scenario::run(
        "bench-memory",
        Options::default(),
        move |stage| async move { files::measure_memory(stage, mb * 1_000_000, &dir).await },
    )
    .await;
    let mut table = Table::default();
    table.row(
        format!("{mb} MB file, technician → customer"),
        format!("{secs:.1} s, {:.1} MB/s", mb as f64 / secs),
    );
    for (who, f) in [("Technician (sends)", tech), ("Customer (receives)", cust)] {
        table.row(
            format!("{who}: renderer RSS before → peak"),
            format!("{:.0} → {:.0} MiB", f.renderer_before, f.renderer_peak),
        );
        table.row(
            format!("{who}: all browser processes' RSS before → peak"),
            format!("{:.0} → {:.0} MiB", f.all_before, f.all_peak),
        );
    }
    println!("\n{}", table.text());
    println!("Markdown:\n\n{}", table.markdown());
    Ok(())
}

/// One run of the flow, reading the pages' marks at the end.
async fn measure(stage: Stage, chats: usize) -> Result<RunResult> {
    let (tech, cust) = (&stage.technician, &stage.customer);
    flow::sign_in(&stage).await?;
    let (pin, link) = flow::make_pin(&stage).await?;
    flow::customer_joins(&stage, &pin, &link).await?;
    let session = flow::waiting_row(tech, CUSTOMER).await?;
    for driver in [tech, cust] {
        driver.execute(MARKS_JS, Vec::new()).await?;
    }
    let scope = flow::start(&stage, &session).await?;
    page::wait_text(
        tech,
        &format!("{scope}#connection-state"),
        "Connected",
        |t| t == "Connected",
    )
    .await?;

    let mut texts = Vec::with_capacity(chats);
    for k in 0..chats {
        let (ping, pong) = (format!("ping {k}"), format!("pong {k}"));
        flow::chat(tech, &scope, cust, "", &ping).await?;
        flow::chat(cust, "", tech, &scope, &pong).await?;
        texts.push((ping, pong));
    }

    page::click(tech, &format!("{scope}#request-screen")).await?;
    page::click(cust, "#allow").await?;
    let frame_at = wait::until("the first decoded frame", wait::STEP, || async {
        Ok(marks(tech).await?.frame)
    })
    .await?;
    page::click(cust, "#disconnect").await?;

    let (t, c) = (marks(tech).await?, marks(cust).await?);
    let gap = |from: Option<f64>, to: Option<f64>, what: &str| -> Result<Duration> {
        match (from, to) {
            (Some(a), Some(b)) if b >= a => Ok(Duration::from_secs_f64((b - a) / 1000.0)),
            _ => Err(format!("missing or inverted marks for {what}: {from:?} → {to:?}").into()),
        }
    };
    let mut chat_round_trips = Vec::with_capacity(chats);
    for (ping, pong) in &texts {
        let there = gap(t.sent.get(ping).copied(), c.got.get(ping).copied(), ping)?;
        let back = gap(c.sent.get(pong).copied(), t.got.get(pong).copied(), pong)?;
        chat_round_trips.push(there + back);
    }
    Ok(RunResult {
        start_to_connected: gap(t.start, t.connected, "start → connected")?,
        allow_to_frame: gap(c.allow, Some(frame_at), "allow → frame")?,
        chat_round_trips,
    })
}

async fn marks(driver: &WebDriver) -> Result<Marks> {
    page::js(driver, "return window.__marks || null;").await
}

/// Total raw and `gzip -9` size of the files in `dist` ending in `.ext`.
fn sizes(dist: &Path, ext: &str) -> Result<(u64, u64)> {
    let (mut raw, mut gz) = (0, 0);
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some(ext) {
            continue;
        }
        raw += std::fs::metadata(&path)?.len();
        let out = std::process::Command::new("gzip")
            .arg("-9c")
            .arg(&path)
            .output()?;
        if !out.status.success() {
            return Err(format!("gzip failed on {}", path.display()).into());
        }
        gz += out.stdout.len() as u64;
    }
    Ok((raw, gz))
}
