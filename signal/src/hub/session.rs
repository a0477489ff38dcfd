//! A support session while it is open.

use protocol::SessionId;
use protocol::ws::{ConsentScope, QueueEntry, SessionStatus};
use time::OffsetDateTime;

use super::helper::HelperLink;
use super::outbox::{ConnId, Outbox};

/// An open support session: joined, maybe started, not yet ended.
#[derive(Debug)]
pub struct LiveSession {
    pub id: SessionId,
    /// Whose queue it is in: the technician who issued the PIN.
    pub technician: String,
    /// The name the customer typed.
    pub customer_name: String,
    /// The customer's socket; the session ends when it closes.
    pub customer: Outbox,
    /// The console socket that started the session. `None` while waiting.
    /// Relayed frames go to this one socket only, even if the technician has
    /// several consoles open.
    pub console: Option<Outbox>,
    pub pin_suffix: String,
    pub joined_at: OffsetDateTime,
    /// Mirrors the report's notes so the queue can show them.
    pub notes: String,
    /// A consent request the customer has not answered yet.
    pub pending_consent: Option<PendingConsent>,
    /// Scopes the customer allowed and has not stopped since.
    pub sharing: Vec<ConsentScope>,
    /// The technician is showing their own screen to the customer.
    pub screen_shown: bool,
    /// Remote control: the helper's token, socket and control mode.
    pub helper: HelperLink,
}

/// An unanswered consent request.
#[derive(Debug, Clone, Copy)]
pub struct PendingConsent {
    pub scope: ConsentScope,
    /// Silence until then is a refusal.
    pub deadline: OffsetDateTime,
    /// False while the request is being saved, before the customer sees it.
    pub asked: bool,
}

impl LiveSession {
    pub fn status(&self) -> SessionStatus {
        if self.console.is_some() {
            SessionStatus::Active
        } else {
            SessionStatus::Waiting
        }
    }

    /// True when `conn` is the console running this session.
    pub fn is_console(&self, conn: ConnId) -> bool {
        self.console.as_ref().is_some_and(|c| c.conn == conn)
    }

    pub fn queue_entry(&self) -> QueueEntry {
        QueueEntry {
            id: self.id,
            customer: self.customer_name.clone(),
            status: self.status(),
            pin_suffix: self.pin_suffix.clone(),
            joined_at: self.joined_at,
            notes: self.notes.clone(),
        }
    }
}
