//! One started session, shown as a tab: its connection, transcript,
//! screen, quality, notes, and how it ended.

use protocol::SessionId;
use protocol::ws::{ConsentOutcome, EndReason};

use super::Save;
use super::control::{ControlAction, RemoteControl};
use crate::format::Quality;
use crate::state::transfers::{TransferAction, Transfers};
use crate::state::{Notice, PeerStatus, Problem, Speaker, Transcript};

/// What the technician sees of the customer's screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Idle,
    /// Asked; the customer's dialog is open.
    Asked,
    /// Allowed; the track is on its way.
    Allowed,
    /// The picture is playing.
    Live,
}

/// Where the session's recording stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recording {
    Off,
    /// Record was clicked; the server has not answered yet.
    Starting,
    /// Chunks are being recorded and uploaded.
    On,
    /// It stopped or could not start, and why; shown until the next Record.
    Failed(Problem),
}

/// The technician's own screen, shown to the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Showing {
    Off,
    /// Show my screen was clicked; the browser's picker is open.
    Starting,
    /// Sent to the customer.
    On,
}

/// How the live screen is sized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Scaled to the space, whole picture visible.
    Fit,
    /// One screen pixel per CSS pixel, scrolling; for reading small text.
    Actual,
}

/// One started session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionTab {
    /// Which session: the key for the peer link, the socket frames and the report.
    pub id: SessionId,
    /// The name the customer typed, on the tab and in the chat.
    pub customer: String,
    /// The direct connection, shown as `#connection-state`.
    pub peer: PeerStatus,
    /// Chat and consent events, kept after the end for the notes.
    pub transcript: Transcript,
    /// Where the screen request stands; decides the placeholder and the button.
    pub screen: Screen,
    /// Polled from the connection's statistics while the picture plays.
    pub quality: Option<Quality>,
    /// The report's notes as typed here.
    pub notes: String,
    /// Whether `notes` reached the report: drives "Saving…"/"Saved".
    pub notes_save: Save,
    /// Fit or actual size; kept per tab so switching tabs keeps the choice.
    pub fit: Fit,
    /// Chat lines that arrived while another tab was shown.
    pub unread: u32,
    /// Set when the session is over; the tab stays until closed so the
    /// technician can read the chat and finish the notes.
    pub ended: Option<EndReason>,
    /// The recording of this session's screen.
    pub recording: Recording,
    /// Files, folders and texts, both ways.
    pub transfers: std::rc::Rc<Transfers>,
    /// The technician's own screen, shown to the customer.
    pub showing: Showing,
    /// Remote control through the Lifeline Helper.
    pub control: std::rc::Rc<RemoteControl>,
}

/// Everything that changes one tab.
#[derive(Debug, Clone, PartialEq)]
pub enum TabAction {
    /// The direct connection's state changed.
    Peer(PeerStatus),
    ChatSent {
        text: String,
        at_ms: f64,
    },
    ChatReceived {
        text: String,
        at_ms: f64,
    },
    ScreenRequested,
    /// The remote picture started (`true`) or went away.
    Video(bool),
    Quality(Option<Quality>),
    SetFit(Fit),
    EditNotes(String),
    NotesSaving,
    /// The server stored this text; still dirty if more was typed meanwhile.
    NotesSaved(String),
    NotesFailed,
    RecordingStarting,
    RecordingOn,
    /// Stopped: by the technician, or the server finished it.
    RecordingOff,
    RecordingFailed(Problem),
    /// Something about files or texts.
    Transfer(TransferAction),
    /// Show my screen was clicked.
    ShowStarting,
    /// The capture runs and goes to the customer.
    ShowOn {
        at_ms: f64,
    },
    /// The capture could not start (a cancelled picker, say).
    ShowFailed {
        at_ms: f64,
    },
    /// Stop showing, or the browser's own stop button.
    ShowStopped {
        at_ms: f64,
    },
    /// The customer closed it; the capture stopped.
    ShowClosed {
        at_ms: f64,
    },
    /// Something about remote control.
    Control(ControlAction),
}

impl SessionTab {
    pub fn new(id: SessionId, customer: String, notes: String) -> Self {
        Self {
            id,
            customer,
            peer: PeerStatus::Connecting,
            transcript: Transcript::default(),
            screen: Screen::Idle,
            quality: None,
            notes,
            notes_save: Save::Clean,
            fit: Fit::Fit,
            unread: 0,
            ended: None,
            recording: Recording::Off,
            transfers: Default::default(),
            showing: Showing::Off,
            control: Default::default(),
        }
    }

    /// True while the session runs: chat, screen and notes are usable.
    pub fn is_live(&self) -> bool {
        self.ended.is_none()
    }

    /// Whether "Request screen view" makes sense now.
    pub fn can_request_screen(&self) -> bool {
        self.is_live() && self.screen == Screen::Idle
    }

    /// Whether Record makes sense now: a live picture, not recording yet.
    pub fn can_record(&self) -> bool {
        self.is_live()
            && self.screen == Screen::Live
            && matches!(self.recording, Recording::Off | Recording::Failed(_))
    }

    /// Whether "Show my screen" makes sense now.
    pub fn can_show(&self) -> bool {
        self.is_live() && self.showing == Showing::Off
    }

