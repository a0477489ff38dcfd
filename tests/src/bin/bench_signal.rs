//! Benchmark of the release signalling server: how many complete
//! support-session handshakes per second it carries, how quickly it relays
//! signalling, and how much memory a waiting session costs.
//!
//! `cargo run --release -p lifeline-tests --bin bench_signal -- --sessions 500`
//!
//! With `--compare` it measures Lifeline against peerjs-server (npm `peer`,
//! installed once under the target folder) side by side, with the same
//! two-socket handshake, and prints one table (see `lifeline_tests::bench`):
//!
//! `cargo run --release -p lifeline-tests --bin bench_signal -- --compare --sessions 2000`
//!
//! That is the full run (about 3 minutes on 2 cores); `--sessions 300`
//! shows everything works in about 80 s, with noisier throughput figures.
//!
//! It needs `target/release/signal` (`cargo build --release -p signal`) and
//! starts it on a free port with a throwaway data folder. Not a test:
//! nothing here asserts a speed.

use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use lifeline_tests::Result;
use lifeline_tests::api::TechnicianClient;
use lifeline_tests::bench::compare::{self, Plan};
use lifeline_tests::bench::hold::{self, HoldSpec, IdleKind};
use lifeline_tests::bench::{target, waiting};
use lifeline_tests::console::Console;
use lifeline_tests::handshake::{self, Timings};
use lifeline_tests::process;
use lifeline_tests::server::{Options, Server};
use lifeline_tests::stats::{Table, ms, percentile};
use protocol::ServerMessage;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Benchmark the release signalling server, alone or against peerjs-server.
#[derive(Debug, Parser)]
struct Args {
    /// Complete sessions to run (PIN, join, queue, start, relay, leave).
    /// With --compare: sessions per batch (one server, one level, one run).
    #[arg(long, default_value_t = 500)]
    sessions: usize,
    /// Sessions in flight at once.
    #[arg(long, default_value_t = 50)]
    concurrency: usize,
    /// Sessions per technician. Each technician has one console socket;
    /// the server pushes a technician's whole queue to it on every change
    /// and allows a socket 50 frames/s (burst 200), so a realistic handful
    /// each, not one technician for everything.
    #[arg(long, default_value_t = 20)]
    per_technician: usize,
    /// `signal` frames relayed each way per session.
    #[arg(long, default_value_t = 3)]
    signals: usize,
    /// Idle waiting customers opened for the memory figure (default: --sessions).
    #[arg(long)]
    idle: Option<usize>,

    /// Compare with peerjs-server side by side (installs npm `peer` once).
    #[arg(long)]
    compare: bool,
    /// --compare: concurrency levels.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    levels: Vec<usize>,
    /// --compare: batches per server and level, alternating between servers.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// --compare: untimed sessions per server before the first batch.
    #[arg(long, default_value_t = 100)]
    warmup: usize,
    /// --compare: idle socket counts for the memory figures.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000")]
    idle_sizes: Vec<usize>,
    /// --compare: idle sockets held at once in the "none dropped" step (0: skip).
    #[arg(long, default_value_t = 19_000)]
    hold: usize,
    /// --compare: most idle sockets one holder process opens. The hard
    /// open-files limit bounds it.
    #[arg(long, default_value_t = 5_000)]
    per_process: usize,
    /// --compare: customers waiting for the one-technician case.
    #[arg(long, default_value_t = 200)]
    queue_waiting: usize,
    /// --compare: sessions run for that technician (at most 200: the
    /// console's burst, beyond which its frame rate paces the run).
    #[arg(long, default_value_t = 150)]
    queue_sessions: usize,
    /// --compare: that technician's sessions in flight.
    #[arg(long, default_value_t = 64)]
    queue_concurrency: usize,

    /// Internal: be a holder process that opens this many idle sockets.
    #[arg(long, hide = true)]
    hold_idle: Option<usize>,
    /// Internal: `anonymous` (Lifeline) or `peer` (peerjs-server).
    #[arg(long, hide = true, default_value = "anonymous")]
    hold_kind: String,
    /// Internal: the WebSocket endpoint to hold sockets at.
    #[arg(long, hide = true)]
    target: Option<String>,
    /// Internal: the Origin header for Lifeline sockets.
    #[arg(long, hide = true)]
    origin: Option<String>,
    /// Internal: a prefix that makes peer ids unique across holders.
    #[arg(long, hide = true, default_value = "")]
    id_prefix: String,
}

