//! The writing half of a socket, in a task of its own, so that a client
//! that stops reading can never hold up the reader, the heartbeat or the
//! close: those keep running while a write waits, and notice when it has
//! been waiting too long ([`WriteStall`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use tokio::sync::Notify;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::upgrade::Socket;
use crate::hub::Inbox;

/// How to close: with this code and reason, or (`None`) answering the
/// client's own Close frame.
pub type CloseHow = Option<(u16, &'static str)>;

/// What the reader asks the writer to do besides sending queued frames:
/// a few flags and one wake-up, which (unlike a channel) allocate nothing
/// per message.
#[derive(Debug, Default)]
pub struct Control {
    ping: AtomicBool,
    close: Mutex<Option<CloseHow>>,
    wake: Notify,
}

impl Control {
    /// Send a ping (if one is already waiting, this is the same one).
    pub fn ping(&self) {
        self.ping.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    /// Send what is queued, then close.
    pub fn close(&self, how: CloseHow) {
        *self.close.lock().unwrap_or_else(|e| e.into_inner()) = Some(how);
        self.wake.notify_one();
    }

    fn take_close(&self) -> Option<CloseHow> {
        self.close.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// When the write in progress started, for the reader to judge.
#[derive(Debug, Clone)]
pub struct WriteStall {
    /// The connection's start; times are kept as milliseconds since it.
    origin: Instant,
    /// Milliseconds since `origin` + 1 when the current write began; 0
    /// while the writer is idle.
    since: Arc<AtomicU64>,
}

impl WriteStall {
    pub fn new() -> Self {
        WriteStall {
            origin: Instant::now(),
            since: Arc::new(AtomicU64::new(0)),
        }
    }

    fn begin(&self) {
        let ms = self.origin.elapsed().as_millis() as u64 + 1;
        self.since.store(ms, Ordering::Release);
    }

    fn end(&self) {
        self.since.store(0, Ordering::Release);
    }

    /// How long the current write has been waiting for the client.
    pub fn stalled_for(&self) -> Duration {
        match self.since.load(Ordering::Acquire) {
            0 => Duration::ZERO,
            began => {
                let now = self.origin.elapsed().as_millis() as u64 + 1;
                Duration::from_millis(now.saturating_sub(began))
            }
        }
    }
}

/// How long the final frames and the Close frame may take to go out.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Writes until told to close or until the socket fails.
pub async fn run(
    mut sink: SplitSink<Socket, Message>,
    mut inbox: Inbox,
    control: Arc<Control>,
    stall: WriteStall,
) {
    loop {
        let woken = control.wake.notified();
        if let Some(how) = control.take_close() {
            let _ = tokio::time::timeout(CLOSE_GRACE, close(&mut sink, &mut inbox, how)).await;
            return;
        }
        if control.ping.swap(false, Ordering::AcqRel) {
            stall.begin();
            let sent = sink.send(Message::Ping(Default::default())).await;
            stall.end();
            if sent.is_err() {
                return;
            }
            continue;
        }
        tokio::select! {
            biased;
            () = woken => {}
            frame = inbox.next() => {
                stall.begin();
                // Everything already queued goes out with one flush.
                let mut ok = sink.feed(Message::Text(frame.text())).await.is_ok();
                inbox.written(&frame);
                while ok && let Some(more) = inbox.try_next() {
                    ok = sink.feed(Message::Text(more.text())).await.is_ok();
                    inbox.written(&more);
                }
                ok = ok && sink.flush().await.is_ok();
                stall.end();
                if !ok {
                    return;
                }
            }
        }
    }
}

async fn close(sink: &mut SplitSink<Socket, Message>, inbox: &mut Inbox, how: CloseHow) {
    // Frames already queued (an error, `ended`) still go out first.
    while let Some(frame) = inbox.try_next() {
        if sink.feed(Message::Text(frame.text())).await.is_err() {
            return;
        }
        inbox.written(&frame);
    }
    match how {
        Some((code, reason)) => {
            let frame = CloseFrame {
                code: CloseCode::from(code),
                reason: reason.into(),
            };
            let _ = sink.send(Message::Close(Some(frame))).await;
        }
        // tungstenite queued the reply to the client's Close while
        // reading; closing our half sends it (RFC 6455 §5.5.1).
        None => {
            let _ = sink.close().await;
        }
    }
}
