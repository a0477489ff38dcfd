//! The technician console's state, split by concern: who is signed in
//! ([`auth`]), the PIN card ([`pin_card`]), the queue ([`queue`]), one tab
//! per started session ([`tab`], held in [`tabs`]), and the recent
//! sessions ([`reports`]). This file holds them together and routes each
//! [`Action`] to the part it concerns; what crosses parts (the PIN card's
//! notes are also a session's notes) is settled here.

pub mod auth;
pub mod control;
pub mod pin_card;
pub mod queue;
pub mod reports;
pub mod tab;
pub mod tabs;
#[cfg(test)]
mod tests;

use protocol::ws::{ConsentScope, EndReason};
use protocol::{ErrorCode, ServerMessage, SessionId};

use super::Problem;
pub use auth::{Auth, AuthAction, DeskLink};
pub use control::{ClipboardNote, ControlAction, Permission, RemoteControl};
pub use pin_card::{IssuedPin, PinAction, PinCard};
pub use queue::Queue;
pub use reports::{Reports, ReportsAction};
pub use tab::{Fit, Recording, Screen, SessionTab, Showing, TabAction};
pub use tabs::Tabs;

/// Saving notes: the session's to its report, the PIN card's to its PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Save {
    /// Nothing typed since the last save (or ever).
    #[default]
    Clean,
    /// Typed, not saved yet.
    Dirty,
    Saving,
    Saved,
    Failed,
}

impl Save {
    /// An edit is typed or on its way: newer than anything saved.
    pub fn is_pending(self) -> bool {
        matches!(self, Save::Dirty | Save::Saving)
    }

    /// The state after a save of `saved` when the field now holds `now`.
    pub fn after_saving(saved: &str, now: &str) -> Save {
        if saved == now {
            Save::Saved
        } else {
            Save::Dirty
        }
    }
}

/// Everything the console shows. Cheap to clone: lists sit behind `Rc`s
/// and each tab behind its own, so an action copies only what it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleState {
    /// Decides between the sign-in form and the console.
    pub auth: Auth,
    /// The socket, shown as a pill: a technician must know when the queue is stale.
    pub link: DeskLink,
    /// The server's queue, and when it rings.
    pub queue: Queue,
    /// The invite card in the sidebar.
    pub pin: PinCard,
    /// Started sessions, and which one is shown.
    pub tabs: Tabs,
    /// "Recent sessions" on the overview.
    pub reports: Reports,
    /// An error not tied to a field (a refused start, say), shown once.
    pub alert: Option<ErrorCode>,
}

/// Everything that changes the console.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Auth(AuthAction),
    /// Signed out by the button, or the server no longer knows us.
    SignedOut(Option<Problem>),
    LinkConnecting,
    /// The socket closed; a reconnect is scheduled.
    LinkLost,
    /// A frame from the server; `now_ms` is the local clock on arrival.
    Server {
        message: ServerMessage,
        now_ms: f64,
    },
    Pin(PinAction),
    /// Show a tab, or the overview (`None`).
    Select(Option<SessionId>),
    /// Close an ended session's tab.
    Close(SessionId),
    /// Something about one session's tab.
    Tab(SessionId, TabAction),
    Reports(ReportsAction),
    DismissAlert,
}

impl Default for ConsoleState {
    fn default() -> Self {
        Self::new()
    }
}

impl ConsoleState {
    pub fn new() -> Self {
        Self {
            auth: Auth::Checking,
            link: DeskLink::Connecting,
            queue: Queue::default(),
            pin: PinCard::default(),
            tabs: Tabs::default(),
            reports: Reports::Loading,
            alert: None,
        }
    }

    pub fn signed_in(&self) -> Option<&str> {
        self.auth.username()
    }

    /// The browser tab's title, with a badge while customers wait so a
    /// technician in another tab sees it.
    pub fn title(&self, base: &str) -> String {
        match self.queue.waiting() {
            0 => base.to_owned(),
            n => format!("({n}) {base}"),
        }
    }

    pub fn tab(&self, id: SessionId) -> Option<&SessionTab> {
        self.tabs.get(id)
    }

