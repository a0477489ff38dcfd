//! The customer page's state: the PIN form, then waiting, then the
//! connected session with chat, consent and sharing, then its end.

use protocol::limits::{CONSENT_TIMEOUT_SECS, MAX_NAME_CHARS};
use protocol::ws::{ConsentOutcome, ConsentScope, EndReason};
use protocol::{ErrorCode, Pin, ServerMessage, SessionId};

use super::{Entry, Notice, PeerStatus, Problem, Speaker};
use crate::format::unix_ms;

/// Where the customer is in the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Filling in the form. `joining` while a join is on its way, so the
    /// button cannot send it twice.
    Form { joining: bool },
    /// Joined; the technician has not started the session yet.
    Waiting,
    /// The technician started the session: chat and consent work.
    Connected,
    /// Over, and why.
    Ended(EndReason),
}

/// What the customer is sharing, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    Off,
    /// Allowed; the browser's picker (or camera prompt) is open.
    Starting(ShareKind),
    On(ShareKind),
}

/// What a share shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareKind {
    /// A screen, window or tab through `getDisplayMedia`.
    Screen,
    /// The back camera, where the browser cannot share a screen (phones).
    Camera,
}

/// The open consent dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentPrompt {
    /// What is asked; answered with the same scope.
    pub scope: ConsentScope,
    /// Named in the dialog: the customer must know who asks.
    pub technician: String,
    /// Local Unix ms when silence becomes a refusal; drives the countdown.
    pub deadline_ms: f64,
}

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
    pub transcript: Vec<Entry>,
    /// The open consent dialog, if the technician is asking.
    pub consent: Option<ConsentPrompt>,
    /// Drives the sharing banner: the customer must always see it.
    pub sharing: Sharing,
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
    /// The customer pressed Disconnect.
    Left,
    /// Back to the form after an ended session.
    StartOver,
}

/// Checks the form as the server would, so empty and malformed input is
/// explained at once. Returns the PIN and trimmed name to send.
pub fn check_form(
    pin: &str,
    name: &str,
) -> Result<(Pin, String), (Option<ErrorCode>, Option<ErrorCode>)> {
    let pin = Pin::parse(pin).map_err(ErrorCode::from);
    let name = name.trim();
    let name = if name.is_empty() {
        Err(ErrorCode::NameRequired)
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(ErrorCode::TooLong)
    } else {
        Ok(name.to_owned())
    };
    match (pin, name) {
        (Ok(pin), Ok(name)) => Ok((pin, name)),
        (pin, name) => Err((pin.err(), name.err())),
    }
}

