//! View only and Control: the technician switches, the server tells the
//! helper (which obeys nobody else on this), and the report keeps each
//! stretch of control.

use protocol::{ErrorCode, SessionId};

use super::super::relay::console_session;
use super::super::{ConnId, Hub, Refusal};
use super::tell_control_mode;
use crate::store::Stretch;

impl Hub {
    /// `control_mode` from the console running the session. Memory first,
    /// report after: switching to View only must work even when the disk
    /// does not, so it is never refused for a failed write.
    pub fn control_mode(
        &self,
        technician: &str,
        conn: ConnId,
        id: SessionId,
        controlling: bool,
    ) -> Result<(), Refusal> {
        let now = self.shared.config.clock.now();
        let mut state = self.state();
        let session = console_session(&mut state, technician, conn, id)?;
        if session.helper.socket.is_none() {
            return Err(no_helper(id));
        }
        // The same mode again changes nothing but is said again, so a
        // console that missed a frame gets back in step.
        if session.helper.controlling != controlling {
            session.helper.controlling = controlling;
            self.shared.db.spawn(move |store| {
                if controlling {
                    store.stretch_started(Stretch::Control, id, now)
                } else {
                    store.stretch_stopped(Stretch::Control, id, now)
                }
            });
        }
        tell_control_mode(session);
        Ok(())
    }
}

/// The console asked for the helper while none is connected.
pub(in crate::hub) fn no_helper(id: SessionId) -> Refusal {
    Refusal::new(ErrorCode::OutOfOrder)
        .about(id)
        .saying("No Lifeline Helper is connected")
}