    pub fn active_tab(&self) -> Option<&SessionTab> {
        self.tabs.active_tab()
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Auth(action) => self.auth.apply(action),
            Action::SignedOut(problem) => {
                // Nothing of the previous technician's may stay on screen.
                *self = ConsoleState::new();
                self.auth = Auth::SignedOut {
                    busy: false,
                    problem,
                };
            }
            Action::LinkConnecting => self.link = DeskLink::Connecting,
            Action::LinkLost => {
                self.link = DeskLink::Offline;
                // The server ends every session of a console that drops;
                // its `ended` cannot reach us, so say it here.
                self.tabs.end_all(EndReason::TechnicianDisconnected);
            }
            Action::Server { message, now_ms } => self.on_server(message, now_ms),
            Action::Pin(action) => self.on_pin(action),
            Action::Select(id) => self.tabs.select(id),
            Action::Close(id) => self.tabs.close(id),
            Action::Tab(id, action) => self.on_tab(id, action),
            Action::Reports(action) => self.reports.apply(action),
            Action::DismissAlert => self.alert = None,
        }
    }

    fn on_pin(&mut self, action: PinAction) {
        if let PinAction::NotesSaved {
            text,
            session: Some(id),
            ..
        } = &action
        {
            // The server wrote them to the session: its tab shows them.
            self.tabs.update(*id, |tab| tab.notes_saved_elsewhere(text));
        }
        self.pin.apply(action);
        self.name_pin_user();
    }

    fn on_tab(&mut self, id: SessionId, action: TabAction) {
        if let TabAction::EditNotes(text) = &action {
            self.pin.follow_session_notes(id, text);
        }
        let shown = self.tabs.active == Some(id);
        self.tabs.update(id, |tab| tab.apply(action, shown));
    }

    fn on_server(&mut self, message: ServerMessage, now_ms: f64) {
        match message {
            ServerMessage::Welcome { technician } => {
                self.link = DeskLink::Online;
                self.auth = Auth::SignedIn {
                    username: technician,
                };
            }
            ServerMessage::Queue { sessions } => {
                self.queue.replace(sessions);
                self.name_pin_user();
            }
            ServerMessage::QueueUpdate { session } => {
                self.queue.update(session);
                self.name_pin_user();
            }
            ServerMessage::QueueRemove { session } => self.queue.remove(session),
            ServerMessage::Started {
                session, customer, ..
            } => {
                let notes = self.queue.notes(session);
                self.tabs.open(SessionTab::new(session, customer, notes));
            }
            ServerMessage::Consent {
                session,
                scope: ConsentScope::ScreenView,
                outcome,
            } => self
                .tabs
                .update(session, |tab| tab.on_consent(outcome, now_ms)),
            ServerMessage::Consent {
                session,
                scope: ConsentScope::RemoteControl,
                outcome,
            } => self.on_live_tab(session, |tab| {
                let control = std::rc::Rc::make_mut(&mut tab.control);
                control.on_consent(outcome, &mut tab.transcript, now_ms)
            }),
            ServerMessage::Helper {
                session,
                status,
                detail,
            } => self.on_live_tab(session, |tab| {
                let control = std::rc::Rc::make_mut(&mut tab.control);
                control.on_helper(status, detail, &mut tab.transcript, now_ms)
            }),
            ServerMessage::ControlMode {
                session,
                controlling,
            } => self.on_live_tab(session, |tab| {
                std::rc::Rc::make_mut(&mut tab.control).on_mode(controlling)
            }),
            ServerMessage::Ended { session, reason } => {
                self.tabs.update(session, |tab| tab.end(reason));
            }
            // The server finished a recording by itself (no uploads for a
            // while); one the console stopped is already off.
            ServerMessage::Recording {
                session,
                active: false,
            } => self.on_tab(session, TabAction::RecordingOff),
            ServerMessage::Error { code, .. } => {
                if code == ErrorCode::NotSignedIn {
                    self.apply(Action::SignedOut(Some(Problem::code(code))));
                } else {
                    // A refused start or request (someone else started the
                    // session, it just ended): one line over the console.
                    self.alert = Some(code);
                }
            }
            ServerMessage::Joined { .. }
            | ServerMessage::Recording { .. }
            | ServerMessage::Signal { .. }
            | ServerMessage::HelperOffer { .. }
            | ServerMessage::HelperJoined { .. }
            | ServerMessage::ConsentRequest { .. } => {}
        }
    }

    /// Changes a tab whose session still runs; late news about an ended
    /// one changes nothing.
    fn on_live_tab(&mut self, id: SessionId, change: impl FnOnce(&mut SessionTab)) {
        self.tabs.update(id, |tab| {
            if tab.is_live() {
                change(tab)
            }
        });
    }

    /// Names the customer of the card's PIN once its session is known and
    /// the queue or a tab has the name.
    fn name_pin_user(&mut self) {
        let Some(id) = self.pin.unnamed_session() else {
            return;
        };
        let name = self
            .queue
            .customer(id)
            .or_else(|| self.tabs.get(id).map(|t| t.customer.clone()));
        self.pin.name_user(name);
    }
}

#[cfg(target_arch = "wasm32")]
impl yew::Reducible for ConsoleState {
    type Action = Action;

    fn reduce(self: std::rc::Rc<Self>, action: Action) -> std::rc::Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        std::rc::Rc::new(next)
    }
}