const PASSWORD: &str = "benchmark password";

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    // Thousands of sockets: this process (waiting customers), its holder
    // children and the servers it starts all inherit the raised limit.
    process::raise_open_files_limit()?;
    if let Some(count) = args.hold_idle {
        return hold::child(HoldSpec {
            kind: IdleKind::from_arg(&args.hold_kind)?,
            count,
            target: args.target.clone().ok_or("--hold-idle needs --target")?,
            origin: args.origin.clone(),
            id_prefix: args.id_prefix.clone(),
        })
        .await;
    }
    if args.compare {
        return run_comparison(&args).await;
    }
    lifeline_only(&args).await
}

/// `--compare`: the side-by-side table.
async fn run_comparison(args: &Args) -> Result<()> {
    let plan = Plan {
        sessions: args.sessions,
        levels: args.levels.clone(),
        runs: args.runs.max(1),
        warmup: args.warmup,
        idle_sizes: args.idle_sizes.clone(),
        hold: args.hold,
        per_process: args.per_process,
        queue_waiting: args.queue_waiting,
        queue_sessions: args.queue_sessions,
        queue_concurrency: args.queue_concurrency,
    };
    let began = Instant::now();
    let report = compare::run(&plan).await?;
    println!("\n{}", report.table.text());
    println!("Markdown:\n\n{}", report.table.markdown());
    println!(
        "signal serve flags added: {}; whole run took {:.0} s",
        if report.serve_flags.is_empty() {
            "none".to_owned()
        } else {
            report.serve_flags.join(" ")
        },
        began.elapsed().as_secs_f64()
    );
    for failure in report.failures.iter().take(5) {
        eprintln!("failure: {failure}");
    }
    if !report.failures.is_empty() {
        return Err(format!("{} sessions failed", report.failures.len()).into());
    }
    Ok(())
}

