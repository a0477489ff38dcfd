//! One WebSocket's life, from upgrade to close.
//!
//! The task reads frames and hands them to the hub (`dispatch` says what
//! each side's frames do), pings, enforces the join deadline, and closes
//! when told to. Frames to the client are
//! written by the outbox directly, or by a second task (`writer`) when the
//! client is slow to take them. On the way out it tells the hub, which ends
//! whatever session the socket was part of.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use futures_util::StreamExt;
use governor::clock::MonotonicClock;
use governor::{Quota, RateLimiter};
use protocol::limits::MAX_FRAME_BYTES;
use protocol::{ClientMessage, ErrorCode, SessionId};
use std::sync::Arc;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::frames::{self, Parsed};
use super::upgrade::Socket;
use super::wire;
use super::writer::{self, Control, Sink, WriteStall};
use crate::capacity::Permit;
use crate::client_addr::AddrKey;
use crate::http::auth::Technician;
use crate::hub::{CloseCause, Hub, Outbox, Refusal};
use crate::serve::ConnectionPermit;

/// Close codes (RFC 6455).
pub(super) const CLOSE_NORMAL: u16 = 1000;
pub(super) const CLOSE_POLICY: u16 = 1008;
const CLOSE_TOO_BIG: u16 = 1009;
const CLOSE_GOING_AWAY: u16 = 1001;

/// Refused frames a socket may send before it is cut off: enough for a
/// buggy client to log its mistakes, not enough to keep the server busy.
const MAX_REFUSALS: u32 = 50;

/// Frames per second a socket may send, beyond a burst. Signalling is a
/// few dozen frames per session; this only stops floods that would fill the
/// other side's queue.
const FRAMES_PER_SECOND: u32 = 50;
const FRAME_BURST: u32 = 200;

/// What this socket is to the hub.
pub(super) enum Side {
    /// Not signed in and not joined yet.
    Anonymous,
    /// Joined a session with a PIN.
    Customer(SessionId),
    /// A signed-in technician's console.
    Console(Technician),
    /// A Lifeline Helper that joined a session with its token.
    Helper(SessionId),
}

/// What reading a frame came to.
enum Step {
    Done(Flow),
    /// A message for the hub that may wait for the database.
    Dispatch(ClientMessage),
}

