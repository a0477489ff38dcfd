//! Lifeline against peerjs-server, side by side: the plan of the whole
//! comparison and the table it prints.
//!
//! Throughput and latency run on one server of each kind, in alternation
//! (Lifeline, peerjs, Lifeline, peerjs, ...) so that a machine that gets
//! busier or quieter during the run shifts both alike; each figure is the
//! median of the runs. Memory is measured on a fresh server each time.
//!
//! The benchmark and the server share one machine, so sessions/s is what
//! the pair manages: where the client is the bottleneck both servers show
//! about the same rate. Server CPU per session is the figure that compares
//! the servers alone; the client's own CPU per session is printed beside
//! it to tell which case a run is in.

use std::sync::Arc;

use super::idle::{self, Idle};
use super::queue_load::{self, CONSOLE_BURST, QueueLoad};
use super::target::{self, Kind, Target};
use super::throughput::{self, Batch};
use crate::stats::{Comparison, median, ratio};
use crate::{Result, peerjs};

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Sessions per batch (one server, one concurrency level, one run).
    pub sessions: usize,
    /// Concurrency levels, e.g. 1, 16, 64.
    pub levels: Vec<usize>,
    /// Batches per server and level, alternating between the servers.
    pub runs: usize,
    /// Untimed sessions per server first, so node's JIT and both servers'
    /// allocators are warm before anything counts.
    pub warmup: usize,
    /// Idle socket counts for the memory figures, each on a fresh server.
    pub idle_sizes: Vec<usize>,
    /// Idle sockets for the "held, none dropped" step.
    pub hold: usize,
    /// Most sockets one holder process opens.
    pub per_process: usize,
    /// Customers waiting in the one technician's queue.
    pub queue_waiting: usize,
    /// Sessions run for that technician while they wait.
    pub queue_sessions: usize,
    /// Sessions in flight for that technician.
    pub queue_concurrency: usize,
}

/// The comparison's outcome.
pub struct Report {
    pub table: Comparison,
    /// The `signal serve` flags the benchmark added.
    pub serve_flags: Vec<String>,
    /// Sessions that failed, with their errors (the table counts them).
    pub failures: Vec<String>,
}

/// Runs the whole plan; progress goes to standard error.
pub async fn run(plan: &Plan) -> Result<Report> {
    let serve_flags = target::lifeline_flags().await?;
    eprintln!(
        "signal serve flags added: {}",
        if serve_flags.is_empty() {
            "none (this build has no connection caps)".to_owned()
        } else {
            serve_flags.join(" ")
        }
    );
    peerjs::install().await?;
    let mut table = Comparison::new("Lifeline", &format!("peerjs-server {}", peerjs::VERSION));
    let mut failures = Vec::new();

    let batches = throughput_batches(plan, &serve_flags).await?;
    throughput_rows(&mut table, plan, &batches, &mut failures);

    eprintln!(
        "one technician: 0 then {} waiting, {} sessions at C = {}…",
        plan.queue_waiting, plan.queue_sessions, plan.queue_concurrency
    );
    if plan.queue_sessions > CONSOLE_BURST {
        eprintln!(
            "warning: {} sessions exceed the console's burst of {CONSOLE_BURST} frames; \
             its 50 frames/s will pace the run",
            plan.queue_sessions
        );
    }
    // The same with nobody else waiting, for contrast: what the long
    // queue itself costs.
    for waiting in [0, plan.queue_waiting] {
        let queue = queue_load::run(
            &serve_flags,
            waiting,
            plan.queue_sessions,
            plan.queue_concurrency,
        )
        .await?;
        failures.extend(queue.failures.iter().cloned());
        queue_rows(&mut table, plan, &queue);
    }

    for &n in &plan.idle_sizes {
        eprintln!("idle memory, N = {n}: Lifeline anonymous…");
        let anonymous = idle::sockets(Kind::Lifeline, n, plan.per_process, &serve_flags).await?;
        eprintln!("idle memory, N = {n}: Lifeline waiting customers…");
        let waiting = idle::waiting_customers(n, &serve_flags).await?;
        eprintln!("idle memory, N = {n}: peerjs peers…");
        let peers = idle::sockets(Kind::Peerjs, n, plan.per_process, &[]).await?;
        idle_rows(&mut table, n, &anonymous, &waiting, &peers);
    }

    if plan.hold > 0 {
        let n = plan.hold;
        eprintln!("holding {n} idle sockets: Lifeline…");
        let lifeline = idle::sockets(Kind::Lifeline, n, plan.per_process, &serve_flags).await?;
        eprintln!("holding {n} idle sockets: peerjs…");
        let peers = idle::sockets(Kind::Peerjs, n, plan.per_process, &[]).await?;
        hold_rows(&mut table, n, &lifeline, &peers);
    }

    Ok(Report {
        table,
        serve_flags,
        failures,
    })
}

/// `[Lifeline batches, peerjs batches]` per level, in `plan.levels` order.
type Batches = Vec<(usize, [Vec<Batch>; 2])>;

