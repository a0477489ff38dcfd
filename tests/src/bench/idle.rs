//! What an idle socket costs: a fresh server, its resident memory
//! (`VmRSS`) before and after N idle sockets are opened, divided by N.
//! Fresh, so memory that earlier work freed (and the allocator kept)
//! cannot absorb the sockets and flatter the figure.

use super::hold::{self, IdleKind};
use super::target::{Kind, Target};
use super::waiting;
use crate::{Result, process};

/// One idle-memory measurement.
#[derive(Debug, Clone)]
pub struct Idle {
    pub wanted: usize,
    /// Sockets opened and proved served (welcome, `OPEN` or a pong).
    pub opened: usize,
    pub failed: usize,
    /// Sockets still answering after all were open; `None` where not checked.
    pub alive: Option<usize>,
    pub before_kib: u64,
    pub after_kib: u64,
}

impl Idle {
    /// KiB of server RSS per opened socket.
    pub fn kib_per_socket(&self) -> f64 {
        self.after_kib.saturating_sub(self.before_kib) as f64 / self.opened.max(1) as f64
    }

    /// Sockets lost on the way: failed to open, or gone by the check.
    pub fn lost(&self) -> usize {
        self.failed
            + self
                .alive
                .map_or(0, |alive| self.opened.saturating_sub(alive))
    }
}

/// `count` sockets that have done nothing yet (Lifeline: anonymous, not
/// joined; peerjs-server: an `OPEN` peer), held by child processes of at
/// most `per_process` sockets each, then all pinged again.
pub async fn sockets(
    kind: Kind,
    count: usize,
    per_process: usize,
    serve_flags: &[String],
) -> Result<Idle> {
    let target = Target::start(kind, 0, serve_flags).await?;
    let (idle_kind, url, origin) = match &target {
        Target::Lifeline(l) => (
            IdleKind::Anonymous,
            l.server.ws_url(),
            Some(l.server.url().to_owned()),
        ),
        Target::Peerjs(p) => (IdleKind::Peer, p.ws_base(), None),
    };
    let pid = target.pid()?;
    let before = process::memory(pid)?;
    let mut held = hold::hold(idle_kind, &url, origin.as_deref(), count, per_process).await?;
    let alive = held.check().await?;
    let after = process::memory(pid)?;
    let (opened, failed) = (held.opened, held.failed);
    held.release().await?;
    Ok(Idle {
        wanted: count,
        opened,
        failed,
        alive: Some(alive),
        before_kib: before.rss_kib,
        after_kib: after.rss_kib,
    })
}

/// Lifeline customers joined with a PIN and waiting (no console open),
/// held in this process.
pub async fn waiting_customers(count: usize, serve_flags: &[String]) -> Result<Idle> {
    let target = Target::start(Kind::Lifeline, 1, serve_flags).await?;
    let Target::Lifeline(lifeline) = &target else {
        unreachable!("started a Lifeline target");
    };
    let pid = target.pid()?;
    let before = process::memory(pid)?;
    let customers = waiting::open(&lifeline.server, &lifeline.technicians, count, 32).await?;
    let after = process::memory(pid)?;
    drop(customers);
    Ok(Idle {
        wanted: count,
        opened: count,
        failed: 0,
        alive: None,
        before_kib: before.rss_kib,
        after_kib: after.rss_kib,
    })
}
