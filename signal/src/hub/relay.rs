//! Relaying WebRTC signalling between the members of a session: the
//! customer's browser and the console, and, for remote control, the
//! Lifeline Helper and the console. The customer's browser and the helper
//! never hear each other.
//!
//! The sender is whoever owns the socket, never what a frame claims: the
//! hub looks the session up from the socket's side and stamps `from`.

use std::collections::HashMap;

use protocol::{ErrorCode, Role, SessionId};
use serde_json::value::RawValue;

use super::session::LiveSession;
use super::{ConnId, Frame, Hub, Refusal, State};

impl Hub {
    /// Customer → technician.
    pub fn relay_from_customer(
        &self,
        id: SessionId,
        conn: ConnId,
        data: &RawValue,
    ) -> Result<(), Refusal> {
        let frame = signal_frame(id, Role::Customer, data);
        let console = {
            let mut state = self.state();
            let session = customer_session(&mut state, id, conn)?;
            session.console.clone().ok_or_else(not_started)?
        };
        console.send_frame(frame);
        Ok(())
    }

    /// Technician → customer.
    pub fn relay_from_console(
        &self,
        technician: &str,
        conn: ConnId,
        id: SessionId,
        data: &RawValue,
    ) -> Result<(), Refusal> {
        let frame = signal_frame(id, Role::Technician, data);
        let customer = {
            let mut state = self.state();
            console_session(&mut state, technician, conn, id)?
                .customer
                .clone()
        };
        customer.send_frame(frame);
        Ok(())
    }

    /// Technician → helper (`to: "helper"`).
    pub fn relay_to_helper(
        &self,
        technician: &str,
        conn: ConnId,
        id: SessionId,
        data: &RawValue,
    ) -> Result<(), Refusal> {
        let frame = signal_frame(id, Role::Technician, data);
        let helper = {
            let mut state = self.state();
            console_session(&mut state, technician, conn, id)?
                .helper
                .socket
                .clone()
                .ok_or_else(|| super::helper::no_helper(id))?
        };
        helper.send_frame(frame);
        Ok(())
    }

    /// Helper → the console running its session, stamped `from: "helper"`.
    pub fn relay_from_helper(
        &self,
        id: SessionId,
        conn: ConnId,
        data: &RawValue,
    ) -> Result<(), Refusal> {
        let frame = signal_frame(id, Role::Helper, data);
        let console = {
            let mut state = self.state();
            super::helper::helper_session(&mut state, id, conn)?
                .console
                .clone()
                .ok_or_else(not_started)?
        };
        console.send_frame(frame);
        Ok(())
    }
}

/// The relayed `signal` frame, written around the sender's `data` text
/// as it came (already checked to be JSON): the server never parses SDP.
/// Built before taking the lock, which it then holds only to look up:
/// the write itself happens after the lock is released.
fn signal_frame(session: SessionId, from: Role, data: &RawValue) -> Frame {
    let from = from.as_str();
    Frame::from_json_text(format!(
        r#"{{"type":"signal","session":{},"from":"{from}","data":{}}}"#,
        session.0,
        data.get()
    ))
}

fn not_started() -> Refusal {
    Refusal::new(ErrorCode::OutOfOrder).saying("The technician has not started the session yet.")
}

/// The customer's own session, if this socket is its customer.
pub(super) fn customer_session(
    state: &mut State,
    id: SessionId,
    conn: ConnId,
) -> Result<&mut LiveSession, Refusal> {
    customer_session_in(&mut state.sessions, id, conn)
}

/// [`customer_session`] when other parts of the state are borrowed too.
pub(super) fn customer_session_in(
    sessions: &mut HashMap<SessionId, LiveSession>,
    id: SessionId,
    conn: ConnId,
) -> Result<&mut LiveSession, Refusal> {
    sessions
        .get_mut(&id)
        .filter(|s| s.customer.conn == conn)
        .ok_or_else(|| Refusal::new(ErrorCode::SessionNotFound))
}

/// A started session run by this very console socket.
pub(super) fn console_session<'a>(
    state: &'a mut State,
    technician: &str,
    conn: ConnId,
    id: SessionId,
) -> Result<&'a mut LiveSession, Refusal> {
    let session = state
        .sessions
        .get_mut(&id)
        .filter(|s| s.technician == technician)
        .ok_or_else(|| Refusal::new(ErrorCode::SessionNotFound).about(id))?;
    if session.console.is_none() {
        return Err(Refusal::new(ErrorCode::OutOfOrder)
            .about(id)
            .saying("Start the session first."));
    }
    if !session.is_console(conn) {
        return Err(Refusal::new(ErrorCode::OutOfOrder)
            .about(id)
            .saying("This session is running in another console window."));
    }
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::ServerMessage;

    #[test]
    fn a_relayed_frame_is_the_typed_message() {
        let data =
            RawValue::from_string(r#"{"sdp":"v=0\r\n","candidates":[1,2.5]}"#.into()).unwrap();
        let frame = signal_frame(SessionId(7), Role::Customer, &data);
        let parsed: ServerMessage = serde_json::from_str(frame.text().as_str()).unwrap();
        assert_eq!(
            parsed,
            ServerMessage::Signal {
                session: SessionId(7),
                from: Role::Customer,
                data: serde_json::from_str(data.get()).unwrap(),
            }
        );
    }
}
