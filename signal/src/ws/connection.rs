//! One WebSocket's life, from upgrade to close.
//!
//! The task owns the socket: it reads frames and hands them to the hub,
//! writes what the hub queued for it, pings, and closes when told to. On
//! the way out it tells the hub, which ends whatever session the socket
//! was part of.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use governor::{Quota, RateLimiter};
use protocol::limits::MAX_FRAME_BYTES;
use protocol::{ClientMessage, ErrorCode, SessionId};
use tokio::time::{Instant, MissedTickBehavior};
use warp::ws::{Message, WebSocket};

use super::frames;
use crate::client_addr::AddrKey;
use crate::http::auth::Technician;
use crate::hub::{Hub, Outbox, Refusal};

/// Close codes (RFC 6455).
const CLOSE_POLICY: u16 = 1008;
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
enum Side {
    /// Not signed in and not joined yet.
    Anonymous,
    /// Joined a session with a PIN.
    Customer(SessionId),
    /// A signed-in technician's console.
    Console(Technician),
}

/// Whether to keep the socket open after a frame.
enum Flow {
    Continue,
    Close(u16, &'static str),
}

struct Connection {
    hub: Hub,
    outbox: Outbox,
    side: Side,
    from: AddrKey,
    refusals: u32,
}

pub async fn run(socket: WebSocket, hub: Hub, ip: IpAddr, technician: Option<Technician>) {
    let (outbox, mut inbox) = Outbox::new();
    let metrics_sockets = hub.metrics().sockets.clone();
    metrics_sockets.inc();
    let side = match technician {
        Some(t) => {
            hub.connect_console(&t.username, &t.login, outbox.clone());
            Side::Console(t)
        }
        None => Side::Anonymous,
    };
    let heartbeat = hub.config().heartbeat;
    let mut conn = Connection {
        hub,
        outbox,
        side,
        from: AddrKey::of(ip),
        refusals: 0,
    };
    let limiter = RateLimiter::direct(
        Quota::per_second(NonZeroU32::new(FRAMES_PER_SECOND).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(FRAME_BURST).unwrap_or(NonZeroU32::MIN)),
    );

    let (mut sink, mut stream) = socket.split();
    let mut ping = tokio::time::interval_at(Instant::now() + heartbeat, heartbeat);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut last_heard = Instant::now();

    let close: Option<(u16, &'static str)> = loop {
        tokio::select! {
            incoming = stream.next() => {
                let Some(Ok(msg)) = incoming else { break None };
                last_heard = Instant::now();
                if msg.is_close() {
                    break None;
                }
                if msg.is_ping() || msg.is_pong() {
                    continue;
                }
                if limiter.check().is_err() {
                    conn.refuse(Refusal::new(ErrorCode::RateLimited).saying("Too many messages; slow down."));
                    if conn.refusals > MAX_REFUSALS {
                        break Some((CLOSE_POLICY, "too many refused messages"));
                    }
                    continue;
                }
                let flow = match msg.to_str() {
                    Ok(text) => conn.on_text(text),
                    Err(()) => conn.refuse_and_continue(
                        Refusal::new(ErrorCode::MalformedMessage).saying("Send JSON text frames, not binary ones."),
                    ),
                };
                if let Flow::Close(code, reason) = flow {
                    break Some((code, reason));
                }
            }
            Some(out) = inbox.rx.recv() => {
                let text = serde_json::to_string(&out).unwrap_or_default();
                if sink.send(Message::text(text)).await.is_err() {
                    break None;
                }
            }
            () = inbox.kick.notified() => break Some((CLOSE_GOING_AWAY, "closed by the server")),
            _ = ping.tick() => {
                if last_heard.elapsed() > heartbeat * 3 {
                    tracing::debug!("dropping a socket silent for three heartbeats");
                    break None;
                }
                if sink.send(Message::ping(Vec::new())).await.is_err() {
                    break None;
                }
            }
        }
    };

    // Frames already queued (an error, `ended`) still go out before the close.
    if let Some((code, reason)) = close {
        while let Ok(out) = inbox.rx.try_recv() {
            let text = serde_json::to_string(&out).unwrap_or_default();
            if sink.send(Message::text(text)).await.is_err() {
                break;
            }
        }
        let _ = tokio::time::timeout(
            Duration::from_secs(1),
            sink.send(Message::close_with(code, reason)),
        )
        .await;
    }
    conn.gone();
    metrics_sockets.dec();
}

impl Connection {
    fn on_text(&mut self, text: &str) -> Flow {
        if text.len() > MAX_FRAME_BYTES {
            self.refuse(Refusal::new(ErrorCode::FrameTooLarge).saying(format!(
                "Messages can be at most {} KiB.",
                MAX_FRAME_BYTES / 1024
            )));
            return Flow::Close(CLOSE_TOO_BIG, "frame too large");
        }
        match frames::parse(text) {
            Ok(msg) => {
                let result = self.dispatch(msg);
                match result {
                    Ok(()) => Flow::Continue,
                    Err(refusal) => self.refuse_and_continue(refusal),
                }
            }
            Err(refusal) => self.refuse_and_continue(refusal),
        }
    }

