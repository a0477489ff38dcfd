//! The console's controller: the technician's socket (reconnected when it
//! drops), one peer link per started session, the screens they receive,
//! and the once-a-second quality poll.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use gloo::timers::callback::{Interval, Timeout};
use protocol::peer::chat::ChatMessage;
use protocol::ws::{ConsentOutcome, ConsentScope, EndReason, IceServer};
use protocol::{ClientMessage, ErrorCode, Role, ServerMessage, SessionId};
use wasm_bindgen_futures::spawn_local;
use web_sys::MediaStream;
use yew::Callback;

use crate::browser;
use crate::net::api;
use crate::net::signal_socket::{SignalSocket, SocketEvents};
use crate::rtc::{Channel, PeerEvents, PeerLink};
use crate::state::console::Action;
use crate::state::{PeerStatus, Problem, chat_text};

/// Reconnect delays grow to this, so a server restart is noticed soon but
/// a long outage is not hammered.
const MAX_RECONNECT_MS: u32 = 15_000;

/// Cheap to clone; every clone drives the same desk.
#[derive(Clone)]
pub struct TechnicianDesk {
    /// Shared with the socket and peer callbacks (weakly), so clones drive one desk.
    inner: Rc<Inner>,
}

impl PartialEq for TechnicianDesk {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

/// One started session's direct link and its chat channel.
struct Live {
    peer: PeerLink,
    chat: Channel<ChatMessage>,
}

struct Inner {
    /// Where every event ends up: the console's reducer.
    dispatch: Callback<Action>,
    /// The technician's socket while signed in and connected.
    socket: RefCell<Option<SignalSocket>>,
    /// One direct connection per started session.
    peers: RefCell<HashMap<SessionId, Live>>,
    /// Each session's received screen, for its `<video>`.
    streams: RefCell<HashMap<SessionId, MediaStream>>,
    /// Polls quality while any screen is shown.
    stats: RefCell<Option<Interval>>,
    /// The pending reconnect; dropping it cancels it on sign-out.
    reconnect: RefCell<Option<Timeout>>,
    /// Failed connects in a row, for the backoff.
    attempts: Cell<u32>,
    /// Signed in and wanting a socket; false stops reconnecting.
    wanted: Cell<bool>,
}

impl TechnicianDesk {
    pub fn new(dispatch: Callback<Action>) -> Self {
        Self {
            inner: Rc::new(Inner {
                dispatch,
                socket: RefCell::new(None),
                peers: RefCell::new(HashMap::new()),
                streams: RefCell::new(HashMap::new()),
                stats: RefCell::new(None),
                reconnect: RefCell::new(None),
                attempts: Cell::new(0),
                wanted: Cell::new(false),
            }),
        }
    }

    /// Signed in: open the socket (and keep it open).
    pub fn go_online(&self) {
        if self.inner.wanted.replace(true) {
            return;
        }
        Inner::connect(&self.inner);
    }

    /// Signed out: close everything and stop reconnecting.
    pub fn go_offline(&self) {
        self.inner.wanted.set(false);
        self.inner.reconnect.borrow_mut().take();
        if let Some(socket) = self.inner.socket.borrow_mut().take() {
            socket.close();
        }
        self.inner.close_all();
    }

    /// Start session on a queued customer.
    pub fn start(&self, session: SessionId) {
        self.inner.send(&ClientMessage::Start { session });
    }

    pub fn send_chat(&self, session: SessionId, raw: &str) {
        let Some(text) = chat_text(raw) else {
            return;
        };
        let at_ms = browser::now_ms();
        let sent = match self.inner.peers.borrow().get(&session) {
            Some(live) => {
                live.chat.send(&ChatMessage::Chat {
                    text: text.clone(),
                    sent_at_ms: at_ms as u64,
                });
                true
            }
            None => false,
        };
        if sent {
            self.inner.dispatch.emit(Action::ChatSent {
                session,
                text,
                at_ms,
            });
        }
    }

    pub fn request_screen(&self, session: SessionId) {
        self.inner.send(&ClientMessage::ConsentRequest {
            session,
            scope: ConsentScope::ScreenView,
        });
        self.inner.dispatch.emit(Action::ScreenRequested(session));
    }

    /// End session: ends here at once; the server's `ended` follows.
    pub fn end(&self, session: SessionId) {
        self.inner.send(&ClientMessage::Leave {
            session: Some(session),
        });
        self.inner.close_session(session);
        self.inner.dispatch.emit(Action::Server {
            message: ServerMessage::Ended {
                session,
                reason: EndReason::TechnicianLeft,
            },
            now_ms: browser::now_ms(),
        });
    }

