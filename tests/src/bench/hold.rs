//! Thousands of idle sockets held open by child processes.
//!
//! One process may open only so many files (20 000 on the benchmark
//! machines, and the server under test needs as many for its side), so
//! the benchmark re-runs its own binary as holders: `bench_signal
//! --hold-idle N --hold-kind K --target URL` opens N idle sockets, checks
//! each is really served, prints `opened <ok> failed <n>`, and then holds
//! them, answering `check` on its standard input with `alive <n>` (every
//! socket pinged again), until its standard input closes.
//!
//! An idle socket is what each server keeps for a visitor who has not done
//! anything yet: for Lifeline an anonymous customer socket that has not
//! joined (the server says nothing to it, so a ping's pong is the proof),
//! for peerjs-server a registered peer (proved by its `OPEN`), which sends
//! `HEARTBEAT` every 5 s as the peerjs client does, or the server drops it.

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use super::json_socket::JsonSocket;
use super::peerjs_pair;
use crate::socket::Stream;
use crate::{Result, process, wait};

/// What idle sockets to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleKind {
    /// Lifeline: an anonymous `/ws` socket that has not joined.
    Anonymous,
    /// peerjs-server: a peer that got `OPEN`.
    Peer,
}

impl IdleKind {
    pub fn as_arg(self) -> &'static str {
        match self {
            IdleKind::Anonymous => "anonymous",
            IdleKind::Peer => "peer",
        }
    }

    pub fn from_arg(arg: &str) -> Result<IdleKind> {
        match arg {
            "anonymous" => Ok(IdleKind::Anonymous),
            "peer" => Ok(IdleKind::Peer),
            other => Err(format!("unknown --hold-kind {other:?}").into()),
        }
    }
}

/// One holder's job.
#[derive(Debug, Clone)]
pub struct HoldSpec {
    pub kind: IdleKind,
    pub count: usize,
    /// Lifeline's `/ws`, or peerjs-server's endpoint up to its key.
    pub target: String,
    /// `Origin` for Lifeline sockets (it checks; peerjs-server does not).
    pub origin: Option<String>,
    /// Makes peer ids unique across holders.
    pub id_prefix: String,
}

/// Sockets opening at once in one holder: enough to open thousands in
/// seconds, few enough not to swamp the server's accept queue.
const OPENING_AT_ONCE: usize = 32;
/// How long one socket may take to open and prove itself.
const STEP: Duration = Duration::from_secs(30);
/// The peerjs client's heartbeat interval (its `pingInterval`).
const PEER_HEARTBEAT: Duration = Duration::from_secs(5);

/// The parent's handle on its holders. Dropping it kills them.
pub struct Held {
    holders: Vec<Holder>,
    /// Sockets opened and proved served.
    pub opened: usize,
    /// Sockets that failed to open or to prove themselves.
    pub failed: usize,
}

struct Holder {
    /// Killed on drop (`kill_on_drop`).
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Lines<BufReader<ChildStdout>>,
}

/// Opens `count` idle sockets of `kind` at `target`, at most `per_process`
/// in each holder. Holders start one after another, each once the last has
/// opened all of its sockets, so the server sees one steady stream.
pub async fn hold(
    kind: IdleKind,
    target: &str,
    origin: Option<&str>,
    count: usize,
    per_process: usize,
) -> Result<Held> {
    let per_process = per_process.max(1);
    let exe = std::env::current_exe()?;
    let mut held = Held {
        holders: Vec::new(),
        opened: 0,
        failed: 0,
    };
    let mut left = count;
    while left > 0 {
        let n = left.min(per_process);
        left -= n;
        let index = held.holders.len();
        let mut command = Command::new(&exe);
        command
            .args(["--hold-idle", &n.to_string()])
            .args(["--hold-kind", kind.as_arg()])
            .args(["--target", target])
            .args(["--id-prefix", &format!("idle{index}-")])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        if let Some(origin) = origin {
            command.args(["--origin", origin]);
        }
        let mut child = command.spawn()?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or("a holder has no stdout")?;
        let mut holder = Holder {
            child,
            stdin,
            stdout: BufReader::new(stdout).lines(),
        };
        // Generous: a holder gives up on each socket after STEP by itself.
        let within = STEP * 4 + Duration::from_millis(20 * n as u64);
        let line = holder.line(within).await?;
        let (ok, failed) = parse_opened(&line)?;
        held.opened += ok;
        held.failed += failed;
        held.holders.push(holder);
    }
    Ok(held)
}

impl Held {
    /// Pings every held socket again; how many answered.
    pub async fn check(&mut self) -> Result<usize> {
        for holder in &mut self.holders {
            let stdin = holder.stdin.as_mut().ok_or("a holder's stdin is closed")?;
            stdin.write_all(b"check\n").await?;
            stdin.flush().await?;
        }
        let mut alive = 0;
        for holder in &mut self.holders {
            let line = holder.line(STEP * 2).await?;
            alive += line
                .strip_prefix("alive ")
                .and_then(|n| n.trim().parse::<usize>().ok())
                .ok_or_else(|| format!("a holder answered {line:?} to check"))?;
        }
        Ok(alive)
    }

