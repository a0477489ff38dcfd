//! The "invite a customer" card: the PIN on show and its notes.

use protocol::SessionId;
use protocol::api::PinRequest;

use super::Save;
use crate::state::Problem;

/// A PIN the server issued to this console.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedPin {
    /// Exactly six digits.
    pub pin: String,
    /// The link to send the customer; also the QR code's content.
    pub link: String,
    /// Shown as a clock time; after it the card says the PIN expired.
    pub expires_at_ms: f64,
    /// The session a customer started with it, once the server said so:
    /// saving the card's notes answers with it.
    pub session: Option<SessionId>,
    /// That session's customer, for the card's status line.
    pub used_by: Option<String>,
}

/// The card's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PinCard {
    /// The PIN on show; kept after use or expiry so the card says what became of it.
    pub issued: Option<IssuedPin>,
    /// A PIN request is on its way; the buttons wait for it.
    pub busy: bool,
    /// Why the last PIN request failed, shown on the card.
    pub problem: Option<Problem>,
    /// Notes for the PIN's session: sent with the PIN request, and saved on
    /// the PIN (`PATCH /api/pins/{pin}`) when edited after it was issued.
    /// The server moves them to the session when the customer joins.
    pub notes: String,
    /// Whether `notes` reached the issued PIN; stays `Clean` while no PIN
    /// is on show, as the notes then go with the next PIN request.
    pub notes_save: Save,
    /// Why the last save failed, shown under the notes while `Failed`.
    pub notes_problem: Option<Problem>,
    /// Result of the last "Copy link": `Some(true)` copied, `Some(false)` failed.
    pub copied: Option<bool>,
}

/// Everything that changes the card.
#[derive(Debug, Clone, PartialEq)]
pub enum PinAction {
    Requested,
    Issued {
        pin: String,
        link: String,
        expires_at_ms: f64,
        /// The request that got it: which notes went with it, and whether
        /// it replaced the PIN on show (whose notes then carry over).
        request: PinRequest,
    },
    Failed(Problem),
    EditNotes(String),
    /// A save of the card's notes to `pin` is on its way.
    NotesSaving {
        pin: String,
    },
    /// The server stored `text` for `pin`, and says which session it
    /// started, if any: that session's notes are now `text` too.
    NotesSaved {
        pin: String,
        text: String,
        session: Option<SessionId>,
    },
    NotesFailed {
        pin: String,
        problem: Problem,
    },
    Copied(bool),
}

impl PinCard {
    pub fn apply(&mut self, action: PinAction) {
        match action {
            PinAction::Requested => {
                self.busy = true;
                self.problem = None;
                self.copied = None;
            }
            PinAction::Issued {
                pin,
                link,
                expires_at_ms,
                request,
            } => {
                self.busy = false;
                self.notes_save = if self.in_sync_with(&request) {
                    Save::Clean
                } else {
                    Save::Dirty
                };
                self.notes_problem = None;
                self.issued = Some(IssuedPin {
                    pin,
                    link,
                    expires_at_ms,
                    session: None,
                    used_by: None,
                });
            }
            PinAction::Failed(problem) => {
                self.busy = false;
                self.problem = Some(problem);
            }
            PinAction::EditNotes(text) => {
                self.notes = text;
                // Without a PIN the notes simply go with the next request.
                if self.issued.is_some() {
                    self.notes_save = Save::Dirty;
                }
            }
            PinAction::NotesSaving { pin } => {
                if self.is_current(&pin) {
                    self.notes_save = Save::Saving;
                    self.notes_problem = None;
                }
            }
            PinAction::NotesSaved { pin, text, session } => {
                if self.is_current(&pin) {
                    self.notes_save = Save::after_saving(&text, &self.notes);
                    self.notes_problem = None;
                    if let Some(id) = session
                        && let Some(issued) = self.issued.as_mut()
                    {
                        issued.session = Some(id);
                    }
                }
            }
            PinAction::NotesFailed { pin, problem } => {
                if self.is_current(&pin) {
                    self.notes_save = Save::Failed;
                    self.notes_problem = Some(problem);
                }
            }
            PinAction::Copied(ok) => self.copied = Some(ok),
        }
    }

    /// Whether the new PIN holds what the field now says: compares what
    /// went with the request to the field, which may have changed while
    /// the request ran.
    fn in_sync_with(&self, request: &PinRequest) -> bool {
        match &request.notes {
            Some(sent) => self.notes == *sent,
            // Carried over from the replaced PIN: the field's text if that
            // PIN had it.
            None if request.replaces.is_some() => {
                self.notes.trim().is_empty() && matches!(self.notes_save, Save::Clean | Save::Saved)
            }
            None => self.notes.trim().is_empty(),
        }
    }

    /// True if `pin` is the PIN on the card; answers about a replaced one
    /// no longer concern the card.
    fn is_current(&self, pin: &str) -> bool {
        self.issued.as_ref().is_some_and(|p| p.pin == pin)
    }

    /// The session the card's PIN started, while its customer is unnamed.
    pub(super) fn unnamed_session(&self) -> Option<SessionId> {
        self.issued
            .as_ref()
            .filter(|p| p.used_by.is_none())
            .and_then(|p| p.session)
    }

    pub(super) fn name_user(&mut self, name: Option<String>) {
        if let Some(issued) = self.issued.as_mut() {
            issued.used_by = name;
        }
    }

    /// The session `session`'s notes were edited in its tab. Once the card's
    /// PIN is known to have started it, the card edits the same notes: keep
    /// it showing them, so a later edit here does not write back older text.
    pub(super) fn follow_session_notes(&mut self, session: SessionId, text: &str) {
        if self.issued.as_ref().and_then(|p| p.session) == Some(session)
            && !self.notes_save.is_pending()
        {
            self.notes = text.to_owned();
            self.notes_save = Save::Clean;
            self.notes_problem = None;
        }
    }
}
