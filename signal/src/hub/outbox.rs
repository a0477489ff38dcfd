//! The sending half of a socket, as the hub sees it.
//!
//! Frames are serialised once, when queued, and shared between every socket
//! they go to (a queue change for three consoles is one JSON text). When
//! nothing is waiting for a socket, a frame is written to it at once, from
//! the task that produced it, with one non-blocking system call: a relayed
//! `signal` leaves as soon as it has been read, without waking another
//! task. Whatever the kernel does not take at once is queued for the
//! socket's writer task (`ws::writer`), in order.
//!
//! The queue is counted in bytes, not frames: a client that stops reading
//! can make the server hold at most [`MAX_QUEUED_BYTES`] for it, after which
//! it is told to close. Queueing never waits, so one stuck client can never
//! stall the hub or anyone else's session.

use std::collections::VecDeque;
use std::io::{ErrorKind, IoSlice};
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use protocol::ServerMessage;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::{Bytes, Utf8Bytes};

use crate::ws::wire::{self, Header};

/// Identifies one WebSocket connection for its whole life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnId(u64);

impl ConnId {
    pub fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        ConnId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// Bytes a socket may have queued and unsent before it counts as stuck. A
/// healthy browser drains signalling in milliseconds; a full SDP offer is
/// a few KiB, so this is hundreds of frames of slack.
pub const MAX_QUEUED_BYTES: usize = 1024 * 1024;

/// One server frame, serialised: cheap to clone and to send to many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame(Utf8Bytes);

impl Frame {
    pub fn of(msg: &ServerMessage) -> Self {
        // Serialising our own types cannot fail (no maps with non-string
        // keys, no failing Serialize impls).
        Frame(Utf8Bytes::from(
            serde_json::to_string(msg).unwrap_or_default(),
        ))
    }

    /// A frame from text that is already one serialised message.
    pub fn from_json_text(text: String) -> Self {
        Frame(Utf8Bytes::from(text))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn text(&self) -> Utf8Bytes {
        self.0.clone()
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Something waiting to be written to one socket.
#[derive(Debug, Clone)]
pub enum Pending {
    /// A text frame; its header is added when it is written.
    Text(Frame),
    /// Bytes already on the wire format: a control frame, or what the
    /// kernel did not take of a frame written directly.
    Raw(Bytes),
}

impl Pending {
    /// What this adds to the queue's byte count.
    fn cost(&self) -> usize {
        match self {
            Pending::Text(frame) => frame.len(),
            Pending::Raw(bytes) => bytes.len(),
        }
    }

    /// Appends the bytes to write to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            Pending::Text(frame) => {
                out.extend_from_slice(Header::new(wire::TEXT, frame.len()).as_bytes());
                out.extend_from_slice(frame.as_bytes());
            }
            Pending::Raw(bytes) => out.extend_from_slice(bytes),
        }
    }
}

/// Why the server asked a socket to close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum CloseCause {
    /// Sign-out, shutdown, or anything else the server decided.
    Server = 1,
    /// The client left more than [`MAX_QUEUED_BYTES`] unread.
    TooSlow = 2,
    /// The technician's login ended (removed, idle, signed out elsewhere).
    SignedOut = 3,
    /// The socket's part is over in the ordinary way: a Lifeline Helper
    /// whose remote control ended (Stop control, the session's end).
    Finished = 4,
}

impl CloseCause {
    fn from_u8(v: u8) -> Option<Self> {
        match v {
            1 => Some(CloseCause::Server),
            2 => Some(CloseCause::TooSlow),
            3 => Some(CloseCause::SignedOut),
            4 => Some(CloseCause::Finished),
            _ => None,
        }
    }
}

/// The queue proper, under one lock so that a direct write and the writer
/// task can never overtake each other.
#[derive(Debug, Default)]
struct Queue {
    items: VecDeque<Pending>,
    /// The writer task has taken frames and not finished writing them;
    /// until it has, new frames queue behind them.
    writing: bool,
    /// The socket, for direct writes; `None` in tests and once the
    /// connection is over (which lets its file go).
    direct: Option<Arc<OwnedWriteHalf>>,
}

