//! Relaying WebRTC signalling between the two members of a session.
//!
//! The sender is whoever owns the socket, never what a frame claims: the
//! hub looks the session up from the socket's side and stamps `from`.

use protocol::{ErrorCode, Role, ServerMessage, SessionId};

use super::session::LiveSession;
use super::{ConnId, Hub, Refusal, State};

impl Hub {
    /// Customer → technician.
    pub fn relay_from_customer(
        &self,
        id: SessionId,
        conn: ConnId,
        data: serde_json::Value,
    ) -> Result<(), Refusal> {
        let mut state = self.state();
        let session = customer_session(&mut state, id, conn)?;
        let console = session.console.as_ref().ok_or_else(not_started)?;
        console.send(ServerMessage::Signal {
            session: id,
            from: Role::Customer,
            data,
        });
        Ok(())
    }

    /// Technician → customer.
    pub fn relay_from_console(
        &self,
        technician: &str,
        conn: ConnId,
        id: SessionId,
        data: serde_json::Value,
    ) -> Result<(), Refusal> {
        let mut state = self.state();
        let session = console_session(&mut state, technician, conn, id)?;
        session.customer.send(ServerMessage::Signal {
            session: id,
            from: Role::Technician,
            data,
        });
        Ok(())
    }
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
    state
        .sessions
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
