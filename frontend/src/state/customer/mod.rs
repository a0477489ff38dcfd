//! The customer page's state: the PIN form, then waiting, then the
//! connected session with chat, consent and sharing, then its end.
//! [`form`] holds the checks made before anything is sent.

pub mod control;
mod form;
mod stage;
#[cfg(test)]
mod tests;

pub use control::{CustomerControl, HelperOffer};
pub use form::{check_form, consent_deadline};
pub use stage::{ConsentPrompt, ShareKind, Sharing, Shown, Stage};

use protocol::ws::{ConsentOutcome, ConsentScope, EndReason};
use protocol::{ErrorCode, ServerMessage, SessionId};

use super::transfers::{TransferAction, Transfers};
use super::{Notice, PeerStatus, Problem, Speaker, Transcript};
use crate::format::unix_ms;

/// Everything the customer page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerState {
    /// The PIN field's text; kept here so a `?code=` link fills it and a
    /// refused attempt keeps what was typed.
    pub pin: String,
    /// The name field's text; kept for "Connect again".
    pub name: String,
    /// Shown under the PIN field (`#pin-error`).
    pub pin_problem: Option<Problem>,
    /// Shown under the name field.
    pub name_problem: Option<Problem>,
    /// Decides which card the page shows and what `#status` says.
    pub stage: Stage,
    /// Set once joined; keeps the id for leave and for logs.
    pub session: Option<SessionId>,
    /// Who helps: named in the status line, the dialog and the banner.
    pub technician: String,
    /// The direct connection, once the session started.
    pub peer: PeerStatus,
    /// Chat and consent events, kept after the end so nothing said is lost.
    pub transcript: Transcript,
    /// The open consent dialog, if the technician is asking.
    pub consent: Option<ConsentPrompt>,
    /// Drives the sharing banner: the customer must always see it.
    pub sharing: Sharing,
    /// The server says the session is being recorded: the recording
    /// banner shows for as long as it is.
    pub recorded: bool,
    /// Files, folders and texts, both ways.
    pub transfers: std::rc::Rc<Transfers>,
    /// The technician's screen, while they show it and it was not closed.
    pub shown: Shown,
    /// Remote control through the Lifeline Helper.
    pub control: CustomerControl,
}

/// Everything that changes the customer page.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    EditPin(String),
    EditName(String),
    /// Our own check refused the form before anything was sent.
    Refused {
        pin: Option<ErrorCode>,
        name: Option<ErrorCode>,
    },
    /// The join is on its way to the server.
    Joining,
    /// A frame from the server; `now_ms` is the local clock on arrival.
    Server {
        message: ServerMessage,
        now_ms: f64,
    },
    /// The signalling socket closed or never opened.
    SocketLost,
    Peer(PeerStatus),
    ChatSent {
        text: String,
        at_ms: f64,
    },
    ChatReceived {
        text: String,
        at_ms: f64,
    },
    /// The customer clicked Allow or Deny; with Allow, capture of `kind` starts.
    Answered {
        allowed: bool,
        kind: ShareKind,
    },
    /// The customer answered a remote-control request: nothing to capture.
    ControlAnswered,
    /// The dialog's own countdown ran out (the server says so too).
    ConsentExpired,
    /// Capture runs and the track is on its way.
    ShareStarted(ShareKind),
    /// Capture ended here: cancelled picker, failure, Stop sharing, or the
    /// browser's own stop button. `failed` when it never started.
    ShareEnded {
        failed: bool,
        at_ms: f64,
    },
    /// The technician announced their screen.
    ShownAnnounced {
        at_ms: f64,
    },
    /// The announced screen's picture arrived (`true`) or went.
    ShownPicture(bool),
    /// The technician stopped showing it.
    ShownStopped {
        at_ms: f64,
    },
    /// The customer closed it.
    ShownClosed {
        at_ms: f64,
    },
    /// The customer pressed Disconnect.
    Left,
    /// Back to the form after an ended session.
    StartOver,
    /// Something about files or texts.
    Transfer(TransferAction),
}