    fn refuse(&mut self, refusal: Refusal) {
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

    fn dispatch(&mut self, msg: ClientMessage) -> Result<(), Refusal> {
        let hub = &self.hub;
        let conn = self.outbox.conn;
        match (&self.side, msg) {
            // --- customers ---
            (Side::Anonymous, ClientMessage::Join { pin, name }) => {
                let id = hub.join(&self.outbox, self.from, &pin, &name)?;
                self.side = Side::Customer(id);
                Ok(())
            }
            (Side::Customer(id), ClientMessage::Join { pin, name }) => {
                if hub.session_is_open(*id) {
                    return Err(Refusal::new(ErrorCode::OutOfOrder).saying("You are already connected."));
                }
                let id = hub.join(&self.outbox, self.from, &pin, &name)?;
                self.side = Side::Customer(id);
                Ok(())
            }
            (Side::Customer(id), ClientMessage::Signal { session, data }) => {
                check_own(*id, session)?;
                hub.relay_from_customer(*id, conn, data)
            }
            (Side::Customer(id), ClientMessage::ConsentAnswer { scope, allowed }) => {
                hub.answer_consent(*id, conn, scope, allowed)
            }
            (Side::Customer(id), ClientMessage::ShareStopped { scope }) => hub.share_stopped(*id, conn, scope),
            (Side::Customer(id), ClientMessage::Leave { session }) => {
                check_own(*id, session)?;
                hub.customer_leaves(*id, conn);
                Ok(())
            }
            (Side::Customer(_), ClientMessage::Start { .. } | ClientMessage::ConsentRequest { .. }) => {
                Err(Refusal::new(ErrorCode::NotSignedIn).saying("Only a signed-in technician can do that."))
            }

            // --- consoles ---
            (Side::Console(t), ClientMessage::Start { session }) => hub.start(&t.username, &self.outbox, session),
            (Side::Console(t), ClientMessage::Signal { session, data }) => {
                hub.relay_from_console(&t.username, conn, need_session(session)?, data)
            }
            (Side::Console(t), ClientMessage::ConsentRequest { session, scope }) => {
                hub.request_consent(&t.username, conn, session, scope)
            }
            (Side::Console(t), ClientMessage::Leave { session }) => {
                hub.technician_leaves(&t.username, conn, need_session(session)?)
            }
            (Side::Console(_), ClientMessage::Join { .. }) => Err(Refusal::new(ErrorCode::OutOfOrder)
                .saying("This connection is signed in as a technician; customers join from the customer page.")),
            (Side::Console(_), ClientMessage::ConsentAnswer { .. } | ClientMessage::ShareStopped { .. }) => {
                Err(Refusal::new(ErrorCode::OutOfOrder).saying("Only the customer can answer or stop sharing."))
            }

            // --- nobody yet ---
            (Side::Anonymous, ClientMessage::Start { .. } | ClientMessage::ConsentRequest { .. }) => {
                Err(Refusal::new(ErrorCode::NotSignedIn))
            }
            (Side::Anonymous, _) => Err(Refusal::new(ErrorCode::OutOfOrder).saying("Join a session with a PIN first.")),
        }
    }

    fn gone(&self) {
        match &self.side {
            Side::Anonymous => {}
            Side::Customer(id) => self.hub.customer_gone(*id, self.outbox.conn),
            Side::Console(t) => self.hub.console_gone(&t.username, self.outbox.conn),
        }
    }
}

/// A customer may name their own session but no other.
fn check_own(own: SessionId, named: Option<SessionId>) -> Result<(), Refusal> {
    match named {
        Some(other) if other != own => Err(Refusal::new(ErrorCode::SessionNotFound)),
        _ => Ok(()),
    }
}

/// Technicians may run several sessions, so they must say which.
fn need_session(session: Option<SessionId>) -> Result<SessionId, Refusal> {
    session.ok_or_else(|| {
        Refusal::new(ErrorCode::MalformedMessage)
            .saying("Technician messages must name the \"session\".")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_cannot_name_other_sessions() {
        assert!(check_own(SessionId(1), None).is_ok());
        assert!(check_own(SessionId(1), Some(SessionId(1))).is_ok());
        assert_eq!(
            check_own(SessionId(1), Some(SessionId(2)))
                .unwrap_err()
                .code,
            ErrorCode::SessionNotFound
        );
        assert_eq!(
            need_session(None).unwrap_err().code,
            ErrorCode::MalformedMessage
        );
    }
}
