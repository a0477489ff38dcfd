//! What each side's frames do: signalling routed to the right member of
//! the session, a helper's join, and every other message handed to the
//! hub, or refused with a sentence saying why.

use protocol::{ClientMessage, ErrorCode, Role, SessionId};
use serde_json::value::RawValue;

use super::connection::{CLOSE_NORMAL, CLOSE_POLICY, Connection, Flow, Side};
use crate::hub::{Joined, Refusal};

impl Connection {
    /// Relays signalling to the member of the sender's session it is for:
    /// the console's to the customer's browser, or to the helper with
    /// `to: "helper"`; the browser's and the helper's to the console.
    pub(super) fn signal(
        &mut self,
        session: Option<SessionId>,
        to: Option<Role>,
        data: &RawValue,
    ) -> Result<(), Refusal> {
        let conn = self.outbox.conn;
        match &self.side {
            Side::Customer(id) => {
                check_own(*id, session)?;
                only_to_the_technician(to)?;
                self.hub.relay_from_customer(*id, conn, data)
            }
            Side::Helper(id) => {
                check_own(*id, session)?;
                only_to_the_technician(to)?;
                self.hub.relay_from_helper(*id, conn, data)
            }
            Side::Console(t) => {
                let t = t.clone();
                self.touch(&t);
                let id = need_session(session)?;
                match to {
                    None | Some(Role::Customer) => {
                        self.hub.relay_from_console(&t.username, conn, id, data)
                    }
                    Some(Role::Helper) => self.hub.relay_to_helper(&t.username, conn, id, data),
                    Some(Role::Technician) => Err(Refusal::new(ErrorCode::BadRequest)
                        .about(id)
                        .saying("A console signals the customer or the helper, not itself.")),
                }
            }
            Side::Anonymous => {
                Err(Refusal::new(ErrorCode::OutOfOrder).saying("Join a session with a PIN first."))
            }
        }
    }

    /// `helper_join` as a socket's first frame. A refused token closes the
    /// socket: a helper has nothing else to try, and a guesser should pay
    /// a new connection per guess.
    pub(super) fn helper_join(
        &mut self,
        token: &str,
        platform: &str,
        unavailable: Option<&str>,
    ) -> Flow {
        match self
            .hub
            .helper_join(&self.outbox, self.from, token, platform, unavailable)
        {
            Ok(Joined::Attached(id)) => {
                self.side = Side::Helper(id);
                Flow::Continue
            }
            Ok(Joined::Unavailable(_)) => Flow::Close(CLOSE_NORMAL, "remote control unavailable"),
            Err(refusal) => {
                self.refuse(refusal);
                Flow::Close(CLOSE_POLICY, "helper token refused")
            }
        }
    }