    /// Closes every holder's standard input and waits for them to exit,
    /// which closes their sockets.
    pub async fn release(mut self) -> Result<()> {
        for holder in &mut self.holders {
            holder.stdin = None;
        }
        for holder in &mut self.holders {
            tokio::time::timeout(STEP, holder.child.wait())
                .await
                .map_err(|_| "a holder did not exit when released")??;
        }
        Ok(())
    }
}

impl Holder {
    async fn line(&mut self, within: Duration) -> Result<String> {
        let pid = self.child.id().unwrap_or(0);
        tokio::time::timeout(within, self.stdout.next_line())
            .await
            .map_err(|_| format!("holder {pid} said nothing within {within:?}"))??
            .ok_or_else(|| format!("holder {pid} exited early").into())
    }
}

fn parse_opened(line: &str) -> Result<(usize, usize)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["opened", ok, "failed", failed] => Ok((ok.parse()?, failed.parse()?)),
        _ => Err(format!("a holder said {line:?} instead of `opened N failed M`").into()),
    }
}

/// The holder process: `bench_signal --hold-idle ...` ends up here.
pub async fn child(spec: HoldSpec) -> Result<()> {
    process::raise_open_files_limit()?;
    let gate = Arc::new(Semaphore::new(OPENING_AT_ONCE));
    let mut opening: JoinSet<Result<Stream>> = JoinSet::new();
    for i in 0..spec.count {
        let (spec, gate) = (spec.clone(), gate.clone());
        opening.spawn(async move {
            let _permit = gate.acquire_owned().await?;
            open_one(&spec, i).await
        });
    }
    let ponged = Arc::new(AtomicUsize::new(0));
    let (round, rounds) = watch::channel(0u64);
    let mut holding = JoinSet::new();
    let (mut opened, mut failed) = (0, 0);
    while let Some(result) = opening.join_next().await {
        match result? {
            Ok(stream) => {
                let heartbeat = (spec.kind == IdleKind::Peer).then(|| {
                    // Spread the heartbeats over the interval, as clients
                    // that connected at different times would.
                    let offset = PEER_HEARTBEAT.mul_f64((opened % 100) as f64 / 100.0);
                    Instant::now() + offset
                });
                holding.spawn(keep(stream, heartbeat, rounds.clone(), ponged.clone()));
                opened += 1;
            }
            Err(e) => {
                if failed < 3 {
                    eprintln!("holder: {e}");
                }
                failed += 1;
            }
        }
    }
    println!("opened {opened} failed {failed}");

    let mut commands = BufReader::new(tokio::io::stdin()).lines();
    while let Some(command) = commands.next_line().await? {
        if command.trim() != "check" {
            continue;
        }
        ponged.store(0, Ordering::SeqCst);
        round.send_modify(|n| *n += 1);
        // Every socket that is still open answers; the deadline bounds the
        // wait for those that are not.
        let all = wait::until("every held socket's pong", STEP, || {
            let done = ponged.load(Ordering::SeqCst) >= opened;
            async move { Ok(done.then_some(())) }
        })
        .await;
        if all.is_err() {
            eprintln!("holder: not every socket answered the check");
        }
        println!("alive {}", ponged.load(Ordering::SeqCst));
    }
    Ok(())
}

/// Opens idle socket `i` and proves the server serves it.
async fn open_one(spec: &HoldSpec, i: usize) -> Result<Stream> {
    match spec.kind {
        IdleKind::Anonymous => {
            let mut socket = JsonSocket::connect(&spec.target, spec.origin.as_deref()).await?;
            socket.ping(STEP).await?;
            Ok(socket.into_inner())
        }
        IdleKind::Peer => {
            let id = format!("{}{i}", spec.id_prefix);
            let socket = peerjs_pair::open(&spec.target, &id, &format!("tok{i}")).await?;
            Ok(socket.into_inner())
        }
    }
}

/// Keeps one socket open until it closes: reads (which answers the
/// server's pings), sends peerjs heartbeats when `heartbeat_from` is set,
/// and pings the server once per check round, counting the pong.
async fn keep(
    mut stream: Stream,
    heartbeat_from: Option<Instant>,
    mut rounds: watch::Receiver<u64>,
    ponged: Arc<AtomicUsize>,
) {
    let mut beat =
        tokio::time::interval_at(heartbeat_from.unwrap_or_else(Instant::now), PEER_HEARTBEAT);
    let mut awaiting_pong = false;
    loop {
        tokio::select! {
            frame = stream.next() => match frame {
                Some(Ok(Message::Pong(_))) if awaiting_pong => {
                    awaiting_pong = false;
                    ponged.fetch_add(1, Ordering::SeqCst);
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            _ = beat.tick(), if heartbeat_from.is_some() => {
                let text = r#"{"type":"HEARTBEAT"}"#;
                if stream.send(Message::text(text)).await.is_err() {
                    break;
                }
            }
            Ok(()) = rounds.changed() => {
                if stream.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
                awaiting_pong = true;
            }
        }
    }
}