    /// Applies one action; `shown` when this tab is the one on screen.
    pub fn apply(&mut self, action: TabAction, shown: bool) {
        match action {
            TabAction::Peer(status) => {
                // Late news does not bring an ended session back to life.
                if self.is_live() {
                    self.peer = status;
                }
            }
            TabAction::ChatSent { text, at_ms } => self.transcript.chat(Speaker::Me, text, at_ms),
            TabAction::ChatReceived { text, at_ms } => {
                self.transcript.chat(Speaker::Peer, text, at_ms);
                if !shown {
                    self.unread += 1;
                }
            }
            TabAction::ScreenRequested => {
                if self.can_request_screen() {
                    self.screen = Screen::Asked;
                }
            }
            TabAction::Video(_) if !self.is_live() => {}
            TabAction::Video(true) => self.screen = Screen::Live,
            TabAction::Video(false) => {
                if self.screen == Screen::Live {
                    self.screen = Screen::Idle;
                    self.quality = None;
                }
            }
            TabAction::Quality(quality) => {
                if self.screen == Screen::Live {
                    self.quality = quality;
                }
            }
            TabAction::SetFit(fit) => self.fit = fit,
            TabAction::EditNotes(text) => {
                self.notes = text;
                self.notes_save = Save::Dirty;
            }
            TabAction::NotesSaving => self.notes_save = Save::Saving,
            TabAction::NotesSaved(text) => {
                self.notes_save = Save::after_saving(&text, &self.notes);
            }
            TabAction::NotesFailed => self.notes_save = Save::Failed,
            TabAction::RecordingStarting => self.recording = Recording::Starting,
            TabAction::RecordingOn => {
                if self.recording == Recording::Starting {
                    self.recording = Recording::On;
                }
            }
            TabAction::RecordingOff => {
                if matches!(self.recording, Recording::Starting | Recording::On) {
                    self.recording = Recording::Off;
                }
            }
            TabAction::RecordingFailed(problem) => self.recording = Recording::Failed(problem),
            TabAction::Transfer(action) => {
                // A text or an offer from the customer counts as news on
                // a tab in the background, like a chat line.
                let news = matches!(
                    action,
                    TransferAction::TextReceived { .. }
                        | TransferAction::Offered {
                            way: crate::state::transfers::Way::Receiving,
                            ..
                        }
                );
                std::rc::Rc::make_mut(&mut self.transfers).apply(action);
                if news && !shown {
                    self.unread += 1;
                }
            }
            TabAction::ShowStarting => {
                if self.can_show() {
                    self.showing = Showing::Starting;
                }
            }
            TabAction::ShowOn { at_ms } => {
                if self.showing == Showing::Starting {
                    self.showing = Showing::On;
                    self.transcript.notice(Notice::Shown, at_ms);
                }
            }
            TabAction::ShowFailed { at_ms } => {
                if self.showing == Showing::Starting {
                    self.showing = Showing::Off;
                    self.transcript.notice(Notice::ShowFailed, at_ms);
                }
            }
            TabAction::ShowStopped { at_ms } => self.showing_ends(Notice::ShownStopped, at_ms),
            TabAction::ShowClosed { at_ms } => self.showing_ends(Notice::ShownClosed, at_ms),
            TabAction::Control(_) if !self.is_live() => {}
            TabAction::Control(action) => std::rc::Rc::make_mut(&mut self.control).apply(action),
        }
    }

    fn showing_ends(&mut self, notice: Notice, at_ms: f64) {
        if self.showing == Showing::On {
            self.showing = Showing::Off;
            self.transcript.notice(notice, at_ms);
        }
    }

    /// The customer answered, or sharing stopped: the screen's state and a
    /// line in the transcript.
    pub fn on_consent(&mut self, outcome: ConsentOutcome, now_ms: f64) {
        if !self.is_live() {
            return;
        }
        let event = match outcome {
            ConsentOutcome::Allowed => {
                if self.screen != Screen::Live {
                    self.screen = Screen::Allowed;
                }
                Notice::Allowed
            }
            ConsentOutcome::Denied => Notice::Denied,
            ConsentOutcome::TimedOut => Notice::TimedOut,
            ConsentOutcome::Stopped => Notice::Stopped,
        };
        if outcome != ConsentOutcome::Allowed {
            self.screen = Screen::Idle;
            self.quality = None;
        }
        self.transcript.notice(event, now_ms);
    }

    /// The PIN card's notes were saved to this session: show them, unless
    /// an edit of our own is on its way (that one is newer and will win).
    pub fn notes_saved_elsewhere(&mut self, text: &str) {
        if !self.notes_save.is_pending() {
            self.notes = text.to_owned();
            self.notes_save = Save::Saved;
        }
    }

    /// The session is over; the first reason given stays.
    pub fn end(&mut self, reason: EndReason) {
        if self.ended.is_none() {
            self.ended = Some(reason);
        }
        self.screen = Screen::Idle;
        self.quality = None;
        self.peer = PeerStatus::Closed;
        self.showing = Showing::Off;
        std::rc::Rc::make_mut(&mut self.control).end();
        if !matches!(self.recording, Recording::Failed(_)) {
            self.recording = Recording::Off;
        }
        std::rc::Rc::make_mut(&mut self.transfers).end_all();
    }
}
