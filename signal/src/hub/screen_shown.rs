//! The technician showing their own screen to the customer: only the
//! console running the session may say so, the report keeps each stretch,
//! and a start or stop that does not follow from the last one is refused.
//! The picture itself goes peer to peer; the server only keeps the record.

use protocol::{ErrorCode, SessionId};

use super::relay::console_session;
use super::{ConnId, Hub, Refusal};
use crate::store::Stretch;

impl Hub {
    /// The console started (`showing`) or stopped showing its screen.
    /// Saved before it counts: a step the disk refused leaves it as it was.
    pub async fn screen_shown(
        &self,
        technician: &str,
        conn: ConnId,
        id: SessionId,
        showing: bool,
    ) -> Result<(), Refusal> {
        let now = self.shared.config.clock.now();
        {
            let mut state = self.state();
            let session = console_session(&mut state, technician, conn, id)?;
            if session.screen_shown == showing {
                return Err(Refusal::new(ErrorCode::OutOfOrder)
                    .about(id)
                    .saying(if showing {
                        "Your screen is already being shown."
                    } else {
                        "Your screen is not being shown."
                    }));
            }
            // Taken now, so a second frame on its heels is refused.
            session.screen_shown = showing;
        }
        let saved = self
            .shared
            .db
            .call(move |store| {
                if showing {
                    store.stretch_started(Stretch::ScreenShown, id, now)
                } else {
                    store.stretch_stopped(Stretch::ScreenShown, id, now)
                }
            })
            .await;
        if let Err(e) = saved {
            if let Some(session) = self.state().sessions.get_mut(&id) {
                session.screen_shown = !showing;
            }
            return Err(Refusal::from(e).about(id));
        }
        Ok(())
    }
}