/// When the consent dialog stops waiting. The server's `expires_at` is on
/// the server's clock; trusted when it is plausible against ours, else the
/// timeout is counted from arrival so a wrong local clock neither hides the
/// dialog at once nor keeps it open far longer than the server will.
pub fn consent_deadline(now_ms: f64, expires_at_ms: f64) -> f64 {
    let timeout_ms = (CONSENT_TIMEOUT_SECS * 1000) as f64;
    let left = expires_at_ms - now_ms;
    if left > 0.0 && left <= timeout_ms {
        expires_at_ms
    } else {
        now_ms + timeout_ms
    }
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
            transcript: Vec::new(),
            consent: None,
            sharing: Sharing::Off,
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
            Action::ChatSent { text, at_ms } => self.transcript.push(Entry::Chat {
                from: Speaker::Me,
                text,
                at_ms,
            }),
            Action::ChatReceived { text, at_ms } => self.transcript.push(Entry::Chat {
                from: Speaker::Peer,
                text,
                at_ms,
            }),
            Action::Answered { allowed, kind } => {
                self.consent = None;
                if allowed {
                    self.sharing = Sharing::Starting(kind);
                }
            }
            Action::ConsentExpired => self.consent = None,
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
            Action::Left => {
                if self.in_session() {
                    self.end(EndReason::CustomerLeft);
                }
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
            ServerMessage::Consent { outcome, .. } => {
                let event = match outcome {
                    ConsentOutcome::Allowed => Notice::Allowed,
                    ConsentOutcome::Denied => Notice::Denied,
                    ConsentOutcome::TimedOut => Notice::TimedOut,
                    ConsentOutcome::Stopped => Notice::Stopped,
                };
                if outcome != ConsentOutcome::Allowed {
                    self.consent = None;
                }
                if outcome == ConsentOutcome::Stopped {
                    self.sharing = Sharing::Off;
                }
                self.notice(event, now_ms);
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
            | ServerMessage::Signal { .. } => {}
        }
    }

    fn end(&mut self, reason: EndReason) {
        self.stage = Stage::Ended(reason);
        self.consent = None;
        self.sharing = Sharing::Off;
        self.peer = PeerStatus::Closed;
    }

    fn notice(&mut self, event: Notice, at_ms: f64) {
        self.transcript.push(Entry::Notice { event, at_ms });
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

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::ws::SessionStatus;
    use time::macros::datetime;

    const NOW: f64 = 1_795_000_000_000.0;

    fn server(state: &mut CustomerState, message: ServerMessage) {
        state.apply(Action::Server {
            message,
            now_ms: NOW,
        });
    }

    fn joined() -> ServerMessage {
        ServerMessage::Joined {
            session: SessionId(4),
            technician: "Tess".into(),
            status: SessionStatus::Waiting,
        }
    }

    fn started() -> ServerMessage {
        ServerMessage::Started {
            session: SessionId(4),
            technician: "Tess".into(),
            customer: "Ann".into(),
            ice_servers: vec![],
        }
    }

    fn connected() -> CustomerState {
        let mut s = CustomerState::new(Some("123456".into()));
        s.apply(Action::EditName("Ann".into()));
        s.apply(Action::Joining);
        server(&mut s, joined());
        server(&mut s, started());
        s
    }

    #[test]
    fn the_form_is_checked_locally_first() {
        assert_eq!(
            check_form("", ""),
            Err((Some(ErrorCode::PinEmpty), Some(ErrorCode::NameRequired)))
        );
        assert_eq!(
            check_form("12345", "Ann"),
            Err((Some(ErrorCode::PinMalformed), None))
        );
        assert_eq!(
            check_form("123456", &"a".repeat(MAX_NAME_CHARS + 1)),
            Err((None, Some(ErrorCode::TooLong)))
        );
        let (pin, name) = check_form("123 456", "  Ann ").unwrap();
        assert_eq!((pin.as_str(), name.as_str()), ("123456", "Ann"));
    }

    #[test]
    fn link_prefills_and_typing_clears_the_error() {
        let mut s = CustomerState::new(Some("123456".into()));
        assert_eq!(s.pin, "123456");
        s.apply(Action::Refused {
            pin: Some(ErrorCode::PinMalformed),
            name: None,
        });
        assert_eq!(s.pin_problem, Some(Problem::code(ErrorCode::PinMalformed)));
        s.apply(Action::EditPin("12345".into()));
        assert_eq!(s.pin_problem, None);
    }

    #[test]
    fn server_errors_land_beside_their_field_and_allow_a_retry() {
        let mut s = CustomerState::new(None);
        s.apply(Action::Joining);
        server(
            &mut s,
            ServerMessage::Error {
                code: ErrorCode::PinExpired,
                message: String::new(),
                session: None,
                retry_after_secs: None,
            },
        );
        assert_eq!(s.pin_problem, Some(Problem::code(ErrorCode::PinExpired)));
        assert_eq!(s.stage, Stage::Form { joining: false });

        s.apply(Action::Joining);
        server(
            &mut s,
            ServerMessage::Error {
                code: ErrorCode::RateLimited,
                message: String::new(),
                session: None,
                retry_after_secs: Some(30),
            },
        );
        assert_eq!(
            s.pin_problem,
            Some(Problem::Refused {
                code: ErrorCode::RateLimited,
                retry_after_secs: Some(30)
            })
        );

        s.apply(Action::Joining);
        server(&mut s, ServerMessage::error(ErrorCode::NameRequired));
        assert_eq!(s.name_problem, Some(Problem::code(ErrorCode::NameRequired)));
        assert_eq!(s.pin_problem, None);
    }

    #[test]
    fn an_unreachable_server_is_said_so() {
        let mut s = CustomerState::new(None);
        s.apply(Action::Joining);
        s.apply(Action::SocketLost);
        assert_eq!(s.pin_problem, Some(Problem::Unreachable));
        assert_eq!(s.stage, Stage::Form { joining: false });
    }

    #[test]
    fn join_wait_start() {
        let mut s = CustomerState::new(Some("123456".into()));
        s.apply(Action::Joining);
        server(&mut s, joined());
        assert_eq!(s.stage, Stage::Waiting);
        assert_eq!(s.technician, "Tess");
        assert!(s.in_session());
        server(&mut s, started());
        assert_eq!(s.stage, Stage::Connected);
        assert_eq!(s.peer, PeerStatus::Connecting);
        s.apply(Action::Peer(PeerStatus::Connected));
        assert_eq!(s.peer, PeerStatus::Connected);
    }

    #[test]
    fn chat_keeps_order_and_speaker() {
        let mut s = connected();
        s.apply(Action::ChatSent {
            text: "hi".into(),
            at_ms: 1.0,
        });
        s.apply(Action::ChatReceived {
            text: "hello".into(),
            at_ms: 2.0,
        });
        assert_eq!(
            s.transcript,
            vec![
                Entry::Chat {
                    from: Speaker::Me,
                    text: "hi".into(),
                    at_ms: 1.0
                },
                Entry::Chat {
                    from: Speaker::Peer,
                    text: "hello".into(),
                    at_ms: 2.0
                },
            ]
        );
    }

    fn consent_request(expires_at: time::OffsetDateTime) -> ServerMessage {
        ServerMessage::ConsentRequest {
            session: SessionId(4),
            scope: ConsentScope::ScreenView,
            technician: "Tess".into(),
            expires_at,
        }
    }

    #[test]
    fn consent_allow_share_stop() {
        let mut s = connected();
        let expires =
            time::OffsetDateTime::from_unix_timestamp((NOW / 1000.0) as i64 + 300).unwrap();
        server(&mut s, consent_request(expires));
        let prompt = s.consent.clone().unwrap();
        assert_eq!(prompt.technician, "Tess");
        assert_eq!(prompt.deadline_ms, NOW + 300_000.0);

        s.apply(Action::Answered {
            allowed: true,
            kind: ShareKind::Screen,
        });
        assert_eq!(s.consent, None);
        assert_eq!(s.sharing, Sharing::Starting(ShareKind::Screen));
        server(
            &mut s,
            ServerMessage::Consent {
                session: SessionId(4),
                scope: ConsentScope::ScreenView,
                outcome: ConsentOutcome::Allowed,
            },
        );
        s.apply(Action::ShareStarted(ShareKind::Screen));
        assert_eq!(s.sharing, Sharing::On(ShareKind::Screen));

        s.apply(Action::ShareEnded {
            failed: false,
            at_ms: NOW,
        });
        server(
            &mut s,
            ServerMessage::Consent {
                session: SessionId(4),
                scope: ConsentScope::ScreenView,
                outcome: ConsentOutcome::Stopped,
            },
        );
        assert_eq!(s.sharing, Sharing::Off);
        let notices: Vec<Notice> = s
            .transcript
            .iter()
            .filter_map(|e| match e {
                Entry::Notice { event, .. } => Some(*event),
                Entry::Chat { .. } => None,
            })
            .collect();
        assert_eq!(notices, vec![Notice::Allowed, Notice::Stopped]);
    }

    #[test]
    fn a_cancelled_picker_is_reported_once() {
        let mut s = connected();
        s.apply(Action::Answered {
            allowed: true,
            kind: ShareKind::Screen,
        });
        s.apply(Action::ShareEnded {
            failed: true,
            at_ms: NOW,
        });
        assert_eq!(s.sharing, Sharing::Off);
        assert_eq!(
            s.transcript,
            vec![Entry::Notice {
                event: Notice::ShareFailed,
                at_ms: NOW
            }]
        );
    }

    #[test]
    fn timeout_closes_the_dialog() {
        let mut s = connected();
        server(&mut s, consent_request(datetime!(2000-01-01 0:00 UTC)));
        assert!(s.consent.is_some());
        server(
            &mut s,
            ServerMessage::Consent {
                session: SessionId(4),
                scope: ConsentScope::ScreenView,
                outcome: ConsentOutcome::TimedOut,
            },
        );
        assert_eq!(s.consent, None);
        assert_eq!(s.sharing, Sharing::Off);
    }

    #[test]
    fn deadline_survives_a_wrong_clock() {
        let timeout = 300_000.0;
        assert_eq!(consent_deadline(NOW, NOW + 290_000.0), NOW + 290_000.0);
        // Our clock is far ahead of the server's: count from arrival.
        assert_eq!(consent_deadline(NOW, NOW - 60_000.0), NOW + timeout);
        // Our clock is far behind: never promise more than the timeout.
        assert_eq!(consent_deadline(NOW, NOW + 900_000.0), NOW + timeout);
    }

    #[test]
    fn consent_is_ignored_before_the_session_starts() {
        let mut s = CustomerState::new(None);
        s.apply(Action::Joining);
        server(&mut s, joined());
        server(&mut s, consent_request(datetime!(2000-01-01 0:00 UTC)));
        assert_eq!(s.consent, None);
    }

    #[test]
    fn every_way_of_ending() {
        let mut s = connected();
        s.apply(Action::Answered {
            allowed: true,
            kind: ShareKind::Camera,
        });
        s.apply(Action::ShareStarted(ShareKind::Camera));
        s.apply(Action::Left);
        assert_eq!(s.stage, Stage::Ended(EndReason::CustomerLeft));
        assert_eq!(s.sharing, Sharing::Off);
        // The server's own `ended` after our leave does not overwrite it.
        server(
            &mut s,
            ServerMessage::Ended {
                session: SessionId(4),
                reason: EndReason::CustomerDisconnected,
            },
        );
        assert_eq!(s.stage, Stage::Ended(EndReason::CustomerLeft));

        let mut s = connected();
        server(
            &mut s,
            ServerMessage::Ended {
                session: SessionId(4),
                reason: EndReason::TechnicianLeft,
            },
        );
        assert_eq!(s.stage, Stage::Ended(EndReason::TechnicianLeft));

        let mut s = connected();
        s.apply(Action::SocketLost);
        assert_eq!(s.stage, Stage::Ended(EndReason::CustomerDisconnected));
    }

    #[test]
    fn start_over_keeps_the_name_only() {
        let mut s = connected();
        s.apply(Action::Left);
        s.apply(Action::StartOver);
        assert_eq!(s.stage, Stage::Form { joining: false });
        assert_eq!(s.name, "Ann");
        assert_eq!(s.pin, "");
        assert!(s.transcript.is_empty());
    }
}
