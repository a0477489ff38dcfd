//! Remote control in one console tab: the request and the customer's
//! answer (scope `remote_control`, handled like screen view's), the
//! Lifeline Helper's arrival and departure, Control or View only, the
//! helper's picture, its monitors and clipboard, and what it refused.

use protocol::peer::input::{MAX_CLIPBOARD_BYTES, Monitor};
use protocol::ws::{ConsentOutcome, HelperStatus};

use crate::state::control::Helper;
use crate::state::{Notice, PeerStatus, Transcript};

/// The remote-control permission, from the technician's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Permission {
    #[default]
    Idle,
    /// Asked; the customer's dialog is open.
    Asked,
    /// Allowed: the customer has the download; the helper may join.
    Allowed,
}

/// What the technician did with the clipboard box, or why it did nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClipboardNote {
    /// Sent to the customer's clipboard.
    Sent,
    /// Longer than [`MAX_CLIPBOARD_BYTES`]: not sent.
    TooLong,
}

/// One tab's remote control.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RemoteControl {
    pub permission: Permission,
    pub helper: Helper,
    /// The server's word: Control (`true`) or View only.
    pub controlling: bool,
    /// The helper link's connection.
    pub peer: PeerStatus,
    /// The helper's picture is playing.
    pub video: bool,
    /// The customer's monitors and the one shown.
    pub monitors: Vec<Monitor>,
    pub current_monitor: usize,
    /// The clipboard box's text: typed here, or the customer's clipboard.
    pub clipboard: String,
    pub clipboard_note: Option<ClipboardNote>,
    /// The last thing the helper refused: what, and why.
    pub refused: Option<(String, String)>,
}

/// Everything about remote control that does not come from the server.
#[derive(Debug, Clone, PartialEq)]
pub enum ControlAction {
    Requested,
    /// The helper link's connection state.
    Peer(PeerStatus),
    /// The helper's picture started or went.
    Video(bool),
    Monitors {
        monitors: Vec<Monitor>,
        current: usize,
    },
    /// Typed into the clipboard box.
    EditClipboard(String),
    /// Push was clicked: sent, or too long.
    ClipboardPushed(ClipboardNote),
    /// The customer's clipboard arrived.
    Clipboard(String),
    Refused {
        what: String,
        reason: String,
    },
}

impl RemoteControl {
    /// Whether "Request remote control" makes sense now.
    pub fn can_request(&self) -> bool {
        self.permission == Permission::Idle
    }

    /// The helper is in: the picture, the mode and the tools show.
    pub fn helper_in(&self) -> bool {
        self.permission == Permission::Allowed && self.helper == Helper::Joined
    }

    pub fn apply(&mut self, action: ControlAction) {
        match action {
            ControlAction::Requested => {
                if self.can_request() {
                    *self = RemoteControl {
                        permission: Permission::Asked,
                        clipboard: std::mem::take(&mut self.clipboard),
                        ..RemoteControl::default()
                    };
                }
            }
            ControlAction::Peer(status) => {
                if self.helper_in() {
                    self.peer = status;
                }
            }
            ControlAction::Video(on) => self.video = on && self.helper_in(),
            ControlAction::Monitors { monitors, current } => {
                if self.helper_in() {
                    self.current_monitor = current.min(monitors.len().saturating_sub(1));
                    self.monitors = monitors;
                }
            }
            ControlAction::EditClipboard(text) => {
                self.clipboard = text;
                self.clipboard_note = None;
            }
            ControlAction::ClipboardPushed(note) => self.clipboard_note = Some(note),
            ControlAction::Clipboard(text) => {
                self.clipboard = text;
                self.clipboard_note = None;
            }
            ControlAction::Refused { what, reason } => self.refused = Some((what, reason)),
        }
    }

    /// The customer answered, or control stopped.
    pub fn on_consent(&mut self, outcome: ConsentOutcome, transcript: &mut Transcript, at_ms: f64) {
        let notice = match outcome {
            ConsentOutcome::Allowed => {
                self.permission = Permission::Allowed;
                Notice::ControlAllowed
            }
            ConsentOutcome::Denied => Notice::ControlDenied,
            ConsentOutcome::TimedOut => Notice::ControlTimedOut,
            ConsentOutcome::Stopped => Notice::ControlStopped,
        };
        if outcome != ConsentOutcome::Allowed {
            self.permission = Permission::Idle;
            self.helper_gone();
        }
        transcript.notice(notice, at_ms);
    }

    /// A `helper` frame.
    pub fn on_helper(
        &mut self,
        status: HelperStatus,
        detail: Option<String>,
        transcript: &mut Transcript,
        at_ms: f64,
    ) {
        let was_in = self.helper == Helper::Joined;
        self.helper = Helper::from_status(status, detail);
        match status {
            HelperStatus::Joined => self.peer = PeerStatus::Connecting,
            HelperStatus::Left => {
                self.helper_gone();
                if was_in {
                    transcript.notice(Notice::HelperLeft, at_ms);
                }
            }
            HelperStatus::Unavailable => self.helper_gone(),
        }
    }

    /// A `control_mode` frame.
    pub fn on_mode(&mut self, controlling: bool) {
        self.controlling = controlling && self.helper_in();
    }

    /// The session ended: nothing of the helper stays but the last word.
    pub fn end(&mut self) {
        self.permission = Permission::Idle;
        self.helper_gone();
    }

    /// The helper link is gone: no picture, no mode, no monitors.
    fn helper_gone(&mut self) {
        if self.helper == Helper::Joined {
            self.helper = Helper::Absent;
        }
        self.controlling = false;
        self.video = false;
        self.peer = PeerStatus::Closed;
        self.monitors.clear();
        self.current_monitor = 0;
    }

    /// Checks a clipboard push: the text to send, or why not.
    pub fn clipboard_to_push(text: &str) -> Result<String, ClipboardNote> {
        if text.len() > MAX_CLIPBOARD_BYTES {
            Err(ClipboardNote::TooLong)
        } else {
            Ok(text.to_owned())
        }
    }
}
