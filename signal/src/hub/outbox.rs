//! The sending half of a socket, as the hub sees it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use protocol::ServerMessage;
use tokio::sync::{Notify, mpsc};

/// Identifies one WebSocket connection for its whole life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnId(u64);

impl ConnId {
    pub fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        ConnId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// Frames a socket may have queued before it counts as stuck. A healthy
/// browser drains this in milliseconds; one that does not must not make the
/// server hold an ever-growing queue.
pub const OUTBOX_CAPACITY: usize = 256;

/// Queue of frames for one socket. Sending never waits: a socket whose
/// queue is full is told to close instead, so one stuck client can never
/// stall the hub or anyone else's session.
#[derive(Debug, Clone)]
pub struct Outbox {
    pub conn: ConnId,
    tx: mpsc::Sender<ServerMessage>,
    /// Wakes the socket's task to close it.
    kick: Arc<Notify>,
}

/// The socket task's end of an [`Outbox`].
pub struct Inbox {
    pub rx: mpsc::Receiver<ServerMessage>,
    pub kick: Arc<Notify>,
}

impl Outbox {
    pub fn new() -> (Outbox, Inbox) {
        let (tx, rx) = mpsc::channel(OUTBOX_CAPACITY);
        let kick = Arc::new(Notify::new());
        (
            Outbox {
                conn: ConnId::next(),
                tx,
                kick: kick.clone(),
            },
            Inbox { rx, kick },
        )
    }

    pub fn send(&self, msg: ServerMessage) {
        if self.tx.try_send(msg).is_err() {
            self.close();
        }
    }

    /// Asks the socket to close (full queue, sign-out, shutdown).
    pub fn close(&self) {
        self.kick.notify_one();
    }
}
