//! The comparison's handshake against peerjs-server: two peers, the
//! technician and the customer, through the same signalling as the Lifeline
//! session.
//!
//! peerjs-server pairs nobody: a client opens
//! `/peerjs?key=K&id=ID&token=T` with an id of its choosing and gets
//! `{"type":"OPEN"}`; from then on it sends `{"type":"OFFER"|"ANSWER"|
//! "CANDIDATE"|"LEAVE","dst":<peer id>,"payload":...}` and the server
//! forwards `{type, src, dst, payload}` to the socket registered under
//! `dst` (holding it for a while if none is). So there is no PIN, no queue
//! and no `start`: whoever knows an id can signal it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::json_socket::JsonSocket;
use super::payload::{self, SCRIPT, Side};
use crate::Result;
use crate::peerjs;

/// How long any one step may take before the session counts as failed.
const STEP: Duration = Duration::from_secs(30);

/// Ids must not repeat on one server while a socket with the old one
/// might still be closing, so they come from a process-wide counter.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// Runs one session against the server whose endpoint is `ws_base`
/// ([`peerjs::PeerjsServer::ws_base`]); returns the one-way relay time of
/// each frame of [`SCRIPT`].
pub async fn run(ws_base: &str, epoch: Instant) -> Result<Vec<Duration>> {
    let n = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let (tech_id, customer_id) = (format!("tech-{n}"), format!("customer-{n}"));
    let mut technician = open(ws_base, &tech_id, &format!("t{n:x}")).await?;
    let mut customer = open(ws_base, &customer_id, &format!("c{n:x}")).await?;

    let mut relay = Vec::with_capacity(SCRIPT.len());
    for (side, frame) in SCRIPT {
        let (sender, receiver, src, dst) = match side {
            Side::Technician => (&mut technician, &mut customer, &tech_id, &customer_id),
            Side::Customer => (&mut customer, &mut technician, &customer_id, &tech_id),
        };
        let kind = frame.peerjs_type();
        sender
            .send(&json!({ "type": kind, "dst": dst, "payload": payload::data(frame, epoch) }))
            .await?;
        let data = receiver
            .recv_until(STEP, |mut m| {
                refuse_errors(&m)?;
                Ok((m["type"] == kind && m["src"] == src.as_str()).then(|| m["payload"].take()))
            })
            .await
            .map_err(|e| format!("{frame:?} from {src}: {e}"))?;
        relay.push(payload::latency(epoch, &data)?);
    }

    // What ends a peerjs call: the customer tells the technician it left.
    customer
        .send(&json!({ "type": "LEAVE", "dst": tech_id }))
        .await?;
    technician
        .recv_until(STEP, |m| {
            refuse_errors(&m)?;
            Ok((m["type"] == "LEAVE" && m["src"] == customer_id.as_str()).then_some(()))
        })
        .await
        .map_err(|e| format!("LEAVE: {e}"))?;
    let (a, b) = tokio::join!(customer.close(STEP), technician.close(STEP));
    a.and(b)?;
    Ok(relay)
}

/// Opens the peer `id` and waits for the server's `OPEN`.
pub async fn open(ws_base: &str, id: &str, token: &str) -> Result<JsonSocket> {
    let mut socket = JsonSocket::connect(&peerjs::peer_url(ws_base, id, token), None).await?;
    socket
        .recv_until(STEP, |m| {
            refuse_errors(&m)?;
            Ok((m["type"] == "OPEN").then_some(()))
        })
        .await
        .map_err(|e| format!("peer {id} got no OPEN: {e}"))?;
    Ok(socket)
}

/// peerjs-server's refusals (`ERROR`, `ID-TAKEN`, `EXPIRE`) as errors.
fn refuse_errors(message: &Value) -> Result<()> {
    match message["type"].as_str() {
        Some(kind @ ("ERROR" | "ID-TAKEN" | "EXPIRE")) => {
            Err(format!("peerjs-server answered {kind}: {}", message["payload"]).into())
        }
        _ => Ok(()),
    }
}