impl CustomerState {
    /// A fresh form, with the PIN from the link if there was one.
    pub fn new(prefill_pin: Option<String>) -> Self {
        Self {
            pin: prefill_pin.unwrap_or_default(),
            name: String::new(),
            pin_problem: None,
            name_problem: None,
            stage: Stage::Form { joining: false },
            session: None,
            technician: String::new(),
            peer: PeerStatus::New,
            transcript: Transcript::default(),
            consent: None,
            sharing: Sharing::Off,
            recorded: false,
            transfers: Default::default(),
            shown: Shown::Off,
            control: CustomerControl::default(),
        }
    }

    /// True from join until the end: the socket matters and Disconnect shows.
    pub fn in_session(&self) -> bool {
        matches!(self.stage, Stage::Waiting | Stage::Connected)
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::EditPin(pin) => {
                self.pin = pin;
                self.pin_problem = None;
            }
            Action::EditName(name) => {
                self.name = name;
                self.name_problem = None;
            }
            Action::Refused { pin, name } => {
                self.pin_problem = pin.map(Problem::code);
                self.name_problem = name.map(Problem::code);
                self.stage = Stage::Form { joining: false };
            }
            Action::Joining => {
                self.pin_problem = None;
                self.name_problem = None;
                self.stage = Stage::Form { joining: true };
            }
            Action::Server { message, now_ms } => self.on_server(message, now_ms),
            Action::SocketLost => match self.stage {
                // An idle socket closing while nobody waits for it is news
                // to no one: the next Connect opens another.
                Stage::Form { joining: false } => {}
                Stage::Form { joining: true } => {
                    self.pin_problem = Some(Problem::Unreachable);
                    self.stage = Stage::Form { joining: false };
                }
                Stage::Waiting | Stage::Connected => {
                    self.end(EndReason::CustomerDisconnected);
                }
                Stage::Ended(_) => {}
            },
            Action::Peer(status) => {
                if self.stage == Stage::Connected {
                    self.peer = status;
                }
            }
            Action::ChatSent { text, at_ms } => self.transcript.chat(Speaker::Me, text, at_ms),
            Action::ChatReceived { text, at_ms } => {
                self.transcript.chat(Speaker::Peer, text, at_ms)
            }
            Action::Answered { allowed, kind } => {
                self.consent = None;
                if allowed {
                    self.sharing = Sharing::Starting(kind);
                }
            }
            Action::ControlAnswered | Action::ConsentExpired => self.consent = None,
            Action::ShareStarted(kind) => {
                if self.stage == Stage::Connected {
                    self.sharing = Sharing::On(kind);
                }
            }
            Action::ShareEnded { failed, at_ms } => {
                if failed && self.sharing != Sharing::Off {
                    self.notice(Notice::ShareFailed, at_ms);
                }
                self.sharing = Sharing::Off;
            }
            Action::ShownAnnounced { at_ms } => {
                if self.stage == Stage::Connected && self.shown == Shown::Off {
                    self.shown = Shown::Waiting;
                    self.notice(Notice::Shown, at_ms);
                }
            }
            Action::ShownPicture(live) => {
                if self.shown != Shown::Off {
                    self.shown = if live { Shown::Live } else { Shown::Waiting };
                }
            }
            Action::ShownStopped { at_ms } => self.shown_ends(Notice::ShownStopped, at_ms),
            Action::ShownClosed { at_ms } => self.shown_ends(Notice::ShownClosed, at_ms),
            Action::Left => {
                if self.in_session() {
                    self.end(EndReason::CustomerLeft);
                }
            }
            Action::Transfer(action) => {
                std::rc::Rc::make_mut(&mut self.transfers).apply(action);
            }
            Action::StartOver => {
                let name = std::mem::take(&mut self.name);
                *self = CustomerState::new(None);
                self.name = name;
            }
        }
    }

    fn on_server(&mut self, message: ServerMessage, now_ms: f64) {
        match message {
            ServerMessage::Joined {
                session,
                technician,
                ..
            } => {
                self.session = Some(session);
                self.technician = technician;
                self.pin_problem = None;
                self.name_problem = None;
                self.stage = Stage::Waiting;
            }
            ServerMessage::Started {
                session,
                technician,
                ..
            } => {
                if self.in_session() {
                    self.session = Some(session);
                    self.technician = technician;
                    self.stage = Stage::Connected;
                    self.peer = PeerStatus::Connecting;
                }
            }
            ServerMessage::ConsentRequest {
                scope,
                technician,
                expires_at,
                ..
            } => {
                if self.stage == Stage::Connected {
                    self.consent = Some(ConsentPrompt {
                        scope,
                        technician,
                        deadline_ms: consent_deadline(now_ms, unix_ms(expires_at)),
                    });
                }
            }
            ServerMessage::Consent { scope, outcome, .. } => {
                let asked = self.consent.as_ref().map(|p| p.scope);
                if outcome != ConsentOutcome::Allowed && asked == Some(scope) {
                    self.consent = None;
                }
                if scope == ConsentScope::RemoteControl {
                    let transcript = &mut self.transcript;
                    return self.control.on_consent(outcome, transcript, now_ms);
                }
                let event = match outcome {
                    ConsentOutcome::Allowed => Notice::Allowed,
                    ConsentOutcome::Denied => Notice::Denied,
                    ConsentOutcome::TimedOut => Notice::TimedOut,
                    ConsentOutcome::Stopped => Notice::Stopped,
                };
                if outcome == ConsentOutcome::Stopped {
                    self.sharing = Sharing::Off;
                }
                self.notice(event, now_ms);
            }
            message @ (ServerMessage::HelperOffer { .. }
            | ServerMessage::Helper { .. }
            | ServerMessage::ControlMode { .. }) => {
                if self.stage == Stage::Connected {
                    let transcript = &mut self.transcript;
                    self.control.on_server(message, transcript, now_ms);
                }
            }
            ServerMessage::Recording { active, .. } => {
                self.recorded = active && self.in_session();
            }
            ServerMessage::Ended { reason, .. } => {
                if !matches!(self.stage, Stage::Ended(_)) {
                    self.end(reason);
                }
            }
            ServerMessage::Error {
                code,
                retry_after_secs,
                ..
            } => {
                // Outside the form an error concerns a message the app sent
                // (a late signal, say); nothing the customer can act on.
                if self.stage == (Stage::Form { joining: true }) {
                    let problem = Some(Problem::Refused {
                        code,
                        retry_after_secs,
                    });
                    if matches!(code, ErrorCode::NameRequired | ErrorCode::TooLong) {
                        self.name_problem = problem;
                    } else {
                        self.pin_problem = problem;
                    }
                    self.stage = Stage::Form { joining: false };
                }
            }
            ServerMessage::Welcome { .. }
            | ServerMessage::Queue { .. }
            | ServerMessage::QueueUpdate { .. }
            | ServerMessage::QueueRemove { .. }
            | ServerMessage::HelperJoined { .. }
            | ServerMessage::Signal { .. } => {}
        }
    }

    fn shown_ends(&mut self, notice: Notice, at_ms: f64) {
        if self.shown != Shown::Off {
            self.shown = Shown::Off;
            self.notice(notice, at_ms);
        }
    }

    fn end(&mut self, reason: EndReason) {
        std::rc::Rc::make_mut(&mut self.transfers).end_all();
        self.stage = Stage::Ended(reason);
        self.shown = Shown::Off;
        self.control.end();
        self.consent = None;
        self.sharing = Sharing::Off;
        self.recorded = false;
        self.peer = PeerStatus::Closed;
    }

    fn notice(&mut self, event: Notice, at_ms: f64) {
        self.transcript.notice(event, at_ms);
    }
}

#[cfg(target_arch = "wasm32")]
impl yew::Reducible for CustomerState {
    type Action = Action;

    fn reduce(self: std::rc::Rc<Self>, action: Action) -> std::rc::Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        std::rc::Rc::new(next)
    }
}