    /// The customer's screen for this session, while shared.
    pub fn remote_stream(&self, session: SessionId) -> Option<MediaStream> {
        self.inner.streams.borrow().get(&session).cloned()
    }
}

impl Inner {
    fn send(&self, message: &ClientMessage) {
        if let Some(socket) = self.socket.borrow().as_ref() {
            socket.send(message);
        }
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
                    inner.wanted.set(false);
                    inner.dispatch.emit(Action::SignedOut(Some(Problem::code(
                        ErrorCode::NotSignedIn,
                    ))));
                }
                Err(_) => Inner::schedule_reconnect(&inner),
            }
        });
    }

    fn open_socket(this: &Rc<Inner>) {
        let on_message: Weak<Inner> = Rc::downgrade(this);
        let on_closed = on_message.clone();
        let opened = SignalSocket::open(SocketEvents {
            open: Box::new(|| {}),
            message: Box::new(move |message| {
                if let Some(inner) = on_message.upgrade() {
                    Inner::on_server(&inner, message);
                }
            }),
            closed: Box::new(move || {
                if let Some(inner) = on_closed.upgrade() {
                    inner.socket.borrow_mut().take();
                    inner.close_all();
                    inner.dispatch.emit(Action::LinkLost);
                    Inner::schedule_reconnect(&inner);
                }
            }),
        });
        match opened {
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

    fn on_server(this: &Rc<Inner>, message: ServerMessage) {
        match &message {
            ServerMessage::Welcome { .. } => this.attempts.set(0),
            ServerMessage::Started {
                session,
                ice_servers,
                ..
            } => Inner::open_peer(this, *session, ice_servers),
            ServerMessage::Signal { session, data, .. } => {
                if let Some(live) = this.peers.borrow().get(session) {
                    live.peer.handle_signal(data);
                }
            }
            ServerMessage::Consent {
                session, outcome, ..
            } if *outcome != ConsentOutcome::Allowed => {
                this.streams.borrow_mut().remove(session);
            }
            ServerMessage::Ended { session, .. } => this.close_session(*session),
            ServerMessage::Error {
                code: ErrorCode::NotSignedIn,
                ..
            } => {
                this.wanted.set(false);
                this.close_all();
            }
            _ => {}
        }
        this.dispatch.emit(Action::Server {
            message,
            now_ms: browser::now_ms(),
        });
    }

    fn open_peer(this: &Rc<Inner>, session: SessionId, ice_servers: &[IceServer]) {
        if this.peers.borrow().contains_key(&session) {
            return;
        }
        let weak = Rc::downgrade(this);
        let (w_signal, w_message, w_status, w_stream) =
            (weak.clone(), weak.clone(), weak.clone(), weak);
        let on_chat = move |message| {
            let Some(inner) = w_message.upgrade() else {
                return;
            };
            match message {
                ChatMessage::Chat { text, sent_at_ms } => {
                    inner.dispatch.emit(Action::ChatReceived {
                        session,
                        text,
                        at_ms: sent_at_ms as f64,
                    });
                }
            }
        };
        let events = PeerEvents {
            signal: Box::new(move |data| {
                if let Some(inner) = w_signal.upgrade() {
                    inner.send(&ClientMessage::Signal {
                        session: Some(session),
                        data,
                    });
                }
            }),
            status: Box::new(move |status| {
                if let Some(inner) = w_status.upgrade() {
                    inner.dispatch.emit(Action::Peer { session, status });
                }
            }),
            remote_stream: Box::new(move |stream| {
                let Some(inner) = w_stream.upgrade() else {
                    return;
                };
                let live = stream.is_some();
                match stream {
                    Some(stream) => {
                        inner.streams.borrow_mut().insert(session, stream);
                    }
                    None => {
                        inner.streams.borrow_mut().remove(&session);
                    }
                }
                Inner::update_stats(&inner);
                inner.dispatch.emit(Action::Video { session, live });
            }),
        };
        match PeerLink::new(ice_servers, Role::Technician, events) {
            Ok(peer) => {
                let chat = peer.open_channel(on_chat);
                this.peers.borrow_mut().insert(session, Live { peer, chat });
            }
            Err(e) => {
                browser::log(&format!("lifeline: peer connection failed: {e:?}"));
                this.dispatch.emit(Action::Peer {
                    session,
                    status: PeerStatus::Failed,
                });
            }
        }
    }

    /// Runs the quality poll while any screen is shown, and only then.
    fn update_stats(this: &Rc<Inner>) {
        let showing = !this.streams.borrow().is_empty();
        let mut stats = this.stats.borrow_mut();
        if !showing {
            stats.take();
            return;
        }
        if stats.is_some() {
            return;
        }
        let weak = Rc::downgrade(this);
        *stats = Some(Interval::new(1000, move || {
            let Some(inner) = weak.upgrade() else {
                return;
            };
            let sessions: Vec<SessionId> = inner.streams.borrow().keys().copied().collect();
            for session in sessions {
                let Some(probe) = inner
                    .peers
                    .borrow()
                    .get(&session)
                    .map(|live| live.peer.quality())
                else {
                    continue;
                };
                let dispatch = inner.dispatch.clone();
                spawn_local(async move {
                    let quality = probe.await;
                    dispatch.emit(Action::Quality { session, quality });
                });
            }
        }));
    }

    fn close_session(self: &Rc<Self>, session: SessionId) {
        let peer = self.peers.borrow_mut().remove(&session);
        drop(peer);
        self.streams.borrow_mut().remove(&session);
        Inner::update_stats(self);
    }

    fn close_all(&self) {
        let peers: Vec<Live> = self.peers.borrow_mut().drain().map(|(_, p)| p).collect();
        drop(peers);
        self.streams.borrow_mut().clear();
        self.stats.borrow_mut().take();
    }
}
