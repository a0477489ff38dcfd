//! The console's socket: opened once signed in, reconnected with backoff
//! when it drops, closed on sign-out; and what the server's frames mean
//! for the desk beyond the reducer.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use protocol::activity::{Activity, TransferRecord};
use protocol::peer::chat::ChatMessage;
use protocol::peer::screen::ScreenMessage;
use protocol::ws::{ConsentOutcome, ConsentScope, HelperStatus};
use protocol::{ClientMessage, ErrorCode, Role, ServerMessage, SessionId};
use wasm_bindgen_futures::spawn_local;
use web_sys::MediaStream;

use super::{Inner, TechnicianDesk};
use crate::browser;
use crate::net::api;
use crate::session::peer::chat_line;
use crate::session::wiring::{self, Controller};
use crate::signal_data::{SignalTarget, signal_target};
use crate::state::console::{Action, TabAction};
use crate::state::transfers::TransferAction;
use crate::state::{PeerStatus, Problem};

/// Reconnect delays grow to this, so a server restart is noticed soon but
/// a long outage is not hammered.
const MAX_RECONNECT_MS: u32 = 15_000;

impl TechnicianDesk {
    /// Signed in: open the socket (and keep it open).
    pub(super) fn go_online(&self) {
        if self.inner.wanted.replace(true) {
            return;
        }
        Inner::connect(&self.inner);
    }

    /// Signed out: close everything and stop reconnecting.
    pub(super) fn go_offline(&self) {
        self.inner.go_offline();
    }
}

impl Inner {
    pub(super) fn send_frame(&self, message: &ClientMessage) {
        if let Some(socket) = self.socket.borrow().as_ref() {
            socket.send(message);
        }
    }

    pub(super) fn go_offline(&self) {
        self.wanted.set(false);
        self.reconnect.borrow_mut().take();
        if let Some(socket) = self.socket.borrow_mut().take() {
            socket.close();
        }
        self.close_all();
    }

    fn connect(this: &Rc<Inner>) {
        this.dispatch.emit(Action::LinkConnecting);
        let weak = Rc::downgrade(this);
        // Ask who we are first: after a server restart or an expired cookie
        // the socket would open as a customer's and never say `welcome`.
        spawn_local(async move {
            let me = api::me().await;
            let Some(inner) = weak.upgrade().filter(|i| i.wanted.get()) else {
                return;
            };
            match me {
                Ok(Some(_)) => Inner::open_socket(&inner),
                Ok(None) => {
                    inner.go_offline();
                    let problem = Problem::code(ErrorCode::NotSignedIn);
                    inner.dispatch.emit(Action::SignedOut(Some(problem)));
                }
                Err(_) => Inner::schedule_reconnect(&inner),
            }
        });
    }

    fn open_socket(this: &Rc<Inner>) {
        match wiring::open_socket(this) {
            Ok(socket) => *this.socket.borrow_mut() = Some(socket),
            Err(e) => {
                browser::log(&format!("lifeline: socket failed: {e:?}"));
                this.dispatch.emit(Action::LinkLost);
                Inner::schedule_reconnect(this);
            }
        }
    }

    fn schedule_reconnect(this: &Rc<Inner>) {
        if !this.wanted.get() {
            return;
        }
        let attempt = this.attempts.get();
        this.attempts.set(attempt.saturating_add(1));
        let delay = 1000u32
            .saturating_mul(1 << attempt.min(4))
            .min(MAX_RECONNECT_MS);
        let weak = Rc::downgrade(this);
        let timer = Timeout::new(delay, move || {
            if let Some(inner) = weak.upgrade().filter(|i| i.wanted.get()) {
                Inner::connect(&inner);
            }
        });
        *this.reconnect.borrow_mut() = Some(timer);
    }
}

