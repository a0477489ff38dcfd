//! The technician console's state: sign-in, the link to the server, the
//! PIN card, the queue (and when it rings), and one tab per started session.

use std::collections::BTreeSet;

use protocol::api::{PinRequest, SessionReport};
use protocol::ws::{ConsentOutcome, EndReason, QueueEntry, SessionStatus};
use protocol::{ErrorCode, ServerMessage, SessionId};

use super::{Entry, Notice, PeerStatus, Problem, Speaker};
use crate::format::Quality;

/// Whether someone is signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// Asking `/api/me` on load; shows nothing yet, to avoid a sign-in
    /// form flashing up for someone who is signed in.
    Checking,
    SignedOut {
        /// A sign-in request is on its way.
        busy: bool,
        problem: Option<Problem>,
    },
    SignedIn {
        username: String,
    },
}

/// The console's signalling socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskLink {
    Connecting,
    Online,
    /// Lost; a reconnect is scheduled.
    Offline,
}

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

/// The "invite a customer" card.
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

/// How the live screen is sized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Scaled to the space, whole picture visible.
    Fit,
    /// One screen pixel per CSS pixel, scrolling; for reading small text.
    Actual,
}

/// One started session, shown as a tab.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionTab {
    /// Which session: the key for the peer link, the socket frames and the report.
    pub id: SessionId,
    /// The name the customer typed, on the tab and in the chat.
    pub customer: String,
    /// The direct connection, shown as `#connection-state`.
    pub peer: PeerStatus,
    /// Chat and consent events, kept after the end for the notes.
    pub transcript: Vec<Entry>,
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
}

impl SessionTab {
    fn new(id: SessionId, customer: String, notes: String) -> Self {
        Self {
            id,
            customer,
            peer: PeerStatus::Connecting,
            transcript: Vec::new(),
            screen: Screen::Idle,
            quality: None,
            notes,
            notes_save: Save::Clean,
            fit: Fit::Fit,
            unread: 0,
            ended: None,
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

    fn end(&mut self, reason: EndReason) {
        if self.ended.is_none() {
            self.ended = Some(reason);
        }
        self.screen = Screen::Idle;
        self.quality = None;
        self.peer = PeerStatus::Closed;
    }
}

/// The "Recent sessions" list on the overview.
#[derive(Debug, Clone, PartialEq)]
pub enum Reports {
    Loading,
    Loaded(Vec<SessionReport>),
    Failed,
}

/// Everything the console shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleState {
    /// Decides between the sign-in form and the console.
    pub auth: Auth,
    /// The socket, shown as a pill: a technician must know when the queue is stale.
    pub link: DeskLink,
    /// The server's latest queue, in its order.
    pub queue: Vec<QueueEntry>,
    /// Every session id the queue has shown, so only newcomers ring.
    known: BTreeSet<SessionId>,
    /// Bumped each time someone new waits; the page rings when it changes.
    pub ring: u32,
    /// The invite card in the sidebar.
    pub pin: PinCard,
    /// Started sessions, in the order they started.
    pub tabs: Vec<SessionTab>,
    /// The tab shown; `None` shows the overview.
    pub active: Option<SessionId>,
    /// "Recent sessions" on the overview.
    pub reports: Reports,
    /// An error not tied to a field (a refused start, say), shown once.
    pub alert: Option<ErrorCode>,
}

/// Everything that changes the console.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `/api/me` answered: who is signed in, if anyone.
    AuthChecked(Option<String>),
    SignInStarted,
    SignInFailed(Problem),
    SignedIn(String),
    /// Signed out by the button, or the server no longer knows us.
    SignedOut(Option<Problem>),

    LinkConnecting,
    LinkOnline,
    LinkLost,
    Server {
        message: ServerMessage,
        now_ms: f64,
    },

    PinRequested,
    PinIssued {
        pin: String,
        link: String,
        expires_at_ms: f64,
        /// The request that got it: which notes went with it, and whether
        /// it replaced the PIN on show (whose notes then carry over).
        request: PinRequest,
    },
    PinFailed(Problem),
    EditPinNotes(String),
    /// A save of the card's notes to `pin` is on its way.
    PinNotesSaving {
        pin: String,
    },
    /// The server stored `text` for `pin`, and says which session it
    /// started, if any: that session's notes are now `text` too.
    PinNotesSaved {
        pin: String,
        text: String,
        session: Option<SessionId>,
    },
    PinNotesFailed {
        pin: String,
        problem: Problem,
    },
    Copied(bool),

