//! The writing half of a socket, in a task of its own, so that a client
//! that stops reading can never hold up the reader, the heartbeat or the
//! close: those keep running while a write waits, and notice when it has
//! been waiting too long ([`WriteStall`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::upgrade::Socket;
use crate::hub::Inbox;

/// What the reader asks the writer to do besides sending queued frames.
#[derive(Debug)]
pub enum Control {
    Ping,
    /// Send what is queued, then close: with this code and reason, or
    /// answering the client's own Close frame when `None`.
    Close(Option<(u16, &'static str)>),
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
    mut control: mpsc::Receiver<Control>,
    stall: WriteStall,
) {
    loop {
        tokio::select! {
            biased;
            ctl = control.recv() => match ctl {
                Some(Control::Ping) => {
                    stall.begin();
                    let sent = sink.send(Message::Ping(Default::default())).await;
                    stall.end();
                    if sent.is_err() {
                        return;
                    }
                }
                Some(Control::Close(how)) => {
                    let _ = tokio::time::timeout(CLOSE_GRACE, close(&mut sink, &mut inbox, how)).await;
                    return;
                }
                None => return,
            },
            frame = inbox.next() => {
                let Some(frame) = frame else { return };
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

async fn close(
    sink: &mut SplitSink<Socket, Message>,
    inbox: &mut Inbox,
    how: Option<(u16, &'static str)>,
) {
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
