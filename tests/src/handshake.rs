//! One complete support session over the wire, playing both sides: the
//! technician issues a PIN, the customer joins, the technician starts it
//! from the queue, both relay signalling both ways, the customer leaves.
//! This is what the browsers do minus WebRTC itself, so it measures the
//! server alone.

use std::time::Duration;

use protocol::ws::EndReason;
use protocol::{ClientMessage, Role, ServerMessage, SessionId};
use serde_json::json;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::api::TechnicianClient;
use crate::console::Console;
use crate::{Result, socket};

/// How long any one step may take before the session counts as failed.
const STEP: Duration = Duration::from_secs(30);

/// What one session measured.
#[derive(Debug, Clone)]
pub struct Timings {
    /// From asking for a PIN to both sides holding `started`.
    pub handshake: Duration,
    /// One-way relay latency of each `signal` frame, both directions.
    pub relay: Vec<Duration>,
}

/// The technician issues a PIN and a customer socket joins with it (typed,
/// no link key); returns the customer's socket and the session.
pub async fn join_with_new_pin(
    ws_url: &str,
    technician: &TechnicianClient,
    customer_name: &str,
) -> Result<(socket::Socket, SessionId)> {
    let issued = technician.new_pin(None).await?;
    let mut customer = socket::connect(ws_url, Some(&technician.origin()), None).await?;
    customer
        .send(&ClientMessage::Join {
            pin: issued.pin.as_str().to_owned(),
            name: customer_name.to_owned(),
            key: None,
        })
        .await?;
    let id = customer
        .recv_until(STEP, |frame| match frame {
            ServerMessage::Joined { session, .. } => Some(session),
            _ => None,
        })
        .await
        .map_err(|e| format!("join: {e}"))?;
    Ok((customer, id))
}

/// Runs one session. `signals` frames go each way; `epoch` is the shared
/// clock that relay timestamps inside `data` are measured against.
pub async fn run_session(
    ws_url: &str,
    technician: &TechnicianClient,
    console: &Console,
    customer_name: &str,
    signals: usize,
    epoch: Instant,
) -> Result<Timings> {
    let begun = Instant::now();
    let (mut customer, id) = join_with_new_pin(ws_url, technician, customer_name).await?;

    let mut to_console = console.subscribe(id);
    let result = async {
        console.wait_in_queue(id, STEP).await?;
        console.send(&ClientMessage::Start { session: id })?;
        expect(&mut to_console, id, "started", |f| {
            matches!(f, ServerMessage::Started { .. })
        })
        .await?;
        customer
            .recv_until(STEP, |f| {
                matches!(f, ServerMessage::Started { .. }).then_some(())
            })
            .await
            .map_err(|e| format!("customer start: {e}"))?;
        let handshake = begun.elapsed();

        let mut relay = Vec::with_capacity(signals * 2);
        for seq in 0..signals {
            customer
                .send(&ClientMessage::Signal {
                    to: None,
                    session: None,
                    data: stamp(epoch, seq),
                })
                .await?;
            let data = expect_signal(&mut to_console, id, Role::Customer).await?;
            relay.push(since_stamp(epoch, &data)?);

            console.send(&ClientMessage::Signal {
                to: None,
                session: Some(id),
                data: stamp(epoch, seq),
            })?;
            let data = customer
                .recv_until(STEP, |f| match f {
                    ServerMessage::Signal {
                        from: Role::Technician,
                        data,
                        ..
                    } => Some(data),
                    _ => None,
                })
                .await
                .map_err(|e| format!("customer signal: {e}"))?;
            relay.push(since_stamp(epoch, &data)?);
        }

        customer
            .send(&ClientMessage::Leave { session: None })
            .await?;
        let reason = expect(&mut to_console, id, "ended", |f| {
            matches!(f, ServerMessage::Ended { .. })
        })
        .await?;
        if !matches!(
            reason,
            ServerMessage::Ended {
                reason: EndReason::CustomerLeft,
                ..
            }
        ) {
            return Err(format!("session {id} ended oddly: {reason:?}").into());
        }
        customer
            .recv_until(STEP, |f| {
                matches!(f, ServerMessage::Ended { .. }).then_some(())
            })
            .await?;
        Ok(Timings { handshake, relay })
    }
    .await;
    console.unsubscribe(id);
    result
}

/// `data` carrying the send time, as microseconds since `epoch`.
fn stamp(epoch: Instant, seq: usize) -> serde_json::Value {
    json!({ "seq": seq, "sent_us": epoch.elapsed().as_micros() as u64 })
}

fn since_stamp(epoch: Instant, data: &serde_json::Value) -> Result<Duration> {
    let sent = data["sent_us"]
        .as_u64()
        .ok_or("a relayed signal lost its timestamp")?;
    let now = epoch.elapsed().as_micros() as u64;
    Ok(Duration::from_micros(now.saturating_sub(sent)))
}

/// The next frame routed to this session, which must satisfy `ok`.
async fn expect(
    rx: &mut mpsc::UnboundedReceiver<ServerMessage>,
    id: SessionId,
    what: &str,
    ok: impl Fn(&ServerMessage) -> bool,
) -> Result<ServerMessage> {
    let frame = tokio::time::timeout(STEP, rx.recv())
        .await
        .map_err(|_| format!("session {id}: no {what} for the technician within {STEP:?}"))?
        .ok_or("the console socket closed")?;
    if ok(&frame) {
        Ok(frame)
    } else {
        Err(format!("session {id}: the technician expected {what}, got {frame:?}").into())
    }
}

async fn expect_signal(
    rx: &mut mpsc::UnboundedReceiver<ServerMessage>,
    id: SessionId,
    from: Role,
) -> Result<serde_json::Value> {
    match expect(rx, id, "signal", |f| {
        matches!(f, ServerMessage::Signal { .. })
    })
    .await?
    {
        ServerMessage::Signal {
            from: stamped,
            data,
            ..
        } if stamped == from => Ok(data),
        other => {
            Err(format!("session {id}: signal stamped with the wrong sender: {other:?}").into())
        }
    }
}
