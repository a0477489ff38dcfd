//! Consent: the technician asks, the customer answers, silence is a no.
//!
//! Every step is written to the report before anyone is told of it, so the
//! report shows exactly what the customer agreed to and when; a step that
//! cannot be saved is refused and leaves the session as it was.

use protocol::api::ConsentEventKind;
use protocol::limits::CONSENT_TIMEOUT_SECS;
use protocol::ws::{ConsentOutcome, ConsentScope};
use protocol::{ErrorCode, ServerMessage, SessionId};
use time::OffsetDateTime;

use super::helper::{available_platforms, offer};
use super::relay::{console_session, customer_session, customer_session_in};
use super::session::{LiveSession, PendingConsent};
use super::{ConnId, Hub, Refusal};

impl Hub {
    /// The technician asks for permission.
    pub async fn request_consent(
        &self,
        technician: &str,
        conn: ConnId,
        id: SessionId,
        scope: ConsentScope,
    ) -> Result<(), Refusal> {
        let now = self.shared.config.clock.now();
        let deadline = now + time::Duration::seconds(CONSENT_TIMEOUT_SECS as i64);
        {
            let mut state = self.state();
            let session = console_session(&mut state, technician, conn, id)?;
            if session.pending_consent.is_some() {
                return Err(Refusal::new(ErrorCode::OutOfOrder)
                    .about(id)
                    .saying("The customer has not answered the previous request yet."));
            }
            if session.sharing.contains(&scope) {
                return Err(Refusal::new(ErrorCode::OutOfOrder)
                    .about(id)
                    .saying("The customer is already sharing."));
            }
            // Reserved now, so a second request waits for this one.
            session.pending_consent = Some(PendingConsent {
                scope,
                deadline,
                asked: false,
            });
        }
        let saved = self
            .shared
            .db
            .call(move |store| store.add_consent_event(id, now, scope, ConsentEventKind::Requested))
            .await;
        let mut state = self.state();
        let Some(session) = state.sessions.get_mut(&id) else {
            return Err(Refusal::new(ErrorCode::SessionNotFound).about(id));
        };
        if let Err(e) = saved {
            session.pending_consent = None;
            return Err(Refusal::from(e).about(id));
        }
        if let Some(pending) = &mut session.pending_consent {
            pending.asked = true;
        }
        session.customer.send(ServerMessage::ConsentRequest {
            session: id,
            scope,
            technician: session.technician.clone(),
            expires_at: deadline,
        });
        Ok(())
    }

    /// The customer answers the pending request.
    pub async fn answer_consent(
        &self,
        id: SessionId,
        conn: ConnId,
        scope: ConsentScope,
        allowed: bool,
    ) -> Result<(), Refusal> {
        let now = self.shared.config.clock.now();
        let pending = {
            let mut state = self.state();
            let session = customer_session(&mut state, id, conn)?;
            match session.pending_consent {
                Some(p) if p.scope == scope && p.asked => {}
                _ => {
                    return Err(Refusal::new(ErrorCode::OutOfOrder)
                        .saying("There is no request to answer."));
                }
            }
            // Taken now, so the timeout cannot also answer it.
            session.pending_consent.take()
        };
        let (kind, outcome) = if allowed {
            (ConsentEventKind::Allowed, ConsentOutcome::Allowed)
        } else {
            (ConsentEventKind::Denied, ConsentOutcome::Denied)
        };
        let saved = self
            .shared
            .db
            .call(move |store| store.add_consent_event(id, now, scope, kind))
            .await;
        // Looked up before taking the lock: the folder is on disk.
        let offer_helper = allowed && scope == ConsentScope::RemoteControl;
        let platforms = if offer_helper {
            available_platforms(self.shared.config.helper_dir.as_deref()).await
        } else {
            Vec::new()
        };
        let mut state = self.state();
        let Some(session) = state.sessions.get_mut(&id) else {
            return Err(Refusal::new(ErrorCode::SessionNotFound));
        };
        if let Err(e) = saved {
            // Still unanswered: the customer may try again.
            session.pending_consent = pending;
            return Err(e.into());
        }
        if allowed {
            session.sharing.push(scope);
        }
        tell_both(session, scope, outcome);
        if offer_helper {
            offer(&mut state, id, now, &platforms);
        }
        Ok(())
    }

    /// The customer stopped sharing (Stop sharing, the browser's own stop
    /// button, or a cancelled picker).
    pub async fn share_stopped(
        &self,
        id: SessionId,
        conn: ConnId,
        scope: ConsentScope,
    ) -> Result<(), Refusal> {
        let now = self.shared.config.clock.now();
        if scope == ConsentScope::RemoteControl {
            return self.stop_control(id, conn, now);
        }
        {
            let mut state = self.state();
            let session = customer_session(&mut state, id, conn)?;
            let Some(pos) = session.sharing.iter().position(|s| *s == scope) else {
                return Err(Refusal::new(ErrorCode::OutOfOrder).saying("Nothing is being shared."));
            };
            session.sharing.remove(pos);
        }
        let saved = self
            .shared
            .db
            .call(move |store| store.add_consent_event(id, now, scope, ConsentEventKind::Stopped))
            .await;
        let mut state = self.state();
        let Some(session) = state.sessions.get_mut(&id) else {
            return Err(Refusal::new(ErrorCode::SessionNotFound));
        };
        if let Err(e) = saved {
            session.sharing.push(scope);
            return Err(e.into());
        }
        tell_both(session, scope, ConsentOutcome::Stopped);
        Ok(())
    }

    /// The customer's Stop control. Unlike the other scopes it is never
    /// refused for a failed write: control ends in memory at once, and the
    /// report follows (a full disk must not keep someone in control of the
    /// customer's computer).
    fn stop_control(
        &self,
        id: SessionId,
        conn: ConnId,
        now: OffsetDateTime,
    ) -> Result<(), Refusal> {
        let scope = ConsentScope::RemoteControl;
        let mut guard = self.state();
        let state = &mut *guard;
        let session = customer_session_in(&mut state.sessions, id, conn)?;
        if !session.sharing.contains(&scope) {
            return Err(Refusal::new(ErrorCode::OutOfOrder).saying("Nothing is being shared."));
        }
        session.sharing.retain(|s| *s != scope);
        self.shared
            .db
            .spawn(move |store| store.add_consent_event(id, now, scope, ConsentEventKind::Stopped));
        tell_both(session, scope, ConsentOutcome::Stopped);
        self.control_stopped_by_customer(&mut state.helper_tokens, session, now);
        Ok(())
    }

    /// Turns every request older than its deadline into a refusal. The
    /// timeout is a fact whatever the disk says: memory first, report after.
    pub(super) fn expire_consents(&self, now: OffsetDateTime) {
        let mut state = self.state();
        for session in state.sessions.values_mut() {
            let Some(pending) = session.pending_consent else {
                continue;
            };
            if !pending.asked || now < pending.deadline {
                continue;
            }
            session.pending_consent = None;
            let (id, scope) = (session.id, pending.scope);
            self.shared.db.spawn(move |store| {
                store.add_consent_event(id, now, scope, ConsentEventKind::TimedOut)
            });
            tell_both(session, pending.scope, ConsentOutcome::TimedOut);
        }
    }
}

pub(super) fn tell_both(session: &LiveSession, scope: ConsentScope, outcome: ConsentOutcome) {
    let msg = ServerMessage::Consent {
        session: session.id,
        scope,
        outcome,
    };
    session.customer.send(msg.clone());
    if let Some(console) = &session.console {
        console.send(msg);
    }
}
