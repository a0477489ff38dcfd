//! Every way the helper's part ends: the customer's Stop control, the
//! helper's socket closing (or the helper saying `leave`), and the
//! session's end. Each closes the control period, tells whoever is still
//! there, and closes the helper's socket. These are facts, so memory
//! changes first and the report follows through the database thread.

use protocol::api::ConsentEventKind;
use protocol::ws::{ConsentOutcome, ConsentScope, HelperStatus};
use protocol::{ServerMessage, SessionId};
use time::OffsetDateTime;

use super::super::consent::tell_both;
use super::super::session::LiveSession;
use super::super::{CloseCause, ConnId, Hub};
use super::{Tickets, tell_browsers, tell_control_mode};
use crate::store::Stretch;

impl Hub {
    /// The helper's socket closed, or the helper said `leave`: both
    /// browsers hear it left, and the permission it was there for ends.
    pub fn helper_gone(&self, id: SessionId, conn: ConnId) {
        let now = self.shared.config.clock.now();
        let mut state = self.state();
        let Some(session) = state.sessions.get_mut(&id).filter(|s| s.helper.is(conn)) else {
            return;
        };
        self.detach_helper(session, now, None);
        let scope = ConsentScope::RemoteControl;
        if session.sharing.contains(&scope) {
            session.sharing.retain(|s| *s != scope);
            self.shared.db.spawn(move |store| {
                store.add_consent_event(id, now, scope, ConsentEventKind::Stopped)
            });
            tell_both(session, scope, ConsentOutcome::Stopped);
        }
        tracing::info!(session = %id, "helper left");
    }

    /// The customer's Stop control, already saved and told to both
    /// browsers: an unused offer is worth nothing now, and a connected
    /// helper hears the same `consent` frame and is let go.
    pub(in crate::hub) fn control_stopped_by_customer(
        &self,
        tokens: &mut Tickets,
        session: &mut LiveSession,
        now: OffsetDateTime,
    ) {
        revoke_offer(tokens, session);
        let stopped = ServerMessage::Consent {
            session: session.id,
            scope: ConsentScope::RemoteControl,
            outcome: ConsentOutcome::Stopped,
        };
        self.detach_helper(session, now, Some(stopped));
    }

    /// The session ended (already out of the hub's map, both browsers told
    /// `ended`): the helper hears it too and is let go. The caller closes
    /// the control period with the rest of the report.
    pub(in crate::hub) fn session_ended_for_helper(
        tokens: &mut Tickets,
        session: &mut LiveSession,
        ended: &ServerMessage,
    ) {
        revoke_offer(tokens, session);
        if let Some(helper) = session.helper.socket.take() {
            helper.send(ended.clone());
            helper.close_because(CloseCause::Finished);
        }
    }

    /// Lets the helper go: its control period closes, it is sent `last`
    /// (if it is still there to read it) and its socket is closed, and the
    /// browsers hear that control is off and the helper left.
    fn detach_helper(
        &self,
        session: &mut LiveSession,
        now: OffsetDateTime,
        last: Option<ServerMessage>,
    ) {
        let Some(helper) = session.helper.socket.take() else {
            return;
        };
        if let Some(msg) = last {
            helper.send(msg);
        }
        helper.close_because(CloseCause::Finished);
        if session.helper.controlling {
            session.helper.controlling = false;
            let id = session.id;
            self.shared
                .db
                .spawn(move |store| store.stretch_stopped(Stretch::Control, id, now));
            tell_control_mode(session);
        }
        tell_browsers(session, HelperStatus::Left, None);
    }
}

/// The session's standing offer, if any, is worth nothing any more.
fn revoke_offer(tokens: &mut Tickets, session: &mut LiveSession) {
    if let Some(ticket) = session.helper.ticket.take() {
        tokens.revoke(ticket);
    }
}