async fn throughput_batches(plan: &Plan, serve_flags: &[String]) -> Result<Batches> {
    let workers = plan.levels.iter().copied().max().unwrap_or(1);
    eprintln!("starting Lifeline ({workers} technicians) and peerjs-server…");
    let servers = [
        Arc::new(Target::start(Kind::Lifeline, workers, serve_flags).await?),
        Arc::new(Target::start(Kind::Peerjs, 0, &[]).await?),
    ];
    if plan.warmup > 0 {
        for server in &servers {
            eprintln!("warming up {} ({} sessions)…", server.kind(), plan.warmup);
            throughput::run(server.clone(), plan.warmup, workers.min(16)).await?;
        }
    }
    let mut all = Vec::new();
    for &level in &plan.levels {
        let mut per_kind: [Vec<Batch>; 2] = Default::default();
        for run in 1..=plan.runs {
            for (i, server) in servers.iter().enumerate() {
                let batch = throughput::run(server.clone(), plan.sessions, level).await?;
                eprintln!(
                    "C = {level}, run {run}, {}: {:.1} sessions/s, {:.3} ms CPU each, relay p50 {:.2} ms, {} failed",
                    server.kind(),
                    batch.per_second(),
                    batch.cpu_ms_per_session(),
                    batch.relay_ms(50.0).unwrap_or(f64::NAN),
                    batch.failures.len()
                );
                per_kind[i].push(batch);
            }
        }
        all.push((level, per_kind));
    }
    Ok(all)
}

fn throughput_rows(table: &mut Comparison, plan: &Plan, all: &Batches, failures: &mut Vec<String>) {
    type Figure = fn(&Batch) -> Option<f64>;
    let figures: [(&str, Figure, usize); 5] = [
        ("Sessions/s", |b| Some(b.per_second()), 1),
        (
            "Server CPU per session (ms)",
            |b| Some(b.cpu_ms_per_session()),
            3,
        ),
        (
            "Benchmark client CPU per session (ms)",
            |b| Some(b.client_cpu_ms_per_session()),
            3,
        ),
        ("Relay latency p50 (ms)", |b| b.relay_ms(50.0), 2),
        ("Relay latency p99 (ms)", |b| b.relay_ms(99.0), 2),
    ];
    for (name, figure, decimals) in figures {
        for (level, [lifeline, peers]) in all {
            let l = median_of(lifeline, figure);
            let p = median_of(peers, figure);
            table.row(
                format!("{name}, C = {level}"),
                number(l, decimals),
                number(p, decimals),
                ratio(l, p),
            );
        }
    }
    let count = |kind: usize| -> (usize, usize) {
        all.iter()
            .flat_map(|(_, batches)| &batches[kind])
            .fold((0, 0), |(done, failed), b| {
                (
                    done + b.completed + b.failures.len(),
                    failed + b.failures.len(),
                )
            })
    };
    let ((l_all, l_failed), (p_all, p_failed)) = (count(0), count(1));
    table.row(
        format!(
            "Sessions failed ({} per batch, {} runs per level)",
            plan.sessions, plan.runs
        ),
        format!("{l_failed} of {l_all}"),
        format!("{p_failed} of {p_all}"),
        "–",
    );
    for (_, batches) in all {
        for batch in batches.iter().flatten() {
            failures.extend(batch.failures.iter().cloned());
        }
    }
}

fn queue_rows(table: &mut Comparison, plan: &Plan, queue: &QueueLoad) {
    let what = format!(
        "One technician, {} waiting: join+start sessions/s (C = {}, {} failed of {})",
        queue.waiting,
        plan.queue_concurrency,
        queue.failures.len(),
        plan.queue_sessions
    );
    table.row(what, number(Some(queue.per_second()), 1), "n/a", "–");
    table.row(
        format!(
            "One technician, {} waiting: server CPU per session (ms)",
            queue.waiting
        ),
        number(Some(queue.cpu_ms_per_session()), 3),
        "n/a",
        "–",
    );
}

fn idle_rows(table: &mut Comparison, n: usize, anonymous: &Idle, waiting: &Idle, peers: &Idle) {
    let (a, w, p) = (
        Some(anonymous.kib_per_socket()),
        Some(waiting.kib_per_socket()),
        Some(peers.kib_per_socket()),
    );
    table.row(
        format!("RSS per idle socket (KiB), N = {n}: anonymous / OPEN peer"),
        number(a, 1),
        number(p, 1),
        ratio(a, p),
    );
    table.row(
        format!("RSS per waiting customer (KiB), N = {n}: joined / OPEN peer"),
        number(w, 1),
        number(p, 1),
        ratio(w, p),
    );
    table.row(
        format!("Idle sockets lost (failed or dropped), N = {n}"),
        format!("{} of {}", anonymous.lost(), anonymous.wanted),
        format!("{} of {}", peers.lost(), peers.wanted),
        "–",
    );
}

fn hold_rows(table: &mut Comparison, n: usize, lifeline: &Idle, peers: &Idle) {
    let cell = |i: &Idle| {
        format!(
            "{} / {} / {}",
            i.opened,
            i.failed,
            i.alive.map_or("–".into(), |a| a.to_string())
        )
    };
    table.row(
        format!("{n} idle sockets: opened / failed / still open"),
        cell(lifeline),
        cell(peers),
        "–",
    );
    let mib = |i: &Idle| Some(i.after_kib.saturating_sub(i.before_kib) as f64 / 1024.0);
    table.row(
        format!("{n} idle sockets: server RSS growth (MiB)"),
        number(mib(lifeline), 0),
        number(mib(peers), 0),
        ratio(mib(lifeline), mib(peers)),
    );
    let total = |i: &Idle| Some(i.after_kib as f64 / 1024.0);
    table.row(
        format!("{n} idle sockets: server RSS in all (MiB)"),
        number(total(lifeline), 0),
        number(total(peers), 0),
        ratio(total(lifeline), total(peers)),
    );
}

fn median_of(batches: &[Batch], figure: fn(&Batch) -> Option<f64>) -> Option<f64> {
    let values: Vec<f64> = batches.iter().filter_map(figure).collect();
    median(&values)
}

fn number(value: Option<f64>, decimals: usize) -> String {
    value.map_or("–".into(), |v| format!("{v:.decimals$}"))
}