impl Inner {
    /// A relayed signal goes to the connection of whoever sent it: the
    /// customer's browser or the helper, never the other.
    fn route_signal(&self, session: SessionId, from: Role, data: &serde_json::Value) {
        let sessions = self.sessions.borrow();
        let Some(live) = sessions.get(&session) else {
            return;
        };
        match signal_target(Role::Technician, from) {
            SignalTarget::Browser => live.peer.link.handle_signal(data),
            SignalTarget::Helper => match &live.helper {
                Some(helper) => helper.handle_signal(data),
                None => browser::log("lifeline: helper signal without a helper link ignored"),
            },
            SignalTarget::Nobody => {
                browser::log(&format!("lifeline: signal from {from:?} ignored"))
            }
        }
    }
}

impl Controller for Inner {
    fn send(&self, message: &ClientMessage) {
        self.send_frame(message);
    }

    fn on_server(self: &Rc<Self>, message: ServerMessage) {
        match &message {
            ServerMessage::Welcome { .. } => self.attempts.set(0),
            ServerMessage::Started {
                session,
                ice_servers,
                ..
            } => Inner::open_peer(self, *session, ice_servers),
            ServerMessage::Signal {
                session,
                from,
                data,
            } => self.route_signal(*session, *from, data),
            ServerMessage::Consent {
                session,
                scope: ConsentScope::ScreenView,
                outcome,
            } if *outcome != ConsentOutcome::Allowed => {
                Inner::set_stream(self, *session, None);
            }
            ServerMessage::Consent {
                session,
                scope: ConsentScope::RemoteControl,
                outcome,
            } if *outcome != ConsentOutcome::Allowed => self.close_helper(*session),
            ServerMessage::Helper {
                session, status, ..
            } => match status {
                HelperStatus::Joined => Inner::open_helper(self, *session),
                HelperStatus::Left | HelperStatus::Unavailable => self.close_helper(*session),
            },
            ServerMessage::ControlMode {
                session,
                controlling,
            } => self.set_control_mode(*session, *controlling),
            ServerMessage::Recording {
                session,
                active: false,
            } => self.recording_finished(*session),
            ServerMessage::Ended { session, .. } => {
                Inner::close_session(self, *session);
                // The report now has its end: show it in "Recent sessions".
                Inner::load_reports(self);
            }
            ServerMessage::Error {
                code: ErrorCode::NotSignedIn,
                ..
            } => self.go_offline(),
            _ => {}
        }
        self.dispatch.emit(Action::Server {
            message,
            now_ms: browser::now_ms(),
        });
    }

    fn on_socket_closed(self: &Rc<Self>) {
        self.socket.borrow_mut().take();
        self.close_all();
        self.dispatch.emit(Action::LinkLost);
        Inner::schedule_reconnect(self);
    }

    fn on_peer_status(self: &Rc<Self>, session: SessionId, status: PeerStatus) {
        self.dispatch
            .emit(Action::Tab(session, TabAction::Peer(status)));
    }

    fn on_remote_stream(self: &Rc<Self>, session: SessionId, stream: Option<MediaStream>) {
        let live = stream.is_some();
        Inner::set_stream(self, session, stream);
        self.dispatch
            .emit(Action::Tab(session, TabAction::Video(live)));
    }

    fn on_transfer(self: &Rc<Self>, session: SessionId, action: TransferAction) {
        self.dispatch
            .emit(Action::Tab(session, TabAction::Transfer(action)));
    }

    /// The report keeps every transfer: the server is told as each ends.
    fn on_transfer_ended(self: &Rc<Self>, session: SessionId, record: TransferRecord) {
        self.send_frame(&ClientMessage::Activity {
            session,
            activity: Activity::Transfer(record),
        });
    }

    fn on_chat(self: &Rc<Self>, session: SessionId, message: ChatMessage) {
        let (text, at_ms) = chat_line(message);
        if let Some(recorder) = self
            .sessions
            .borrow()
            .get(&session)
            .and_then(|live| live.recorder.as_ref())
        {
            recorder.chat(Role::Customer, &text);
        }
        self.dispatch.emit(Action::Tab(
            session,
            TabAction::ChatReceived { text, at_ms },
        ));
    }

    /// The customer closed the technician's screen: it stops here too.
    fn on_screen(self: &Rc<Self>, session: SessionId, message: ScreenMessage) {
        if message == ScreenMessage::Closed {
            self.stop_showing(session, true);
        }
    }
}