/// Whether to keep the socket open after a frame.
pub(super) enum Flow {
    Continue,
    Close(u16, &'static str),
}

pub(super) struct Connection {
    pub(super) hub: Hub,
    pub(super) outbox: Outbox,
    pub(super) side: Side,
    pub(super) from: AddrKey,
    refusals: u32,
    /// When this console last marked its login as in use.
    touched: time::OffsetDateTime,
}

/// A console in use keeps its login from idle logout; once a minute is
/// plenty for an eight-hour limit.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// A per-socket frame limiter. The std monotonic clock makes one cheap to
/// create (governor's default clock calibrates itself on creation).
type FrameLimiter = RateLimiter<
    governor::state::NotKeyed,
    governor::state::InMemoryState,
    MonotonicClock,
    governor::middleware::NoOpMiddleware<std::time::Instant>,
>;

fn frame_limiter() -> FrameLimiter {
    RateLimiter::direct_with_clock(
        Quota::per_second(NonZeroU32::new(FRAMES_PER_SECOND).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(FRAME_BURST).unwrap_or(NonZeroU32::MIN)),
        MonotonicClock,
    )
}

pub async fn run(
    mut stream: Socket,
    sink: Sink,
    hub: Hub,
    ip: IpAddr,
    technician: Option<Technician>,
    // Its places under the WebSocket and connection caps, freed on return.
    permits: (Permit, Option<ConnectionPermit>),
) {
    let (outbox, inbox) = Outbox::writing_to(match &sink {
        Sink::Tcp(socket) => Some(socket.clone()),
        Sink::Stream(_) => None,
    });
    let metrics_sockets = hub.metrics().sockets.clone();
    metrics_sockets.inc();
    let config = hub.config();
    let heartbeat = config.heartbeat;
    let opened_at = config.clock.now();
    let join_deadline = opened_at + config.join_timeout;
    let side = match technician {
        Some(t) => {
            hub.connect_console(&t.username, &t.login, outbox.clone());
            Side::Console(t)
        }
        None => Side::Anonymous,
    };
    let mut conn = Connection {
        hub,
        outbox,
        side,
        from: AddrKey::of(ip),
        refusals: 0,
        touched: opened_at,
    };
    let limiter = frame_limiter();

    let control = Arc::new(Control::default());
    let stall = WriteStall::new();
    let mut writer = tokio::spawn(writer::run(sink, inbox, control.clone(), stall.clone()));

    let mut ping = tokio::time::interval_at(Instant::now() + heartbeat, heartbeat);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut last_heard = Instant::now();
    let kicked = conn.outbox.clone();
    let closed = kicked.closed();
    tokio::pin!(closed);

    // `Some(None)`: answer the client's Close; `Some(Some(..))`: close with
    // this code; `None`: the connection is gone or not worth a goodbye.
    let close: Option<Option<(u16, &'static str)>> = loop {
        tokio::select! {
            incoming = stream.next() => {
                let msg = match incoming {
                    Some(Ok(msg)) => msg,
                    Some(Err(WsError::Capacity(_))) => {
                        conn.refuse(too_big());
                        break Some(Some((CLOSE_TOO_BIG, "frame too large")));
                    }
                    _ => break None,
                };
                last_heard = Instant::now();
                let text = match msg {
                    // Answered with the client's own code (RFC 6455 §5.5.1).
                    Message::Close(frame) => break Some(frame.map(|f| (u16::from(f.code), ""))),
                    Message::Ping(data) => {
                        conn.outbox.send_raw(wire::frame(wire::PONG, &data));
                        continue;
                    }
                    Message::Pong(_) | Message::Frame(_) => continue,
                    Message::Text(text) => Some(text),
                    Message::Binary(_) => None,
                };
                if limiter.check().is_err() {
                    conn.refuse(Refusal::new(ErrorCode::RateLimited).saying("Too many messages; slow down."));
                    if conn.refusals > MAX_REFUSALS {
                        break Some(Some((CLOSE_POLICY, "too many refused messages")));
                    }
                    continue;
                }
                let flow = match text {
                    Some(text) => match conn.on_text(text.as_str()) {
                        Step::Done(flow) => flow,
                        // Boxed: handling a message is the largest state
                        // this task has, and it would otherwise be
                        // allocated for every socket for its whole life,
                        // idle or not. Signalling never gets here.
                        Step::Dispatch(msg) => Box::pin(conn.on_message(msg)).await,
                    },
                    None => conn.refuse_and_continue(
                        Refusal::new(ErrorCode::MalformedMessage).saying("Send JSON text frames, not binary ones."),
                    ),
                };
                if let Flow::Close(code, reason) = flow {
                    break Some(Some((code, reason)));
                }
            }
            cause = &mut closed => break match cause {
                CloseCause::Server => Some(Some((CLOSE_GOING_AWAY, "closed by the server"))),
                CloseCause::SignedOut => Some(Some((CLOSE_POLICY, "signed out"))),
                CloseCause::Finished => Some(Some((CLOSE_NORMAL, "remote control ended"))),
                // It is not reading: a goodbye would only queue behind the rest.
                CloseCause::TooSlow => {
                    conn.hub.metrics().slow_socket_dropped.inc();
                    tracing::info!("dropping a socket that stopped reading");
                    None
                }
            },
            _ = &mut writer => break None,
            _ = ping.tick() => {
                if last_heard.elapsed() > heartbeat * 3 {
                    tracing::debug!("dropping a socket silent for three heartbeats");
                    break None;
                }
                if stall.stalled_for() > heartbeat * 2 {
                    conn.hub.metrics().slow_socket_dropped.inc();
                    tracing::info!("dropping a socket that stopped reading");
                    break None;
                }
                if matches!(conn.side, Side::Anonymous) && conn.hub.config().clock.now() >= join_deadline {
                    conn.hub.metrics().join_timeouts.inc();
                    break Some(Some((CLOSE_POLICY, "no session joined in time")));
                }
                conn.outbox.send_raw(wire::frame(wire::PING, &[]));
            }
        }
    };

    match close {
        Some(how) if !writer.is_finished() => {
            control.close(how);
            if tokio::time::timeout(Duration::from_secs(2), &mut writer)
                .await
                .is_err()
            {
                writer.abort();
            }
        }
        _ => writer.abort(),
    }
    conn.outbox.detach();
    conn.gone();
    drop(permits);
    metrics_sockets.dec();
}

fn too_big() -> Refusal {
    Refusal::new(ErrorCode::FrameTooLarge).saying(format!(
        "Messages can be at most {} KiB.",
        MAX_FRAME_BYTES / 1024
    ))
}

impl Connection {
    /// Reads a text frame; signalling is relayed at once, anything else is
    /// handed back for [`Connection::on_message`].
    fn on_text(&mut self, text: &str) -> Step {
        if text.len() > MAX_FRAME_BYTES {
            self.refuse(too_big());
            return Step::Done(Flow::Close(CLOSE_TOO_BIG, "frame too large"));
        }
        let relayed = match frames::parse_frame(text) {
            Ok(Parsed::Signal(frame)) => self.signal(frame.session, frame.to, frame.data),
            Ok(Parsed::Message(ClientMessage::Signal { session, to, data })) => {
                match serde_json::value::to_raw_value(&data) {
                    Ok(raw) => self.signal(session, to, &raw),
                    Err(_) => Err(Refusal::new(ErrorCode::MalformedMessage)),
                }
            }
            Ok(Parsed::Message(msg)) => return Step::Dispatch(msg),
            Err(refusal) => Err(refusal),
        };
        Step::Done(match relayed {
            Ok(()) => Flow::Continue,
            Err(refusal) => self.refuse_and_continue(refusal),
        })
    }