/// State both ends of one socket's queue share.
#[derive(Debug, Default)]
struct Shared {
    queue: Mutex<Queue>,
    /// Wakes the writer when a frame is queued.
    ready: Notify,
    /// Bytes queued and not yet written to the socket.
    queued: AtomicUsize,
    /// The first reason given for closing; 0 while open.
    cause: AtomicU8,
    /// Wakes the socket's task to close it.
    kick: Notify,
}

impl Shared {
    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Queue of frames for one socket.
#[derive(Debug, Clone)]
pub struct Outbox {
    pub conn: ConnId,
    shared: Arc<Shared>,
}

/// The socket task's end of an [`Outbox`].
pub struct Inbox {
    shared: Arc<Shared>,
}

impl Outbox {
    /// A queue whose frames only the writer task writes.
    pub fn new() -> (Outbox, Inbox) {
        Outbox::writing_to(None)
    }

    /// A queue that writes straight to `direct` whenever nothing is
    /// waiting before it.
    pub fn writing_to(direct: Option<Arc<OwnedWriteHalf>>) -> (Outbox, Inbox) {
        let shared = Arc::new(Shared::default());
        shared.queue().direct = direct;
        (
            Outbox {
                conn: ConnId::next(),
                shared: shared.clone(),
            },
            Inbox { shared },
        )
    }

    pub fn send(&self, msg: ServerMessage) {
        self.send_frame(Frame::of(&msg));
    }

    /// Sends an already serialised frame (one text for many sockets).
    pub fn send_frame(&self, frame: Frame) {
        self.push(Pending::Text(frame));
    }

    /// Sends an encoded control frame (ping, pong).
    pub fn send_raw(&self, bytes: Bytes) {
        self.push(Pending::Raw(bytes));
    }

    fn push(&self, item: Pending) {
        let mut queue = self.shared.queue();
        let item = if queue.items.is_empty() && !queue.writing {
            match queue
                .direct
                .as_deref()
                .map(|socket| write_now(socket, &item))
            {
                None | Some(Written::No) => item,
                Some(Written::All) => return,
                Some(Written::Part(rest)) => Pending::Raw(rest),
            }
        } else {
            item
        };
        let len = item.cost();
        let before = self.shared.queued.fetch_add(len, Ordering::AcqRel);
        if before + len > MAX_QUEUED_BYTES {
            self.shared.queued.fetch_sub(len, Ordering::AcqRel);
            drop(queue);
            self.close_because(CloseCause::TooSlow);
            return;
        }
        queue.items.push_back(item);
        drop(queue);
        self.shared.ready.notify_one();
    }

    /// Asks the socket to close (sign-out, shutdown).
    pub fn close(&self) {
        self.close_because(CloseCause::Server);
    }

    pub fn close_because(&self, cause: CloseCause) {
        let _ =
            self.shared
                .cause
                .compare_exchange(0, cause as u8, Ordering::AcqRel, Ordering::Acquire);
        self.shared.kick.notify_one();
    }

    /// Stops direct writes for good: the connection is over, and the
    /// socket's file is let go once the writer task has ended too (the hub
    /// may hold on to this outbox a little longer).
    pub fn detach(&self) {
        let mut queue = self.shared.queue();
        queue.direct = None;
        queue.writing = true;
    }

    /// Bytes waiting to be written.
    pub fn queued_bytes(&self) -> usize {
        self.shared.queued.load(Ordering::Acquire)
    }