/// The Lifeline-only benchmark (no `--compare`): the README's figures.
async fn lifeline_only(args: &Args) -> Result<()> {
    let idle = args.idle.unwrap_or(args.sessions);
    let technicians = args
        .sessions
        .max(idle)
        .div_ceil(args.per_technician.max(1))
        .max(1);
    // Each session costs its console 1 + signals frames; past the burst the
    // server would (rightly) refuse frames and the figures would be wrong.
    let frames = args.per_technician * (1 + args.signals);
    if frames > 200 {
        eprintln!(
            "warning: {frames} frames per console exceeds the server's burst of 200; lower --per-technician"
        );
    }

    let web = tempfile::tempdir()?;
    eprintln!("starting the release server with {technicians} technicians…");
    let server = Server::start(Options {
        static_dir: Some(web.path().to_owned()),
        pin_ttl: None,
        technicians: (0..technicians)
            .map(|i| (format!("bench{i}"), PASSWORD.to_owned()))
            .collect(),
        extra_args: target::lifeline_flags().await?,
    })
    .await?;
    let pid = server.pid().ok_or("the server has no pid")?;
    let mut techs = Vec::with_capacity(technicians);
    for i in 0..technicians {
        techs.push(Arc::new(
            TechnicianClient::sign_in(server.url(), &format!("bench{i}"), PASSWORD).await?,
        ));
    }

    // Memory first, on a fresh server, so memory freed by the throughput
    // run cannot hide what waiting sessions cost.
    eprintln!("opening {idle} idle waiting customers…");
    let before = process::memory(pid)?;
    let idlers = waiting::open(&server, &techs, idle, args.concurrency).await?;
    let after = process::memory(pid)?;
    drop(idlers);

    eprintln!(
        "running {} sessions, {} at a time…",
        args.sessions, args.concurrency
    );
    let run = run_sessions(&server, &techs, args).await?;
    let end_memory = process::memory(pid)?;

    let mut relay: Vec<Duration> = run
        .timings
        .iter()
        .flat_map(|t| t.relay.iter().copied())
        .collect();
    relay.sort();
    let mut handshakes: Vec<Duration> = run.timings.iter().map(|t| t.handshake).collect();
    handshakes.sort();
    let done = run.timings.len();
    let per_idle_kib = after.rss_kib.saturating_sub(before.rss_kib) as f64 / idle.max(1) as f64;

    let mut table = Table::default();
    table.row(
        "Sessions completed",
        format!(
            "{done} of {} ({} failed)",
            args.sessions,
            run.failures.len()
        ),
    );
    table.row(
        "Concurrency, per technician",
        format!(
            "{} in flight, {} per console",
            args.concurrency, args.per_technician
        ),
    );
    table.row(
        "Full handshakes per second",
        format!("{:.1}", done as f64 / run.wall.as_secs_f64()),
    );
    table.row(
        "Handshake p50 / p99",
        format!(
            "{} / {}",
            opt_ms(percentile(&handshakes, 50.0)),
            opt_ms(percentile(&handshakes, 99.0))
        ),
    );
    table.row(
        format!("Relay latency p50 / p99 ({} frames)", relay.len()),
        format!(
            "{} / {}",
            opt_ms(percentile(&relay, 50.0)),
            opt_ms(percentile(&relay, 99.0))
        ),
    );
    table.row(
        format!("RSS per idle waiting session ({idle})"),
        format!(
            "{per_idle_kib:.1} KiB ({} → {} KiB)",
            before.rss_kib, after.rss_kib
        ),
    );
    table.row(
        "Server peak RSS (VmHWM) at the end",
        format!("{} KiB", end_memory.peak_kib),
    );

    println!("\n{}", table.text());
    println!("Markdown:\n\n{}", table.markdown());
    for failure in run.failures.iter().take(5) {
        eprintln!("failure: {failure}");
    }
    if !run.stray.is_empty() {
        eprintln!(
            "{} unexpected console frames, e.g. {:?}",
            run.stray.len(),
            &run.stray[..run.stray.len().min(3)]
        );
    }
    if !run.failures.is_empty() {
        return Err(format!("{} sessions failed", run.failures.len()).into());
    }
    Ok(())
}

fn opt_ms(d: Option<Duration>) -> String {
    d.map(ms).unwrap_or_else(|| "–".into())
}

struct Run {
    timings: Vec<Timings>,
    failures: Vec<String>,
    stray: Vec<ServerMessage>,
    wall: Duration,
}

async fn run_sessions(
    server: &Server,
    techs: &[Arc<TechnicianClient>],
    args: &Args,
) -> Result<Run> {
    let consoles_needed = args
        .sessions
        .div_ceil(args.per_technician.max(1))
        .min(techs.len());
    let mut consoles = Vec::with_capacity(consoles_needed);
    for tech in &techs[..consoles_needed] {
        consoles.push(Arc::new(Console::open(&server.ws_url(), tech).await?));
    }
    let epoch = Instant::now();
    let gate = Arc::new(Semaphore::new(args.concurrency.max(1)));
    let mut running = JoinSet::new();
    let started = Instant::now();
    for i in 0..args.sessions {
        let which = i % consoles.len();
        let (tech, console) = (techs[which].clone(), consoles[which].clone());
        let (ws, gate, signals) = (server.ws_url(), gate.clone(), args.signals);
        running.spawn(async move {
            let _permit = gate.acquire_owned().await.map_err(|e| e.to_string())?;
            handshake::run_session(
                &ws,
                &tech,
                &console,
                &format!("Customer {i}"),
                signals,
                epoch,
            )
            .await
            .map_err(|e| e.to_string())
        });
    }
    let mut timings = Vec::with_capacity(args.sessions);
    let mut failures = Vec::new();
    while let Some(done) = running.join_next().await {
        match done? {
            Ok(t) => timings.push(t),
            Err(e) => failures.push(e),
        }
    }
    let wall = started.elapsed();
    let stray = consoles
        .iter()
        .flat_map(|c| c.stray.lock().unwrap_or_else(|e| e.into_inner()).clone())
        .collect();
    Ok(Run {
        timings,
        failures,
        stray,
        wall,
    })
}