    async fn on_message(&mut self, msg: ClientMessage) -> Flow {
        // A helper's join decides whether its socket stays open at all.
        let msg = match msg {
            ClientMessage::HelperJoin {
                token,
                platform,
                unavailable,
            } if matches!(self.side, Side::Anonymous) => {
                return self.helper_join(&token, &platform, unavailable.as_deref());
            }
            msg => msg,
        };
        match self.dispatch(msg).await {
            Ok(()) => Flow::Continue,
            Err(refusal) => self.refuse_and_continue(refusal),
        }
    }

    /// A console in use keeps its login from idle logout.
    pub(super) fn touch(&mut self, t: &Technician) {
        let now = self.hub.config().clock.now();
        if now - self.touched >= TOUCH_EVERY {
            self.touched = now;
            self.hub.touch_login(&t.login);
        }
    }

    pub(super) fn refuse(&mut self, refusal: Refusal) {
        self.refusals += 1;
        self.hub.metrics().rejected_frame(refusal.code);
        self.outbox.send(refusal.into_frame());
    }

    fn refuse_and_continue(&mut self, refusal: Refusal) -> Flow {
        self.refuse(refusal);
        if self.refusals > MAX_REFUSALS {
            Flow::Close(CLOSE_POLICY, "too many refused messages")
        } else {
            Flow::Continue
        }
    }

    fn gone(&self) {
        match &self.side {
            Side::Anonymous => {}
            Side::Customer(id) => self.hub.customer_gone(*id, self.outbox.conn),
            Side::Console(t) => self.hub.console_gone(&t.username, self.outbox.conn),
            Side::Helper(id) => self.hub.helper_gone(*id, self.outbox.conn),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_limiter_allows_its_burst() {
        let limiter = frame_limiter();
        for _ in 0..FRAME_BURST {
            assert!(limiter.check().is_ok());
        }
        assert!(limiter.check().is_err());
    }
}
