//! Starting and ending sessions, and sockets going away.

use protocol::api::SessionReport;
use protocol::ws::EndReason;
use protocol::{ErrorCode, ServerMessage, SessionId};

use super::{ConnId, Hub, Outbox, Refusal};
use crate::store::Stretch;

impl Hub {
    /// A technician picks a waiting session from the queue. The session is
    /// reserved for this console at once (a second console's Start is
    /// refused), saved, and only then are both sides told.
    pub async fn start(
        &self,
        technician: &str,
        console: &Outbox,
        id: SessionId,
    ) -> Result<(), Refusal> {
        let now = self.shared.config.clock.now();
        {
            let mut state = self.state();
            let session = state
                .sessions
                .get_mut(&id)
                .filter(|s| s.technician == technician)
                .ok_or_else(|| Refusal::new(ErrorCode::SessionNotFound).about(id))?;
            if session.console.is_some() {
                return Err(Refusal::new(ErrorCode::OutOfOrder)
                    .about(id)
                    .saying("This session has already been started."));
            }
            session.console = Some(console.clone());
        }
        let saved = self
            .shared
            .db
            .call(move |store| store.mark_started(id, now))
            .await;
        let mut state = self.state();
        let Some(session) = state.sessions.get_mut(&id) else {
            // It ended while being saved (the customer left): nothing to tell.
            return Err(Refusal::new(ErrorCode::SessionNotFound).about(id));
        };
        if let Err(e) = saved {
            session.console = None;
            return Err(Refusal::from(e).about(id));
        }
        let started = ServerMessage::Started {
            session: id,
            technician: session.technician.clone(),
            customer: session.customer_name.clone(),
            ice_servers: self.shared.config.ice_servers.clone(),
        };
        session.customer.send(started.clone());
        console.send(started);
        self.push_entry(&state, technician, id);
        self.shared.metrics.sessions_started.inc();
        tracing::info!(session = %id, technician, "session started");
        Ok(())
    }

    /// The customer pressed Disconnect.
    pub fn customer_leaves(&self, id: SessionId, conn: ConnId) {
        if self.customer_owns(id, conn) {
            self.end(id, EndReason::CustomerLeft);
        }
    }

    /// The customer's socket closed.
    pub fn customer_gone(&self, id: SessionId, conn: ConnId) {
        if self.customer_owns(id, conn) {
            self.end(id, EndReason::CustomerDisconnected);
        }
    }

    /// The technician pressed End session (or dismissed a waiting one).
    pub fn technician_leaves(
        &self,
        technician: &str,
        conn: ConnId,
        id: SessionId,
    ) -> Result<(), Refusal> {
        {
            let state = self.state();
            let session = state
                .sessions
                .get(&id)
                .filter(|s| s.technician == technician)
                .ok_or_else(|| Refusal::new(ErrorCode::SessionNotFound).about(id))?;
            if session.console.is_some() && !session.is_console(conn) {
                return Err(Refusal::new(ErrorCode::OutOfOrder)
                    .about(id)
                    .saying("This session is running in another console window."));
            }
        }
        self.end(id, EndReason::TechnicianLeft);
        Ok(())
    }

    /// A console socket closed: sessions it was running end; waiting ones
    /// stay in the queue for the technician's other consoles.
    pub fn console_gone(&self, technician: &str, conn: ConnId) {
        let running: Vec<SessionId> = {
            let mut state = self.state();
            if let Some(consoles) = state.consoles.get_mut(technician) {
                consoles.retain(|c| c.outbox.conn != conn);
                if consoles.is_empty() {
                    state.consoles.remove(technician);
                }
            }
            state
                .sessions
                .values()
                .filter(|s| s.is_console(conn))
                .map(|s| s.id)
                .collect()
        };
        for id in running {
            self.end(id, EndReason::TechnicianDisconnected);
        }
    }

    /// Ends a session: both sides (and its helper) told, queue updated,
    /// report written. The
    /// end is a fact (a socket is gone), so memory changes first and the
    /// report follows through the database thread, after every earlier
    /// write about the session.
    pub(super) fn end(&self, id: SessionId, reason: EndReason) {
        let now = self.shared.config.clock.now();
        let mut state = self.state();
        let Some(mut session) = state.sessions.remove(&id) else {
            return;
        };
        // Sharing ends with the session, and control with it; the report
        // should say so.
        let sharing = session.sharing.clone();
        let controlled = session.helper.socket.is_some();
        self.shared.db.spawn(move |store| {
            if controlled {
                store.stretch_stopped(Stretch::Control, id, now)?;
            }
            for scope in sharing {
                store.add_consent_event(
                    id,
                    now,
                    scope,
                    protocol::api::ConsentEventKind::Stopped,
                )?;
            }
            store.mark_ended(id, now, reason)
        });
        let ended = ServerMessage::Ended {
            session: id,
            reason,
        };
        session.customer.send(ended.clone());
        if let Some(console) = &session.console {
            console.send(ended.clone());
        }
        Hub::session_ended_for_helper(&mut state.helper_tokens, &mut session, &ended);
        self.push_entry(&state, &session.technician, id);
        self.shared.metrics.session_ended(reason);
        tracing::info!(session = %id, reason = reason.as_str(), "session ended");
    }

    /// Replaces a session's notes (during or after it): saved first.
    pub async fn update_notes(
        &self,
        technician: &str,
        id: SessionId,
        notes: &str,
    ) -> Result<SessionReport, Refusal> {
        super::pins::check_notes(notes)?;
        let (who, text) = (technician.to_owned(), notes.to_owned());
        let report = self
            .shared
            .db
            .call(move |store| store.update_notes(id, &who, &text))
            .await?
            .ok_or_else(|| Refusal::new(ErrorCode::SessionNotFound).about(id))?;
        let mut state = self.state();
        if let Some(session) = state.sessions.get_mut(&id) {
            session.notes = notes.to_owned();
            self.push_entry(&state, technician, id);
        }
        Ok(report)
    }

    fn customer_owns(&self, id: SessionId, conn: ConnId) -> bool {
        self.state()
            .sessions
            .get(&id)
            .is_some_and(|s| s.customer.conn == conn)
    }
}