    pub(super) async fn dispatch(&mut self, msg: ClientMessage) -> Result<(), Refusal> {
        let hub = &self.hub;
        let conn = self.outbox.conn;
        match (&self.side, msg) {
            // --- customers ---
            (Side::Anonymous, ClientMessage::Join { pin, name, key }) => {
                let id = hub
                    .join(&self.outbox, self.from, &pin, &name, key.as_deref())
                    .await?;
                self.side = Side::Customer(id);
                Ok(())
            }
            (Side::Customer(id), ClientMessage::Join { pin, name, key }) => {
                if hub.session_is_open(*id) {
                    return Err(
                        Refusal::new(ErrorCode::OutOfOrder).saying("You are already connected.")
                    );
                }
                let id = hub
                    .join(&self.outbox, self.from, &pin, &name, key.as_deref())
                    .await?;
                self.side = Side::Customer(id);
                Ok(())
            }
            // Relayed by `signal` before dispatch.
            (_, ClientMessage::Signal { .. }) => Err(Refusal::new(ErrorCode::Internal)),
            (Side::Customer(id), ClientMessage::ConsentAnswer { scope, allowed }) => {
                hub.answer_consent(*id, conn, scope, allowed).await
            }
            (Side::Customer(id), ClientMessage::ShareStopped { scope }) => {
                hub.share_stopped(*id, conn, scope).await
            }
            (Side::Customer(_), ClientMessage::HelperJoin { .. }) => {
                Err(Refusal::new(ErrorCode::OutOfOrder)
                    .saying("This connection is the customer's browser, not a helper."))
            }
            (Side::Customer(id), ClientMessage::Leave { session }) => {
                check_own(*id, session)?;
                hub.customer_leaves(*id, conn);
                Ok(())
            }
            (
                Side::Customer(_),
                ClientMessage::Start { .. }
                | ClientMessage::ConsentRequest { .. }
                | ClientMessage::Activity { .. }
                | ClientMessage::ControlMode { .. }
                | ClientMessage::ScreenShown { .. },
            ) => Err(Refusal::new(ErrorCode::NotSignedIn)
                .saying("Only a signed-in technician can do that.")),

            // --- helpers ---
            (Side::Helper(id), ClientMessage::Leave { session }) => {
                check_own(*id, session)?;
                // The hub lets the helper go and closes this socket.
                hub.helper_gone(*id, conn);
                Ok(())
            }
            (Side::Helper(_), _) => Err(Refusal::new(ErrorCode::OutOfOrder)
                .saying("A Lifeline Helper may only send signal and leave.")),

            // --- consoles ---
            (Side::Console(t), msg) => {
                let t = t.clone();
                self.touch(&t);
                let hub = &self.hub;
                match msg {
                    ClientMessage::Start { session } => hub.start(&t.username, &self.outbox, session).await,
                    ClientMessage::Signal { .. } => Err(Refusal::new(ErrorCode::Internal)),
                    ClientMessage::ConsentRequest { session, scope } => {
                        hub.request_consent(&t.username, conn, session, scope).await
                    }
                    ClientMessage::ScreenShown { session, showing } => {
                        hub.screen_shown(&t.username, conn, session, showing).await
                    }
                    ClientMessage::ControlMode { session, controlling } => {
                        hub.control_mode(&t.username, conn, session, controlling)
                    }
                    ClientMessage::Leave { session } => {
                        hub.technician_leaves(&t.username, conn, need_session(session)?)
                    }
                    ClientMessage::Activity { session, activity } => {
                        hub.record_activity(&t.username, session, activity).await
                    }
                    ClientMessage::Join { .. } => Err(Refusal::new(ErrorCode::OutOfOrder).saying(
                        "This connection is signed in as a technician; customers join from the customer page.",
                    )),
                    ClientMessage::HelperJoin { .. } => Err(Refusal::new(ErrorCode::OutOfOrder).saying(
                        "This connection is signed in as a technician; the Lifeline Helper joins on its own connection.",
                    )),
                    ClientMessage::ConsentAnswer { .. } | ClientMessage::ShareStopped { .. } => {
                        Err(Refusal::new(ErrorCode::OutOfOrder).saying("Only the customer can answer or stop sharing."))
                    }
                }
            }

            // --- nobody yet ---
            (
                Side::Anonymous,
                ClientMessage::Start { .. }
                | ClientMessage::ConsentRequest { .. }
                | ClientMessage::ControlMode { .. }
                | ClientMessage::ScreenShown { .. },
            ) => Err(Refusal::new(ErrorCode::NotSignedIn)),
            (Side::Anonymous, _) => {
                Err(Refusal::new(ErrorCode::OutOfOrder).saying("Join a session with a PIN first."))
            }
        }
    }
}

/// A customer (or helper) may name their own session but no other.
fn check_own(own: SessionId, named: Option<SessionId>) -> Result<(), Refusal> {
    match named {
        Some(other) if other != own => Err(Refusal::new(ErrorCode::SessionNotFound)),
        _ => Ok(()),
    }
}

/// The customer's browser and the helper talk to the technician only:
/// naming anyone else would let them reach each other.
fn only_to_the_technician(to: Option<Role>) -> Result<(), Refusal> {
    match to {
        None | Some(Role::Technician) => Ok(()),
        Some(_) => Err(Refusal::new(ErrorCode::BadRequest)
            .saying("Only the technician's console chooses whom a signal goes to.")),
    }
}

/// Technicians may run several sessions, so they must say which.
fn need_session(session: Option<SessionId>) -> Result<SessionId, Refusal> {
    session.ok_or_else(|| {
        Refusal::new(ErrorCode::MalformedMessage)
            .saying("Technician messages must name the \"session\".")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_cannot_name_other_sessions() {
        assert!(check_own(SessionId(1), None).is_ok());
        assert!(check_own(SessionId(1), Some(SessionId(1))).is_ok());
        assert_eq!(
            check_own(SessionId(1), Some(SessionId(2)))
                .unwrap_err()
                .code,
            ErrorCode::SessionNotFound
        );
        assert_eq!(
            need_session(None).unwrap_err().code,
            ErrorCode::MalformedMessage
        );
    }

    #[test]
    fn only_the_console_names_a_recipient() {
        assert!(only_to_the_technician(None).is_ok());
        assert!(only_to_the_technician(Some(Role::Technician)).is_ok());
        for to in [Role::Customer, Role::Helper] {
            assert_eq!(
                only_to_the_technician(Some(to)).unwrap_err().code,
                ErrorCode::BadRequest
            );
        }
    }
}