    /// Completes when the server asks this socket to close, with why.
    pub async fn closed(&self) -> CloseCause {
        closed(&self.shared).await
    }
}

enum Written {
    All,
    /// The kernel took some: the rest must go first.
    Part(Bytes),
    /// Nothing was written (the socket's buffer is full, or it failed: the
    /// writer task will see that and end the connection).
    No,
}

/// One non-blocking write of a whole frame.
fn write_now(socket: &OwnedWriteHalf, item: &Pending) -> Written {
    let (header, payload): (Option<Header>, &[u8]) = match item {
        Pending::Text(frame) => (Some(Header::new(wire::TEXT, frame.len())), frame.as_bytes()),
        Pending::Raw(bytes) => (None, bytes),
    };
    let head = header.as_ref().map(Header::as_bytes).unwrap_or_default();
    let total = head.len() + payload.len();
    match socket.try_write_vectored(&[IoSlice::new(head), IoSlice::new(payload)]) {
        Ok(n) if n >= total => Written::All,
        Ok(0) => Written::No,
        Ok(n) => {
            let mut rest = Vec::with_capacity(total - n);
            if n < head.len() {
                rest.extend_from_slice(&head[n..]);
                rest.extend_from_slice(payload);
            } else {
                rest.extend_from_slice(&payload[n - head.len()..]);
            }
            Written::Part(Bytes::from(rest))
        }
        Err(e) if e.kind() == ErrorKind::WouldBlock => Written::No,
        Err(_) => Written::No,
    }
}

async fn closed(shared: &Shared) -> CloseCause {
    loop {
        let notified = shared.kick.notified();
        if let Some(cause) = CloseCause::from_u8(shared.cause.load(Ordering::Acquire)) {
            return cause;
        }
        notified.await;
    }
}

impl Inbox {
    /// Everything queued, waiting for at least one item. Until
    /// [`Inbox::written`] is called, frames sent meanwhile queue behind
    /// these instead of being written directly.
    pub async fn next_batch(&self) -> Vec<Pending> {
        loop {
            let ready = self.shared.ready.notified();
            {
                let mut queue = self.shared.queue();
                if !queue.items.is_empty() {
                    queue.writing = true;
                    return queue.items.drain(..).collect();
                }
                queue.writing = false;
            }
            ready.await;
        }
    }

    /// Takes what is queued without waiting (the final frames before a
    /// Close).
    pub fn take_all(&self) -> Vec<Pending> {
        let mut queue = self.shared.queue();
        queue.writing = true;
        queue.items.drain(..).collect()
    }

    /// Call once a batch from [`Inbox::next_batch`] has been written out.
    pub fn written(&self, batch: &[Pending]) {
        let bytes: usize = batch.iter().map(Pending::cost).sum();
        self.shared.queued.fetch_sub(bytes, Ordering::AcqRel);
    }

    /// Completes when the server asks this socket to close, with why.
    pub async fn closed(&self) -> CloseCause {
        closed(&self.shared).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_reader_that_stops_reading_is_told_to_close() {
        let (outbox, inbox) = Outbox::new();
        let big = ServerMessage::Welcome {
            technician: "x".repeat(100 * 1024),
        };
        let frame = Frame::of(&big);
        for _ in 0..(MAX_QUEUED_BYTES / frame.len()) {
            outbox.send_frame(frame.clone());
        }
        assert!(outbox.queued_bytes() <= MAX_QUEUED_BYTES);
        // One more does not fit: the socket is asked to close instead.
        outbox.send_frame(frame.clone());
        assert_eq!(inbox.closed().await, CloseCause::TooSlow);
        assert!(outbox.queued_bytes() <= MAX_QUEUED_BYTES);
        // Writing frames out gives the budget back.
        let batch = inbox.next_batch().await;
        assert_eq!(batch.len(), MAX_QUEUED_BYTES / frame.len());
        inbox.written(&batch);
        assert_eq!(outbox.queued_bytes(), 0);
    }

    #[tokio::test]
    async fn the_first_close_cause_wins() {
        let (outbox, inbox) = Outbox::new();
        outbox.close_because(CloseCause::SignedOut);
        outbox.close();
        assert_eq!(inbox.closed().await, CloseCause::SignedOut);
    }
}
