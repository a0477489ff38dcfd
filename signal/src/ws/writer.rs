//! The writing half of a socket, in a task of its own, so that a client
//! that stops reading can never hold up the reader, the heartbeat or the
//! close: those keep running while a write waits, and notice when it has
//! been waiting too long ([`WriteStall`]).
//!
//! Most frames never come here: the outbox writes them directly when the
//! socket has room (`hub::outbox`). This task writes what the kernel did
//! not take at once, in order, waiting for the socket to drain.

use std::io::{self, ErrorKind};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncWriteExt, WriteHalf};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::wire;
use crate::hub::{Inbox, Pending};

/// How to close: with this code and reason, or with an empty Close frame
/// (`None`), which answers a client's Close that carried no code.
pub type CloseHow = Option<(u16, &'static str)>;

/// Where a socket's bytes go.
pub enum Sink {
    /// A plain TCP connection, shared with the outbox for direct writes.
    Tcp(Arc<OwnedWriteHalf>),
    /// Anything else (TLS): written only here.
    Stream(WriteHalf<TokioIo<Upgraded>>),
}

impl Sink {
    /// Writes all of `bytes`, marking the time spent waiting for the client.
    async fn write_all(&mut self, mut bytes: &[u8], stall: &WriteStall) -> io::Result<()> {
        match self {
            Sink::Tcp(socket) => {
                while !bytes.is_empty() {
                    match socket.try_write(bytes) {
                        Ok(n) => bytes = &bytes[n..],
                        Err(e) if e.kind() == ErrorKind::WouldBlock => {
                            stall.begin();
                            let ready = socket.writable().await;
                            stall.end();
                            ready?;
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(())
            }
            Sink::Stream(stream) => {
                stall.begin();
                let written = async {
                    stream.write_all(bytes).await?;
                    stream.flush().await
                }
                .await;
                stall.end();
                written
            }
        }
    }

    async fn shutdown(&mut self) {
        // A TCP write half shuts down when its last owner drops it.
        if let Sink::Stream(stream) = self {
            let _ = stream.shutdown().await;
        }
    }
}

/// What the reader asks the writer to do besides sending queued frames.
#[derive(Debug, Default)]
pub struct Control {
    close: Mutex<Option<CloseHow>>,
    wake: Notify,
}

impl Control {
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

/// A batch buffer bigger than this is not kept between batches: most
/// sockets are idle most of the time.
const KEEP_BUFFER: usize = 16 * 1024;

/// Writes until told to close or until the socket fails.
pub async fn run(mut sink: Sink, inbox: Inbox, control: Arc<Control>, stall: WriteStall) {
    let mut buffer = Vec::new();
    loop {
        let woken = control.wake.notified();
        if let Some(how) = control.take_close() {
            let _ = tokio::time::timeout(CLOSE_GRACE, close(&mut sink, &inbox, how, &stall)).await;
            return;
        }
        tokio::select! {
            biased;
            () = woken => {}
            batch = inbox.next_batch() => {
                // Everything queued goes out in one write where it fits.
                encode(&batch, &mut buffer);
                let ok = sink.write_all(&buffer, &stall).await.is_ok();
                inbox.written(&batch);
                if !ok {
                    return;
                }
                if buffer.capacity() > KEEP_BUFFER {
                    buffer = Vec::new();
                }
            }
        }
    }
}

fn encode(batch: &[Pending], buffer: &mut Vec<u8>) {
    buffer.clear();
    for item in batch {
        item.encode_into(buffer);
    }
}

async fn close(sink: &mut Sink, inbox: &Inbox, how: CloseHow, stall: &WriteStall) {
    // Frames already queued (an error, `ended`) still go out first.
    let batch = inbox.take_all();
    let mut buffer = Vec::new();
    encode(&batch, &mut buffer);
    buffer.extend_from_slice(&wire::close(how));
    if sink.write_all(&buffer, stall).await.is_ok() {
        inbox.written(&batch);
        sink.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::{Frame, Outbox};
    use futures_util::StreamExt;
    use tokio_tungstenite::WebSocketStream;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::protocol::Role;

    /// Frames written directly and frames the writer task writes after the
    /// kernel's buffer filled up arrive complete and in order.
    #[tokio::test]
    async fn direct_and_queued_frames_keep_their_order() {
        // The server's end has a small send buffer, so it fills up soon.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = tokio::net::TcpSocket::new_v4().unwrap();
        server.set_send_buffer_size(16 * 1024).unwrap();
        let server = server.connect(listener.local_addr().unwrap());
        let (server, accepted) = tokio::join!(server, listener.accept());
        let client = accepted.map(|(stream, _)| stream);
        let (_read, write) = server.unwrap().into_split();
        let write = Arc::new(write);
        let (outbox, inbox) = Outbox::writing_to(Some(write.clone()));
        let control = Arc::new(Control::default());
        let writer = tokio::spawn(run(
            Sink::Tcp(write),
            inbox,
            control.clone(),
            WriteStall::new(),
        ));

        // Far more than the socket buffers (and less than the queue's cap):
        // the client reads only after everything was sent, so most of it
        // must queue.
        const FRAMES: usize = 100;
        let padding = "x".repeat(8 * 1024);
        for i in 0..FRAMES {
            outbox.send_frame(Frame::from_json_text(format!("{i} {padding}")));
        }
        assert!(outbox.queued_bytes() > 0, "the socket's buffer filled up");
        control.close(Some((1000, "done")));

        let mut ws = WebSocketStream::from_raw_socket(client.unwrap(), Role::Client, None).await;
        for i in 0..FRAMES {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    let n: usize = text.split(' ').next().unwrap().parse().unwrap();
                    assert_eq!(n, i);
                }
                other => panic!("frame {i}: {other:?}"),
            }
        }
        match ws.next().await {
            Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1000),
            other => panic!("expected the Close frame, got {other:?}"),
        }
        writer.await.unwrap();
        assert_eq!(outbox.queued_bytes(), 0);
    }
}
