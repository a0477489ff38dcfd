//! The comparison's handshake against Lifeline: two sockets, the
//! technician's console and the customer, through one whole session.
//!
//! Unlike peerjs-server, Lifeline pairs the two by a PIN: the technician
//! asks for one over HTTP, the customer joins with it, the console sees the
//! customer in its queue and sends `start`, and both get `started`. Only
//! then does signalling flow, as `signal` frames; the customer's `leave`
//! ends it. Each session opens its own console (with the technician's
//! login cookie), so the session costs the server two sockets, as it does
//! for peerjs-server.

use std::time::Duration;

use protocol::ws::{EndReason, SessionStatus};
use protocol::{ClientMessage, Role, ServerMessage};
use tokio::time::Instant;

use super::payload::{self, SCRIPT, Side};
use crate::api::TechnicianClient;
use crate::{Result, socket};

/// How long any one step may take before the session counts as failed.
const STEP: Duration = Duration::from_secs(30);

/// Runs one session for `technician`; returns the one-way relay time of
/// each frame of [`SCRIPT`].
pub async fn run(
    ws_url: &str,
    technician: &TechnicianClient,
    customer_name: &str,
    epoch: Instant,
) -> Result<Vec<Duration>> {
    let origin = technician.origin();
    let cookie = technician
        .cookie()
        .ok_or("the technician has no login cookie")?;
    let mut console = socket::connect(ws_url, Some(&origin), Some(&cookie)).await?;
    console
        .recv_until(STEP, |f| {
            matches!(f, ServerMessage::Welcome { .. }).then_some(())
        })
        .await
        .map_err(|e| format!("console welcome: {e}"))?;

    let (mut customer, id) =
        crate::handshake::join_with_new_pin(ws_url, technician, customer_name).await?;

    console
        .recv_until(STEP, |f| match f {
            ServerMessage::Queue { sessions } => sessions
                .iter()
                .any(|e| e.id == id && e.status == SessionStatus::Waiting)
                .then_some(()),
            ServerMessage::QueueUpdate { session } => {
                (session.id == id && session.status == SessionStatus::Waiting).then_some(())
            }
            _ => None,
        })
        .await
        .map_err(|e| format!("queue: {e}"))?;
    console.send(&ClientMessage::Start { session: id }).await?;
    console
        .recv_until(STEP, |f| match f {
            ServerMessage::Started { session, .. } if session == id => Some(()),
            _ => None,
        })
        .await
        .map_err(|e| format!("console start: {e}"))?;
    customer
        .recv_until(STEP, |f| {
            matches!(f, ServerMessage::Started { .. }).then_some(())
        })
        .await
        .map_err(|e| format!("customer start: {e}"))?;

    let mut relay = Vec::with_capacity(SCRIPT.len());
    for (side, frame) in SCRIPT {
        let (sender, receiver, session, from) = match side {
            Side::Technician => (&mut console, &mut customer, Some(id), Role::Technician),
            Side::Customer => (&mut customer, &mut console, None, Role::Customer),
        };
        sender
            .send(&ClientMessage::Signal {
                session,
                to: None,
                data: payload::data(frame, epoch),
            })
            .await?;
        let data = receiver
            .recv_until(STEP, |f| match f {
                ServerMessage::Signal { from: f, data, .. } if f == from => Some(data),
                _ => None,
            })
            .await
            .map_err(|e| format!("{frame:?} from {from:?}: {e}"))?;
        relay.push(payload::latency(epoch, &data)?);
    }

    customer
        .send(&ClientMessage::Leave { session: None })
        .await?;
    let reason = console
        .recv_until(STEP, |f| match f {
            ServerMessage::Ended { session, reason } if session == id => Some(reason),
            _ => None,
        })
        .await
        .map_err(|e| format!("console end: {e}"))?;
    if reason != EndReason::CustomerLeft {
        return Err(format!("session {id} ended oddly: {reason:?}").into());
    }
    customer
        .recv_until(STEP, |f| {
            matches!(f, ServerMessage::Ended { .. }).then_some(())
        })
        .await
        .map_err(|e| format!("customer end: {e}"))?;
    let (a, b) = tokio::join!(customer.close(STEP), console.close(STEP));
    a.and(b)?;
    Ok(relay)
}