    Select(Option<SessionId>),
    Close(SessionId),
    Peer {
        session: SessionId,
        status: PeerStatus,
    },
    ChatSent {
        session: SessionId,
        text: String,
        at_ms: f64,
    },
    ChatReceived {
        session: SessionId,
        text: String,
        at_ms: f64,
    },
    ScreenRequested(SessionId),
    /// The remote picture started (`true`) or went away.
    Video {
        session: SessionId,
        live: bool,
    },
    Quality {
        session: SessionId,
        quality: Option<Quality>,
    },
    SetFit {
        session: SessionId,
        fit: Fit,
    },
    EditNotes {
        session: SessionId,
        text: String,
    },
    NotesSaving(SessionId),
    /// The server stored `text`; still dirty if more was typed meanwhile.
    NotesSaved {
        session: SessionId,
        text: String,
    },
    NotesFailed(SessionId),

    ReportsLoading,
    ReportsLoaded(Vec<SessionReport>),
    ReportsFailed,
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
            queue: Vec::new(),
            known: BTreeSet::new(),
            ring: 0,
            pin: PinCard::default(),
            tabs: Vec::new(),
            active: None,
            reports: Reports::Loading,
            alert: None,
        }
    }

    pub fn signed_in(&self) -> Option<&str> {
        match &self.auth {
            Auth::SignedIn { username } => Some(username),
            _ => None,
        }
    }

    /// Customers waiting for anyone to start their session.
    pub fn waiting(&self) -> usize {
        self.queue
            .iter()
            .filter(|e| e.status == SessionStatus::Waiting)
            .count()
    }

    /// The browser tab's title, with a badge while customers wait so a
    /// technician in another tab sees it.
    pub fn title(&self, base: &str) -> String {
        match self.waiting() {
            0 => base.to_owned(),
            n => format!("({n}) {base}"),
        }
    }

    pub fn tab(&self, id: SessionId) -> Option<&SessionTab> {
        self.tabs.iter().find(|t| t.id == id)
    }

    pub fn active_tab(&self) -> Option<&SessionTab> {
        self.active.and_then(|id| self.tab(id))
    }

    fn tab_mut(&mut self, id: SessionId) -> Option<&mut SessionTab> {
        self.tabs.iter_mut().find(|t| t.id == id)
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::AuthChecked(Some(username)) | Action::SignedIn(username) => {
                self.auth = Auth::SignedIn { username };
            }
            Action::AuthChecked(None) => {
                self.auth = Auth::SignedOut {
                    busy: false,
                    problem: None,
                };
            }
            Action::SignInStarted => {
                self.auth = Auth::SignedOut {
                    busy: true,
                    problem: None,
                };
            }
            Action::SignInFailed(problem) => {
                self.auth = Auth::SignedOut {
                    busy: false,
                    problem: Some(problem),
                };
            }
            Action::SignedOut(problem) => {
                // Nothing of the previous technician's may stay on screen.
                *self = ConsoleState::new();
                self.auth = Auth::SignedOut {
                    busy: false,
                    problem,
                };
            }

            Action::LinkConnecting => self.link = DeskLink::Connecting,
            Action::LinkOnline => self.link = DeskLink::Online,
            Action::LinkLost => {
                self.link = DeskLink::Offline;
                // The server ends every session of a console that drops;
                // its `ended` cannot reach us, so say it here.
                for tab in &mut self.tabs {
                    tab.end(EndReason::TechnicianDisconnected);
                }
            }
            Action::Server { message, now_ms } => self.on_server(message, now_ms),

            Action::PinRequested => {
                self.pin.busy = true;
                self.pin.problem = None;
                self.pin.copied = None;
            }
            Action::PinIssued {
                pin,
                link,
                expires_at_ms,
                request,
            } => {
                let card = &mut self.pin;
                card.busy = false;
                // What the server now holds for the new PIN, compared with
                // the field (which may have changed while the request ran).
                let in_sync = match &request.notes {
                    Some(sent) => card.notes == *sent,
                    // Carried over from the replaced PIN: the field's text
                    // if that PIN had it.
                    None if request.replaces.is_some() => {
                        card.notes.trim().is_empty()
                            && matches!(card.notes_save, Save::Clean | Save::Saved)
                    }
                    None => card.notes.trim().is_empty(),
                };
                card.notes_save = if in_sync { Save::Clean } else { Save::Dirty };
                card.notes_problem = None;
                card.issued = Some(IssuedPin {
                    pin,
                    link,
                    expires_at_ms,
                    session: None,
                    used_by: None,
                });
            }
            Action::PinFailed(problem) => {
                self.pin.busy = false;
                self.pin.problem = Some(problem);
            }
            Action::EditPinNotes(text) => {
                self.pin.notes = text;
                // Without a PIN the notes simply go with the next request.
                if self.pin.issued.is_some() {
                    self.pin.notes_save = Save::Dirty;
                }
            }
            Action::PinNotesSaving { pin } => {
                if self.is_current_pin(&pin) {
                    self.pin.notes_save = Save::Saving;
                    self.pin.notes_problem = None;
                }
            }
            Action::PinNotesSaved { pin, text, session } => {
                if let Some(id) = session {
                    // The session view shows them, unless its own edit
                    // is on its way (that one is newer and will win).
                    if let Some(tab) = self
                        .tab_mut(id)
                        .filter(|t| !matches!(t.notes_save, Save::Dirty | Save::Saving))
                    {
                        tab.notes = text.clone();
                        tab.notes_save = Save::Saved;
                    }
                }
                if self.is_current_pin(&pin) {
                    self.pin.notes_save = if self.pin.notes == text {
                        Save::Saved
                    } else {
                        Save::Dirty
                    };
                    self.pin.notes_problem = None;
                    if let Some(id) = session
                        && let Some(issued) = self.pin.issued.as_mut()
                    {
                        issued.session = Some(id);
                    }
                    self.name_pin_user();
                }
            }
            Action::PinNotesFailed { pin, problem } => {
                if self.is_current_pin(&pin) {
                    self.pin.notes_save = Save::Failed;
                    self.pin.notes_problem = Some(problem);
                }
            }
            Action::Copied(ok) => self.pin.copied = Some(ok),

            Action::Select(id) => {
                self.active = id.filter(|id| self.tab(*id).is_some());
                if let Some(tab) = id.and_then(|id| self.tab_mut(id)) {
                    tab.unread = 0;
                }
            }
            Action::Close(id) => {
                self.tabs.retain(|t| t.id != id || t.is_live());
                if self.active == Some(id) && self.tab(id).is_none() {
                    self.active = None;
                }
            }
            Action::Peer { session, status } => {
                if let Some(tab) = self.tab_mut(session).filter(|t| t.is_live()) {
                    tab.peer = status;
                }
            }
            Action::ChatSent {
                session,
                text,
                at_ms,
            } => {
                if let Some(tab) = self.tab_mut(session) {
                    tab.transcript.push(Entry::Chat {
                        from: Speaker::Me,
                        text,
                        at_ms,
                    });
                }
            }
            Action::ChatReceived {
                session,
                text,
                at_ms,
            } => {
                let shown = self.active == Some(session);
                if let Some(tab) = self.tab_mut(session) {
                    tab.transcript.push(Entry::Chat {
                        from: Speaker::Peer,
                        text,
                        at_ms,
                    });
                    if !shown {
                        tab.unread += 1;
                    }
                }
            }
            Action::ScreenRequested(session) => {
                if let Some(tab) = self.tab_mut(session).filter(|t| t.can_request_screen()) {
                    tab.screen = Screen::Asked;
                }
            }
            Action::Video { session, live } => {
                if let Some(tab) = self.tab_mut(session).filter(|t| t.is_live()) {
                    if live {
                        tab.screen = Screen::Live;
                    } else if tab.screen == Screen::Live {
                        tab.screen = Screen::Idle;
                        tab.quality = None;
                    }
                }
            }
            Action::Quality { session, quality } => {
                if let Some(tab) = self.tab_mut(session).filter(|t| t.screen == Screen::Live) {
                    tab.quality = quality;
                }
            }
            Action::SetFit { session, fit } => {
                if let Some(tab) = self.tab_mut(session) {
                    tab.fit = fit;
                }
            }
            Action::EditNotes { session, text } => {
                // The PIN card edits the same notes once its PIN is known to
                // have started this session: keep it showing them, so a
                // later edit there does not write back older text.
                let card = &mut self.pin;
                if card.issued.as_ref().and_then(|p| p.session) == Some(session)
                    && !matches!(card.notes_save, Save::Dirty | Save::Saving)
                {
                    card.notes = text.clone();
                    card.notes_save = Save::Clean;
                    card.notes_problem = None;
                }
                if let Some(tab) = self.tab_mut(session) {
                    tab.notes = text;
                    tab.notes_save = Save::Dirty;
                }
            }
            Action::NotesSaving(session) => {
                if let Some(tab) = self.tab_mut(session) {
                    tab.notes_save = Save::Saving;
                }
            }
            Action::NotesSaved { session, text } => {
                if let Some(tab) = self.tab_mut(session) {
                    tab.notes_save = if tab.notes == text {
                        Save::Saved
                    } else {
                        Save::Dirty
                    };
                }
            }
            Action::NotesFailed(session) => {
                if let Some(tab) = self.tab_mut(session) {
                    tab.notes_save = Save::Failed;
                }
            }

            Action::ReportsLoading => {
                // Keep showing the old list while a refresh runs.
                if !matches!(self.reports, Reports::Loaded(_)) {
                    self.reports = Reports::Loading;
                }
            }
            Action::ReportsLoaded(reports) => self.reports = Reports::Loaded(reports),
            Action::ReportsFailed => self.reports = Reports::Failed,
            Action::DismissAlert => self.alert = None,
        }
    }

    fn on_server(&mut self, message: ServerMessage, now_ms: f64) {
        match message {
            ServerMessage::Welcome { technician } => {
                self.link = DeskLink::Online;
                self.auth = Auth::SignedIn {
                    username: technician,
                };
            }
            ServerMessage::Queue { sessions } => self.on_queue(sessions),
            ServerMessage::QueueUpdate { session } => {
                let mut sessions = self.queue.clone();
                match sessions.iter_mut().find(|e| e.id == session.id) {
                    Some(entry) => *entry = session,
                    None => {
                        sessions.push(session);
                        sessions.sort_by_key(|e| e.id);
                    }
                }
                self.on_queue(sessions);
            }
            ServerMessage::QueueRemove { session } => {
                let sessions = self
                    .queue
                    .iter()
                    .filter(|e| e.id != session)
                    .cloned()
                    .collect();
                self.on_queue(sessions);
            }
            ServerMessage::Started {
                session, customer, ..
            } => {
                if self.tab(session).is_none() {
                    let notes = self
                        .queue
                        .iter()
                        .find(|e| e.id == session)
                        .map(|e| e.notes.clone())
                        .unwrap_or_default();
                    self.tabs.push(SessionTab::new(session, customer, notes));
                }
                self.active = Some(session);
            }
            ServerMessage::Consent {
                session, outcome, ..
            } => {
                if let Some(tab) = self.tab_mut(session).filter(|t| t.is_live()) {
                    let event = match outcome {
                        ConsentOutcome::Allowed => {
                            if tab.screen != Screen::Live {
                                tab.screen = Screen::Allowed;
                            }
                            Notice::Allowed
                        }
                        ConsentOutcome::Denied => Notice::Denied,
                        ConsentOutcome::TimedOut => Notice::TimedOut,
                        ConsentOutcome::Stopped => Notice::Stopped,
                    };
                    if outcome != ConsentOutcome::Allowed {
                        tab.screen = Screen::Idle;
                        tab.quality = None;
                    }
                    tab.transcript.push(Entry::Notice {
                        event,
                        at_ms: now_ms,
                    });
                }
            }
            ServerMessage::Ended { session, reason } => {
                if let Some(tab) = self.tab_mut(session) {
                    tab.end(reason);
                }
            }
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
            | ServerMessage::Signal { .. }
            | ServerMessage::ConsentRequest { .. } => {}
        }
    }

    fn on_queue(&mut self, sessions: Vec<QueueEntry>) {
        let newcomers: Vec<&QueueEntry> = sessions
            .iter()
            .filter(|e| !self.known.contains(&e.id))
            .collect();
        if newcomers.iter().any(|e| e.status == SessionStatus::Waiting) {
            self.ring = self.ring.wrapping_add(1);
        }
        self.known.extend(sessions.iter().map(|e| e.id));
        self.queue = sessions;
        self.name_pin_user();
    }

    /// True if `pin` is the PIN on the card; answers about a replaced one
    /// no longer concern the card.
    fn is_current_pin(&self, pin: &str) -> bool {
        self.pin.issued.as_ref().is_some_and(|p| p.pin == pin)
    }

    /// Names the customer of the card's PIN once its session is known and
    /// the queue or a tab has the name.
    fn name_pin_user(&mut self) {
        let Some(issued) = self.pin.issued.as_mut().filter(|p| p.used_by.is_none()) else {
            return;
        };
        let Some(id) = issued.session else { return };
        issued.used_by = self
            .queue
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.customer.clone())
            .or_else(|| {
                self.tabs
                    .iter()
                    .find(|t| t.id == id)
                    .map(|t| t.customer.clone())
            });
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

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::ws::ConsentScope;
    use time::macros::datetime;

    fn entry(id: i64, customer: &str, suffix: &str, status: SessionStatus) -> QueueEntry {
        QueueEntry {
            id: SessionId(id),
            customer: customer.into(),
            status,
            pin_suffix: suffix.into(),
            joined_at: datetime!(2026-11-22 10:00 UTC),
            notes: String::new(),
        }
    }

    fn server(s: &mut ConsoleState, message: ServerMessage) {
        s.apply(Action::Server {
            message,
            now_ms: 5.0,
        });
    }

    fn queue(s: &mut ConsoleState, sessions: Vec<QueueEntry>) {
        server(s, ServerMessage::Queue { sessions });
    }

    fn started(s: &mut ConsoleState, id: i64, customer: &str) {
        server(
            s,
            ServerMessage::Started {
                session: SessionId(id),
                technician: "tess".into(),
                customer: customer.into(),
                ice_servers: vec![],
            },
        );
    }

    fn signed_in() -> ConsoleState {
        let mut s = ConsoleState::new();
        s.apply(Action::AuthChecked(Some("tess".into())));
        server(
            &mut s,
            ServerMessage::Welcome {
                technician: "tess".into(),
            },
        );
        s
    }

    #[test]
    fn sign_in_flow() {
        let mut s = ConsoleState::new();
        assert_eq!(s.auth, Auth::Checking);
        s.apply(Action::AuthChecked(None));
        s.apply(Action::SignInStarted);
        assert_eq!(
            s.auth,
            Auth::SignedOut {
                busy: true,
                problem: None
            }
        );
        s.apply(Action::SignInFailed(Problem::code(
            ErrorCode::InvalidCredentials,
        )));
        assert!(matches!(
            s.auth,
            Auth::SignedOut {
                busy: false,
                problem: Some(_)
            }
        ));
        s.apply(Action::SignedIn("tess".into()));
        assert_eq!(s.signed_in(), Some("tess"));
    }

    #[test]
    fn queue_changes_arrive_one_entry_at_a_time() {
        let mut s = signed_in();
        queue(&mut s, vec![entry(1, "Ann", "56", SessionStatus::Waiting)]);
        let rang = s.ring;
        server(
            &mut s,
            ServerMessage::QueueUpdate {
                session: entry(2, "Bob", "78", SessionStatus::Waiting),
            },
        );
        assert_eq!(s.ring, rang.wrapping_add(1), "a newcomer rings");
        server(
            &mut s,
            ServerMessage::QueueUpdate {
                session: entry(1, "Ann", "56", SessionStatus::Active),
            },
        );
        assert_eq!(s.ring, rang.wrapping_add(1), "a change does not ring");
        assert_eq!(s.queue.len(), 2);
        assert_eq!(s.queue[0].status, SessionStatus::Active);
        server(
            &mut s,
            ServerMessage::QueueRemove {
                session: SessionId(1),
            },
        );
        assert_eq!(s.queue.len(), 1);
        assert_eq!(s.queue[0].customer, "Bob");
    }

    #[test]
    fn signing_out_forgets_everything() {
        let mut s = signed_in();
        queue(&mut s, vec![entry(1, "Ann", "56", SessionStatus::Waiting)]);
        started(&mut s, 1, "Ann");
        s.apply(Action::SignedOut(None));
        assert_eq!(s.signed_in(), None);
        assert!(s.queue.is_empty() && s.tabs.is_empty());
    }

    #[test]
    fn server_says_not_signed_in() {
        let mut s = signed_in();
        server(&mut s, ServerMessage::error(ErrorCode::NotSignedIn));
        assert_eq!(
            s.auth,
            Auth::SignedOut {
                busy: false,
                problem: Some(Problem::code(ErrorCode::NotSignedIn))
            }
        );
    }

    #[test]
    fn only_newcomers_ring_and_the_title_counts_waiting() {
        let mut s = signed_in();
        assert_eq!(s.title("Lifeline console"), "Lifeline console");
        queue(&mut s, vec![entry(1, "Ann", "56", SessionStatus::Waiting)]);
        assert_eq!(s.ring, 1);
        assert_eq!(s.title("Lifeline console"), "(1) Lifeline console");
        // The same queue again (another change elsewhere) does not ring.
        queue(&mut s, vec![entry(1, "Ann", "56", SessionStatus::Waiting)]);
        assert_eq!(s.ring, 1);
        queue(
            &mut s,
            vec![
                entry(1, "Ann", "56", SessionStatus::Active),
                entry(2, "Bob", "11", SessionStatus::Waiting),
            ],
        );
        assert_eq!(s.ring, 2);
        assert_eq!(s.title("Lifeline console"), "(1) Lifeline console");
        queue(&mut s, vec![entry(1, "Ann", "56", SessionStatus::Active)]);
        assert_eq!(s.title("Lifeline console"), "Lifeline console");
    }

    fn issue(s: &mut ConsoleState, pin: &str, request: PinRequest) {
        s.apply(Action::PinRequested);
        s.apply(Action::PinIssued {
            pin: pin.into(),
            link: format!("http://x/?code={pin}"),
            expires_at_ms: 1.0,
            request,
        });
    }

    fn with_notes(notes: &str) -> PinRequest {
        PinRequest {
            notes: Some(notes.into()),
            replaces: None,
        }
    }

    fn pin_saved(s: &mut ConsoleState, pin: &str, text: &str, session: Option<i64>) {
        s.apply(Action::PinNotesSaved {
            pin: pin.into(),
            text: text.into(),
            session: session.map(SessionId),
        });
    }

    #[test]
    fn pin_card_notes_save_to_the_pin() {
        let mut s = signed_in();
        // Before "New PIN" there is nothing to save to: they go with the request.
        s.apply(Action::EditPinNotes("printer jams".into()));
        assert_eq!(s.pin.notes_save, Save::Clean);
        s.apply(Action::PinRequested);
        assert!(s.pin.busy);
        s.apply(Action::PinIssued {
            pin: "123456".into(),
            link: "http://x/?code=123456".into(),
            expires_at_ms: 1.0,
            request: with_notes("printer jams"),
        });
        assert!(!s.pin.busy);
        assert_eq!(s.pin.notes_save, Save::Clean);
        assert_eq!(s.pin.notes, "printer jams");

        s.apply(Action::EditPinNotes("printer jams, vpn".into()));
        assert_eq!(s.pin.notes_save, Save::Dirty);
        s.apply(Action::PinNotesSaving {
            pin: "123456".into(),
        });
        assert_eq!(s.pin.notes_save, Save::Saving);
        s.apply(Action::EditPinNotes("printer jams, vpn!".into()));
        pin_saved(&mut s, "123456", "printer jams, vpn", None);
        // More was typed while saving: still needs a save.
        assert_eq!(s.pin.notes_save, Save::Dirty);
        pin_saved(&mut s, "123456", "printer jams, vpn!", None);
        assert_eq!(s.pin.notes_save, Save::Saved);
        let issued = s.pin.issued.as_ref().unwrap();
        assert_eq!((issued.session, issued.used_by.as_deref()), (None, None));
    }

    #[test]
    fn the_server_says_which_session_took_the_notes_not_the_pin_suffix() {
        let mut s = signed_in();
        issue(&mut s, "123456", PinRequest::default());
        // Two customers whose PINs end alike: neither is taken for this one.
        queue(
            &mut s,
            vec![
                entry(10, "Ann", "56", SessionStatus::Waiting),
                entry(11, "Bob", "56", SessionStatus::Waiting),
            ],
        );
        assert_eq!(s.pin.issued.as_ref().unwrap().used_by, None);
        started(&mut s, 10, "Ann");
        started(&mut s, 11, "Bob");

        s.apply(Action::EditPinNotes("vpn".into()));
        s.apply(Action::PinNotesSaving {
            pin: "123456".into(),
        });
        pin_saved(&mut s, "123456", "vpn", Some(11));
        assert_eq!(s.pin.notes_save, Save::Saved);
        let issued = s.pin.issued.as_ref().unwrap();
        assert_eq!(issued.session, Some(SessionId(11)));
        assert_eq!(issued.used_by.as_deref(), Some("Bob"));
        let bob = s.tab(SessionId(11)).unwrap();
        assert_eq!((bob.notes.as_str(), bob.notes_save), ("vpn", Save::Saved));
        assert_eq!(s.tab(SessionId(10)).unwrap().notes, "");
    }

    #[test]
    fn the_pins_customer_is_named_once_the_queue_shows_the_session() {
        let mut s = signed_in();
        issue(&mut s, "123456", PinRequest::default());
        s.apply(Action::EditPinNotes("vpn".into()));
        // The answer came before the queue did; no tab is open.
        pin_saved(&mut s, "123456", "vpn", Some(12));
        assert_eq!(s.pin.issued.as_ref().unwrap().used_by, None);
        let mut e = entry(12, "Cat", "56", SessionStatus::Waiting);
        e.notes = "vpn".into();
        queue(&mut s, vec![e]);
        assert_eq!(
            s.pin.issued.as_ref().unwrap().used_by.as_deref(),
            Some("Cat")
        );
        // Its tab starts with the notes the server moved to the session.
        started(&mut s, 12, "Cat");
        assert_eq!(s.tab(SessionId(12)).unwrap().notes, "vpn");
    }

    #[test]
    fn a_tab_being_edited_keeps_its_own_newer_text() {
        let mut s = signed_in();
        issue(&mut s, "123456", PinRequest::default());
        started(&mut s, 3, "Ann");
        s.apply(Action::EditNotes {
            session: SessionId(3),
            text: "typed in the session".into(),
        });
        pin_saved(&mut s, "123456", "typed on the card", Some(3));
        let tab = s.tab(SessionId(3)).unwrap();
        assert_eq!(tab.notes, "typed in the session");
        assert_eq!(tab.notes_save, Save::Dirty);
    }

    #[test]
    fn session_edits_show_on_the_card_of_the_pin_that_started_it() {
        let mut s = signed_in();
        issue(&mut s, "123456", PinRequest::default());
        started(&mut s, 3, "Ann");
        s.apply(Action::EditPinNotes("vpn".into()));
        pin_saved(&mut s, "123456", "vpn", Some(3));
        s.apply(Action::EditNotes {
            session: SessionId(3),
            text: "vpn, driver".into(),
        });
        assert_eq!(s.pin.notes, "vpn, driver");
        assert_eq!(s.pin.notes_save, Save::Clean);
        // Other sessions' notes stay off the card.
        started(&mut s, 4, "Bob");
        s.apply(Action::EditNotes {
            session: SessionId(4),
            text: "other".into(),
        });
        assert_eq!(s.pin.notes, "vpn, driver");
    }

    #[test]
    fn failed_saves_say_why_and_answers_for_replaced_pins_are_ignored() {
        let mut s = signed_in();
        issue(&mut s, "111111", PinRequest::default());
        s.apply(Action::EditPinNotes("vpn".into()));
        s.apply(Action::PinNotesSaving {
            pin: "111111".into(),
        });
        let stale = Problem::code(ErrorCode::OutOfOrder);
        s.apply(Action::PinNotesFailed {
            pin: "111111".into(),
            problem: stale,
        });
        assert_eq!(s.pin.notes_save, Save::Failed);
        assert_eq!(s.pin.notes_problem, Some(stale));

        // "Create another PIN" with the notes in the field.
        issue(
            &mut s,
            "222222",
            PinRequest {
                notes: Some("vpn".into()),
                replaces: Some("111111".into()),
            },
        );
        assert_eq!(s.pin.notes_save, Save::Clean);
        assert_eq!(s.pin.notes_problem, None);
        s.apply(Action::PinNotesSaving {
            pin: "111111".into(),
        });
        s.apply(Action::PinNotesFailed {
            pin: "111111".into(),
            problem: stale,
        });
        pin_saved(&mut s, "111111", "old", None);
        assert_eq!(s.pin.notes_save, Save::Clean);
        assert_eq!(s.pin.notes_problem, None);
    }

    #[test]
    fn a_new_pin_is_in_sync_only_if_it_got_the_fields_text() {
        let mut s = signed_in();
        // Typed while the request ran: the PIN has the older text.
        s.apply(Action::EditPinNotes("vpn".into()));
        s.apply(Action::PinRequested);
        s.apply(Action::EditPinNotes("vpn, printer".into()));
        s.apply(Action::PinIssued {
            pin: "111111".into(),
            link: String::new(),
            expires_at_ms: 1.0,
            request: with_notes("vpn"),
        });
        assert_eq!(s.pin.notes_save, Save::Dirty);

        // Replacing with an empty field: the old PIN's notes carry over,
        // which is right only if the empty field had been saved to it.
        s.apply(Action::EditPinNotes(String::new()));
        pin_saved(&mut s, "111111", "", None);
        let another = |old: &str| PinRequest {
            notes: None,
            replaces: Some(old.into()),
        };
        issue(&mut s, "222222", another("111111"));
        assert_eq!(s.pin.notes_save, Save::Clean);
        s.apply(Action::EditPinNotes("x".into()));
        s.apply(Action::EditPinNotes(String::new()));
        issue(&mut s, "333333", another("222222"));
        assert_eq!(s.pin.notes_save, Save::Dirty);

        // A fresh PIN without notes has none.
        issue(&mut s, "444444", PinRequest::default());
        assert_eq!(s.pin.notes_save, Save::Clean);
    }

    #[test]
    fn started_sessions_open_tabs() {
        let mut s = signed_in();
        let mut e = entry(1, "Ann", "56", SessionStatus::Waiting);
        e.notes = "from pin".into();
        queue(
            &mut s,
            vec![e, entry(2, "Bob", "11", SessionStatus::Waiting)],
        );
        started(&mut s, 1, "Ann");
        started(&mut s, 2, "Bob");
        assert_eq!(s.tabs.len(), 2);
        assert_eq!(s.active, Some(SessionId(2)));
        assert_eq!(s.tab(SessionId(1)).unwrap().notes, "from pin");
        // Chat into the hidden tab counts as unread until shown.
        s.apply(Action::ChatReceived {
            session: SessionId(1),
            text: "hello".into(),
            at_ms: 1.0,
        });
        assert_eq!(s.tab(SessionId(1)).unwrap().unread, 1);
        s.apply(Action::Select(Some(SessionId(1))));
        assert_eq!(s.tab(SessionId(1)).unwrap().unread, 0);
        s.apply(Action::Select(None));
        assert_eq!(s.active_tab(), None);
    }

    #[test]
    fn screen_request_lifecycle() {
        let mut s = signed_in();
        started(&mut s, 1, "Ann");
        let id = SessionId(1);
        let consent = |outcome| ServerMessage::Consent {
            session: id,
            scope: ConsentScope::ScreenView,
            outcome,
        };
        s.apply(Action::ScreenRequested(id));
        assert_eq!(s.tab(id).unwrap().screen, Screen::Asked);
        assert!(!s.tab(id).unwrap().can_request_screen());
        server(&mut s, consent(ConsentOutcome::Allowed));
        assert_eq!(s.tab(id).unwrap().screen, Screen::Allowed);
        s.apply(Action::Video {
            session: id,
            live: true,
        });
        let q = Quality {
            width: 1280,
            height: 720,
            fps: 20.0,
            kbps: None,
            rtt_ms: None,
        };
        s.apply(Action::Quality {
            session: id,
            quality: Some(q),
        });
        assert_eq!(s.tab(id).unwrap().quality, Some(q));
        server(&mut s, consent(ConsentOutcome::Stopped));
        let tab = s.tab(id).unwrap();
        assert_eq!(tab.screen, Screen::Idle);
        assert_eq!(tab.quality, None);
        assert!(tab.can_request_screen());
        s.apply(Action::ScreenRequested(id));
        server(&mut s, consent(ConsentOutcome::Denied));
        s.apply(Action::ScreenRequested(id));
        server(&mut s, consent(ConsentOutcome::TimedOut));
        let notices: Vec<Notice> = s
            .tab(id)
            .unwrap()
            .transcript
            .iter()
            .filter_map(|e| match e {
                Entry::Notice { event, .. } => Some(*event),
                Entry::Chat { .. } => None,
            })
            .collect();
        assert_eq!(
            notices,
            vec![
                Notice::Allowed,
                Notice::Stopped,
                Notice::Denied,
                Notice::TimedOut
            ]
        );
    }

    #[test]
    fn notes_save_states() {
        let mut s = signed_in();
        started(&mut s, 1, "Ann");
        let id = SessionId(1);
        s.apply(Action::EditNotes {
            session: id,
            text: "a".into(),
        });
        assert_eq!(s.tab(id).unwrap().notes_save, Save::Dirty);
        s.apply(Action::NotesSaving(id));
        s.apply(Action::EditNotes {
            session: id,
            text: "ab".into(),
        });
        s.apply(Action::NotesSaved {
            session: id,
            text: "a".into(),
        });
        // More was typed while saving: still needs a save.
        assert_eq!(s.tab(id).unwrap().notes_save, Save::Dirty);
        s.apply(Action::NotesSaved {
            session: id,
            text: "ab".into(),
        });
        assert_eq!(s.tab(id).unwrap().notes_save, Save::Saved);
        s.apply(Action::NotesFailed(id));
        assert_eq!(s.tab(id).unwrap().notes_save, Save::Failed);
    }

    #[test]
    fn ended_tabs_stay_until_closed() {
        let mut s = signed_in();
        started(&mut s, 1, "Ann");
        let id = SessionId(1);
        s.apply(Action::Close(id));
        assert!(s.tab(id).is_some(), "a live session cannot be closed away");
        server(
            &mut s,
            ServerMessage::Ended {
                session: id,
                reason: EndReason::CustomerLeft,
            },
        );
        let tab = s.tab(id).unwrap();
        assert_eq!(tab.ended, Some(EndReason::CustomerLeft));
        assert_eq!(tab.peer, PeerStatus::Closed);
        // Late peer news does not bring it back to life.
        s.apply(Action::Peer {
            session: id,
            status: PeerStatus::Connected,
        });
        assert_eq!(s.tab(id).unwrap().peer, PeerStatus::Closed);
        s.apply(Action::Close(id));
        assert!(s.tab(id).is_none());
        assert_eq!(s.active, None);
    }

    #[test]
    fn losing_the_server_ends_open_sessions() {
        let mut s = signed_in();
        started(&mut s, 1, "Ann");
        s.apply(Action::LinkLost);
        assert_eq!(s.link, DeskLink::Offline);
        assert_eq!(
            s.tab(SessionId(1)).unwrap().ended,
            Some(EndReason::TechnicianDisconnected)
        );
    }

    #[test]
    fn refused_requests_raise_an_alert() {
        let mut s = signed_in();
        server(&mut s, ServerMessage::error(ErrorCode::SessionNotFound));
        assert_eq!(s.alert, Some(ErrorCode::SessionNotFound));
        s.apply(Action::DismissAlert);
        assert_eq!(s.alert, None);
    }

    #[test]
    fn reports_refresh_keeps_the_old_list() {
        let mut s = signed_in();
        s.apply(Action::ReportsLoaded(vec![]));
        s.apply(Action::ReportsLoading);
        assert_eq!(s.reports, Reports::Loaded(vec![]));
        s.apply(Action::ReportsFailed);
        assert_eq!(s.reports, Reports::Failed);
    }
}
