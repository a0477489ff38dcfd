//! What the hub knows about recordings: which console may record a
//! session, and telling both sides when recording starts and stops. The
//! files themselves are `crate::recordings`'.

use protocol::{ErrorCode, ServerMessage, SessionId};

use super::{Hub, Refusal};

impl Hub {
    /// The login of the console running `id`, when `technician` may record
    /// it: the session is theirs, open and started. Recording is for the
    /// console that runs the session, not any window signed in as them.
    pub fn recording_console(&self, technician: &str, id: SessionId) -> Result<String, Refusal> {
        let state = self.state();
        let session = state
            .sessions
            .get(&id)
            .filter(|s| s.technician == technician)
            .ok_or_else(|| Refusal::new(ErrorCode::SessionNotFound).about(id))?;
        let console = session.console.as_ref().ok_or_else(|| {
            Refusal::new(ErrorCode::OutOfOrder)
                .about(id)
                .saying("Start the session before recording it.")
        })?;
        state
            .consoles
            .get(technician)
            .and_then(|all| all.iter().find(|c| c.outbox.conn == console.conn))
            .map(|c| c.login.clone())
            .ok_or_else(|| Refusal::new(ErrorCode::SessionNotFound).about(id))
    }

    /// Tells both sides of an open session whether it is being recorded.
    pub fn tell_recording(&self, id: SessionId, active: bool) {
        let state = self.state();
        let Some(session) = state.sessions.get(&id) else {
            return;
        };
        let msg = ServerMessage::Recording {
            session: id,
            active,
        };
        session.customer.send(msg.clone());
        if let Some(console) = &session.console {
            console.send(msg);
        }
    }
}
