//! Consent: the technician asks, the customer answers, silence is a no.
//!
//! Every step is written to the report, so it can later show exactly what
//! the customer agreed to and when.

use protocol::api::ConsentEventKind;
use protocol::limits::CONSENT_TIMEOUT_SECS;
use protocol::ws::{ConsentOutcome, ConsentScope};
use protocol::{ErrorCode, ServerMessage, SessionId};
use time::OffsetDateTime;

use super::relay::{console_session, customer_session};
use super::session::{LiveSession, PendingConsent};
use super::{ConnId, Hub, Refusal};

impl Hub {
    /// The technician asks for permission.
    pub fn request_consent(
        &self,
        technician: &str,
        conn: ConnId,
        id: SessionId,
        scope: ConsentScope,
    ) -> Result<(), Refusal> {
        let now = self.shared.config.clock.now();
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
        self.shared
            .store
            .add_consent_event(id, now, scope, ConsentEventKind::Requested)?;
        let deadline = now + time::Duration::seconds(CONSENT_TIMEOUT_SECS as i64);
        session.pending_consent = Some(PendingConsent { scope, deadline });
        session.customer.send(ServerMessage::ConsentRequest {
            session: id,
            scope,
            technician: session.technician.clone(),
            expires_at: deadline,
        });
        Ok(())
    }

    /// The customer answers the pending request.
    pub fn answer_consent(
        &self,
        id: SessionId,
        conn: ConnId,
        scope: ConsentScope,
        allowed: bool,
    ) -> Result<(), Refusal> {
        let now = self.shared.config.clock.now();
        let mut state = self.state();
        let session = customer_session(&mut state, id, conn)?;
        match session.pending_consent {
            Some(p) if p.scope == scope => {}
            _ => {
                return Err(
                    Refusal::new(ErrorCode::OutOfOrder).saying("There is no request to answer.")
                );
            }
        }
        session.pending_consent = None;
        let (kind, outcome) = if allowed {
            session.sharing.push(scope);
            (ConsentEventKind::Allowed, ConsentOutcome::Allowed)
        } else {
            (ConsentEventKind::Denied, ConsentOutcome::Denied)
        };
        self.shared.store.add_consent_event(id, now, scope, kind)?;
        tell_both(session, scope, outcome);
        Ok(())
    }

    /// The customer stopped sharing (Stop sharing, the browser's own stop
    /// button, or a cancelled picker).
    pub fn share_stopped(
        &self,
        id: SessionId,
        conn: ConnId,
        scope: ConsentScope,
    ) -> Result<(), Refusal> {
        let now = self.shared.config.clock.now();
        let mut state = self.state();
        let session = customer_session(&mut state, id, conn)?;
        let Some(pos) = session.sharing.iter().position(|s| *s == scope) else {
            return Err(Refusal::new(ErrorCode::OutOfOrder).saying("Nothing is being shared."));
        };
        session.sharing.remove(pos);
        self.shared
            .store
            .add_consent_event(id, now, scope, ConsentEventKind::Stopped)?;
        tell_both(session, scope, ConsentOutcome::Stopped);
        Ok(())
    }

    /// Turns every request older than its deadline into a refusal.
    pub(super) fn expire_consents(&self, now: OffsetDateTime) {
        let mut state = self.state();
        for session in state.sessions.values_mut() {
            let Some(pending) = session.pending_consent else {
                continue;
            };
            if now < pending.deadline {
                continue;
            }
            session.pending_consent = None;
            if let Err(e) = self.shared.store.add_consent_event(
                session.id,
                now,
                pending.scope,
                ConsentEventKind::TimedOut,
            ) {
                tracing::error!(session = %session.id, "could not record a consent timeout: {e}");
            }
            tell_both(session, pending.scope, ConsentOutcome::TimedOut);
        }
    }
}

fn tell_both(session: &LiveSession, scope: ConsentScope, outcome: ConsentOutcome) {
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
