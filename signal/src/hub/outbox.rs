//! The sending half of a socket, as the hub sees it.
//!
//! Frames are serialised once, when queued, and shared between every socket
//! they go to (a queue change for three consoles is one JSON text). The
//! queue is counted in bytes, not frames: a client that stops reading can
//! make the server hold at most [`MAX_QUEUED_BYTES`] for it, after which it
//! is told to close. Queueing never waits, so one stuck client can never
//! stall the hub or anyone else's session.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use protocol::ServerMessage;
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Utf8Bytes;

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
}

impl CloseCause {
    fn from_u8(v: u8) -> Option<Self> {
        match v {
            1 => Some(CloseCause::Server),
            2 => Some(CloseCause::TooSlow),
            3 => Some(CloseCause::SignedOut),
            _ => None,
        }
    }
}

/// State both ends of one socket's queue share.
#[derive(Debug, Default)]
struct Shared {
    /// Frames not yet taken by the writer. A plain deque allocates nothing
    /// until the first frame, unlike a channel: most sockets are idle.
    frames: Mutex<VecDeque<Frame>>,
    /// Wakes the writer when a frame is queued.
    ready: Notify,
    /// Bytes queued and not yet written to the socket.
    queued: AtomicUsize,
    /// The first reason given for closing; 0 while open.
    cause: AtomicU8,
    /// Wakes the socket's task to close it.
    kick: Notify,
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
    pub fn new() -> (Outbox, Inbox) {
        let shared = Arc::new(Shared::default());
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

    /// Queues an already serialised frame (one text for many sockets).
    pub fn send_frame(&self, frame: Frame) {
        let len = frame.len();
        let before = self.shared.queued.fetch_add(len, Ordering::AcqRel);
        if before + len > MAX_QUEUED_BYTES {
            self.shared.queued.fetch_sub(len, Ordering::AcqRel);
            self.close_because(CloseCause::TooSlow);
            return;
        }
        self.shared
            .frames
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(frame);
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

    /// Bytes waiting to be written.
    pub fn queued_bytes(&self) -> usize {
        self.shared.queued.load(Ordering::Acquire)
    }

    /// Completes when the server asks this socket to close, with why.
    pub async fn closed(&self) -> CloseCause {
        closed(&self.shared).await
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
    /// The next frame to write, waiting for one.
    pub async fn next(&self) -> Frame {
        loop {
            let ready = self.shared.ready.notified();
            if let Some(frame) = self.try_next() {
                return frame;
            }
            ready.await;
        }
    }

    /// A frame already queued, without waiting.
    pub fn try_next(&self) -> Option<Frame> {
        self.shared
            .frames
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
    }

    /// Call once a frame from [`Inbox::next`] has been written out.
    pub fn written(&self, frame: &Frame) {
        self.shared.queued.fetch_sub(frame.len(), Ordering::AcqRel);
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
        let first = inbox.next().await;
        inbox.written(&first);
        assert_eq!(
            outbox.queued_bytes(),
            (MAX_QUEUED_BYTES / frame.len() - 1) * frame.len()
        );
    }

    #[tokio::test]
    async fn the_first_close_cause_wins() {
        let (outbox, inbox) = Outbox::new();
        outbox.close_because(CloseCause::SignedOut);
        outbox.close();
        assert_eq!(inbox.closed().await, CloseCause::SignedOut);
    }
}
