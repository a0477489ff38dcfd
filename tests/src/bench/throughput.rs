//! Sessions per second, server CPU per session and relay latency: one
//! batch of two-socket handshakes against one server at a fixed
//! concurrency.
//!
//! `concurrency` workers each run sessions back to back until the batch is
//! done, so exactly that many are in flight. For Lifeline, worker `w` is
//! technician `w`, so a technician never has two sessions at once and its
//! queue never holds more than the one customer: the many-customers case
//! is measured on its own ([`super::queue_load`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

use super::target::Target;
use super::{lifeline_pair, peerjs_pair};
use crate::stats::percentile;
use crate::{Result, process};

/// What one batch measured.
#[derive(Debug, Clone)]
pub struct Batch {
    pub completed: usize,
    pub failures: Vec<String>,
    pub wall: Duration,
    /// The server's user plus system CPU time over the batch.
    pub cpu: Duration,
    /// This benchmark's own CPU time over the batch: client and server
    /// share the machine's cores, so a client that needs as much CPU as
    /// the server caps sessions/s for both servers alike.
    pub client_cpu: Duration,
    /// Every relayed frame's one-way latency, sorted.
    pub relay: Vec<Duration>,
}

impl Batch {
    pub fn per_second(&self) -> f64 {
        self.completed as f64 / self.wall.as_secs_f64()
    }

    /// Milliseconds of server CPU per completed session.
    pub fn cpu_ms_per_session(&self) -> f64 {
        self.cpu.as_secs_f64() * 1000.0 / self.completed.max(1) as f64
    }

    /// Milliseconds of the benchmark's own CPU per completed session.
    pub fn client_cpu_ms_per_session(&self) -> f64 {
        self.client_cpu.as_secs_f64() * 1000.0 / self.completed.max(1) as f64
    }

    /// The relay latency percentile `p`, in milliseconds.
    pub fn relay_ms(&self, p: f64) -> Option<f64> {
        percentile(&self.relay, p).map(|d| d.as_secs_f64() * 1000.0)
    }
}

/// Runs `sessions` handshakes against `target`, `concurrency` at a time.
pub async fn run(target: Arc<Target>, sessions: usize, concurrency: usize) -> Result<Batch> {
    let concurrency = concurrency.clamp(1, sessions.max(1));
    if let Target::Lifeline(l) = &*target
        && l.technicians.len() < concurrency
    {
        return Err(format!(
            "{concurrency} workers need as many technicians; the server has {}",
            l.technicians.len()
        )
        .into());
    }
    let pid = target.pid()?;
    let next = Arc::new(AtomicUsize::new(0));
    let epoch = Instant::now();
    let cpu_before = process::cpu_time(pid)?;
    let client_before = process::cpu_time(std::process::id())?;
    let started = Instant::now();
    let mut workers = JoinSet::new();
    for worker in 0..concurrency {
        let (target, next) = (target.clone(), next.clone());
        workers.spawn(async move {
            let mut results = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < sessions {
                results.push(one_session(&target, worker, epoch).await);
            }
            results
        });
    }
    let mut batch = Batch {
        completed: 0,
        failures: Vec::new(),
        wall: Duration::ZERO,
        cpu: Duration::ZERO,
        client_cpu: Duration::ZERO,
        relay: Vec::with_capacity(sessions * 10),
    };
    while let Some(results) = workers.join_next().await {
        for result in results? {
            match result {
                Ok(relay) => {
                    batch.completed += 1;
                    batch.relay.extend(relay);
                }
                Err(e) => batch.failures.push(e),
            }
        }
    }
    batch.wall = started.elapsed();
    batch.cpu = process::cpu_time(pid)?.saturating_sub(cpu_before);
    batch.client_cpu = process::cpu_time(std::process::id())?.saturating_sub(client_before);
    batch.relay.sort();
    Ok(batch)
}

async fn one_session(
    target: &Target,
    worker: usize,
    epoch: Instant,
) -> Result<Vec<Duration>, String> {
    let result = match target {
        Target::Lifeline(l) => {
            lifeline_pair::run(
                &l.server.ws_url(),
                &l.technicians[worker],
                &format!("Customer {worker}"),
                epoch,
            )
            .await
        }
        Target::Peerjs(p) => peerjs_pair::run(&p.ws_base(), epoch).await,
    };
    result.map_err(|e| e.to_string())
}
