//! Lifeline only: one technician with one console and a long queue. The
//! server pushes the technician's whole queue to the console on every
//! change, so each join and each start costs in proportion to the number
//! of customers waiting; this measures sessions per second and server CPU
//! per session of that technician while `waiting` others wait.
//!
//! Each session is a PIN, the customer's join, the console's `start`,
//! `started` on both sides and the customer's `leave`: no signalling, so
//! the console sends one frame per session and stays within its burst of
//! 200 frames (beyond it the server's 50 frames/s per socket would pace
//! the run, not the queue).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::target::{Kind, Target};
use super::waiting;
use crate::console::Console;
use crate::{Result, handshake, process};

/// Frames a console may send at once before the server paces it.
pub const CONSOLE_BURST: usize = 200;

/// What the run measured.
#[derive(Debug, Clone)]
pub struct QueueLoad {
    pub waiting: usize,
    pub completed: usize,
    pub failures: Vec<String>,
    pub wall: Duration,
    pub cpu: Duration,
}

impl QueueLoad {
    pub fn per_second(&self) -> f64 {
        self.completed as f64 / self.wall.as_secs_f64()
    }

    pub fn cpu_ms_per_session(&self) -> f64 {
        self.cpu.as_secs_f64() * 1000.0 / self.completed.max(1) as f64
    }
}

/// Starts a fresh Lifeline server with one technician, opens its console,
/// lets `waiting` customers join and wait, then runs `sessions` sessions
/// for the same technician, `concurrency` at a time.
pub async fn run(
    serve_flags: &[String],
    waiting: usize,
    sessions: usize,
    concurrency: usize,
) -> Result<QueueLoad> {
    let target = Target::start(Kind::Lifeline, 1, serve_flags).await?;
    let Target::Lifeline(lifeline) = &target else {
        unreachable!("started a Lifeline target");
    };
    let (server, tech) = (&lifeline.server, lifeline.technicians[0].clone());
    let console = Arc::new(Console::open(&server.ws_url(), &tech).await?);
    let _waiting = waiting::open(server, &lifeline.technicians, waiting, 16).await?;
    console
        .wait_for_waiting(waiting, Duration::from_secs(60))
        .await?;

    let pid = target.pid()?;
    let epoch = Instant::now();
    let gate = Arc::new(Semaphore::new(concurrency.max(1)));
    let cpu_before = process::cpu_time(pid)?;
    let started = Instant::now();
    let mut running = JoinSet::new();
    for i in 0..sessions {
        let (ws, tech, console, gate) =
            (server.ws_url(), tech.clone(), console.clone(), gate.clone());
        running.spawn(async move {
            let _permit = gate.acquire_owned().await.map_err(|e| e.to_string())?;
            handshake::run_session(&ws, &tech, &console, &format!("Customer {i}"), 0, epoch)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
    }
    let mut completed = 0;
    let mut failures = Vec::new();
    while let Some(done) = running.join_next().await {
        match done? {
            Ok(()) => completed += 1,
            Err(e) => failures.push(e),
        }
    }
    let wall = started.elapsed();
    let cpu = process::cpu_time(pid)?.saturating_sub(cpu_before);
    Ok(QueueLoad {
        waiting,
        completed,
        failures,
        wall,
        cpu,
    })
}
