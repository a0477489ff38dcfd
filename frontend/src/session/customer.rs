//! The customer page's controller: one socket, at most one session, one
//! peer link, at most one capture.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use protocol::peer::chat::ChatMessage;
use protocol::ws::ConsentScope;
use protocol::{ClientMessage, Role, ServerMessage};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::spawn_local;
use web_sys::MediaStream;
use yew::Callback;

use crate::browser;
use crate::media;
use crate::net::signal_socket::{SignalSocket, SocketEvents};
use crate::rtc::{Channel, PeerEvents, PeerLink};
use crate::state::chat_text;
use crate::state::customer::{Action, ShareKind, check_form};

/// The only scope there is yet; consent messages carry it for the future.
const SCOPE: ConsentScope = ConsentScope::ScreenView;

/// Cheap to clone; every clone drives the same session.
#[derive(Clone)]
pub struct CustomerSession {
    /// Shared with the socket and peer callbacks (weakly), so clones drive one session.
    inner: Rc<Inner>,
}

impl PartialEq for CustomerSession {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

struct Inner {
    /// Where every event ends up: the page's reducer.
    dispatch: Callback<Action>,
    /// Opened on the first Connect; reused for a retry after a refused PIN.
    socket: RefCell<Option<SignalSocket>>,
    /// Exists from `started` to the end.
    peer: RefCell<Option<PeerLink>>,
    /// The chat channel on `peer`.
    chat: RefCell<Option<Channel<ChatMessage>>>,
    /// What is being shared, to stop it on any kind of end.
    capture: RefCell<Option<Capture>>,
}

/// What is being shared, and the handler that notices the browser ending it.
struct Capture {
    /// The captured screen or camera; also the preview's source.
    stream: MediaStream,
    /// Notices the browser's own stop; kept alive while the stream is.
    _ended: Closure<dyn FnMut(JsValue)>,
}

impl CustomerSession {
    pub fn new(dispatch: Callback<Action>) -> Self {
        Self {
            inner: Rc::new(Inner {
                dispatch,
                socket: RefCell::new(None),
                peer: RefCell::new(None),
                chat: RefCell::new(None),
                capture: RefCell::new(None),
            }),
        }
    }

    /// Connect was pressed: check the form here, then join.
    pub fn connect(&self, pin: &str, name: &str) {
        match check_form(pin, name) {
            Err((pin, name)) => self.inner.dispatch.emit(Action::Refused { pin, name }),
            Ok((_, name)) => {
                self.inner.dispatch.emit(Action::Joining);
                if let Err(e) = Inner::ensure_socket(&self.inner) {
                    browser::log(&format!("lifeline: socket failed: {e:?}"));
                    self.inner.dispatch.emit(Action::SocketLost);
                    return;
                }
                // The PIN goes as typed: the server says precisely what is
                // wrong with it, should our check and its ever differ.
                self.inner.send(&ClientMessage::Join {
                    pin: pin.trim().to_owned(),
                    name,
                    key: crate::location::key_from_query(&browser::query()),
                });
            }
        }
    }

    /// Sends a chat line, if there is anything to send.
    pub fn send_chat(&self, raw: &str) {
        let Some(text) = chat_text(raw) else {
            return;
        };
        let at_ms = browser::now_ms();
        if let Some(chat) = self.inner.chat.borrow().as_ref() {
            chat.send(&ChatMessage::Chat {
                text: text.clone(),
                sent_at_ms: at_ms as u64,
            });
        } else {
            return;
        }
        self.inner.dispatch.emit(Action::ChatSent { text, at_ms });
    }

    /// Allow or Deny was clicked. Runs inside the click so the browser's
    /// picker may open.
    pub fn answer_consent(&self, allowed: bool) {
        let kind = media::share_kind();
        self.inner.send(&ClientMessage::ConsentAnswer {
            scope: SCOPE,
            allowed,
        });
        self.inner.dispatch.emit(Action::Answered { allowed, kind });
        if !allowed {
            return;
        }
        let request = match media::request(kind) {
            Ok(request) => request,
            Err(e) => {
                browser::log(&format!("lifeline: capture unavailable: {e:?}"));
                self.inner.share_failed();
                return;
            }
        };
        let weak = Rc::downgrade(&self.inner);
        spawn_local(async move {
            let result = media::captured(request).await;
            let Some(inner) = weak.upgrade() else {
                return;
            };
            match result {
                Ok(stream) => Inner::start_sharing(&inner, stream, kind),
                Err(e) => {
                    browser::log(&format!("lifeline: capture refused: {e:?}"));
                    inner.share_failed();
                }
            }
        });
    }

    /// The countdown ran out: close the dialog (the server says so too).
    pub fn consent_expired(&self) {
        self.inner.dispatch.emit(Action::ConsentExpired);
    }

    /// Stop sharing was clicked.
    pub fn stop_sharing(&self) {
        self.inner.stop_sharing(true);
    }

    /// Disconnect: everything ends at once.
    pub fn disconnect(&self) {
        self.inner.send(&ClientMessage::Leave { session: None });
        self.inner.dispatch.emit(Action::Left);
        self.inner.teardown();
        if let Some(socket) = self.inner.socket.borrow_mut().take() {
            socket.close();
        }
    }

    /// Back to the form after the end.
    pub fn start_over(&self) {
        self.inner.dispatch.emit(Action::StartOver);
    }

    /// What is being shared, for the preview.
    pub fn local_stream(&self) -> Option<MediaStream> {
        self.inner
            .capture
            .borrow()
            .as_ref()
            .map(|c| c.stream.clone())
    }
}

impl Inner {
    fn send(&self, message: &ClientMessage) {
        if let Some(socket) = self.socket.borrow().as_ref() {
            socket.send(message);
        }
    }

    fn ensure_socket(this: &Rc<Inner>) -> Result<(), JsValue> {
        if this
            .socket
            .borrow()
            .as_ref()
            .is_some_and(SignalSocket::is_usable)
        {
            return Ok(());
        }
        let on_message: Weak<Inner> = Rc::downgrade(this);
        let on_closed = on_message.clone();
        let socket = SignalSocket::open(SocketEvents {
            open: Box::new(|| {}),
            message: Box::new(move |message| {
                if let Some(inner) = on_message.upgrade() {
                    Inner::on_server(&inner, message);
                }
            }),
            closed: Box::new(move || {
                if let Some(inner) = on_closed.upgrade() {
                    inner.teardown();
                    inner.dispatch.emit(Action::SocketLost);
                }
            }),
        })?;
        *this.socket.borrow_mut() = Some(socket);
        Ok(())
    }

    fn on_server(this: &Rc<Inner>, message: ServerMessage) {
        match &message {
            ServerMessage::Started { ice_servers, .. } => {
                Inner::open_peer(this, ice_servers);
            }
            ServerMessage::Signal { data, .. } => {
                if let Some(peer) = this.peer.borrow().as_ref() {
                    peer.handle_signal(data);
                }
            }
            ServerMessage::Consent { outcome, .. }
                if *outcome == protocol::ws::ConsentOutcome::Stopped =>
            {
                this.stop_sharing(false);
            }
            ServerMessage::Ended { .. } => this.teardown(),
            _ => {}
        }
        this.dispatch.emit(Action::Server {
            message,
            now_ms: browser::now_ms(),
        });
    }

    fn open_peer(this: &Rc<Inner>, ice_servers: &[protocol::ws::IceServer]) {
        let weak = Rc::downgrade(this);
        let (w_signal, w_message, w_status) = (weak.clone(), weak.clone(), weak);
        let on_chat = move |message| {
            let Some(inner) = w_message.upgrade() else {
                return;
            };
            match message {
                ChatMessage::Chat { text, sent_at_ms } => {
                    inner.dispatch.emit(Action::ChatReceived {
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
                        session: None,
                        data,
                    });
                }
            }),
            status: Box::new(move |status| {
                if let Some(inner) = w_status.upgrade() {
                    inner.dispatch.emit(Action::Peer(status));
                }
            }),
            // The technician never shares a screen with the customer.
            remote_stream: Box::new(|_| {}),
        };
        match PeerLink::new(ice_servers, Role::Customer, events) {
            Ok(peer) => {
                *this.chat.borrow_mut() = Some(peer.open_channel(on_chat));
                *this.peer.borrow_mut() = Some(peer);
            }
            Err(e) => {
                browser::log(&format!("lifeline: peer connection failed: {e:?}"));
                this.dispatch
                    .emit(Action::Peer(crate::state::PeerStatus::Failed));
            }
        }
    }

    fn start_sharing(this: &Rc<Inner>, stream: MediaStream, kind: ShareKind) {
        let added = match this.peer.borrow().as_ref() {
            Some(peer) => {
                peer.add_screen(&stream);
                true
            }
            None => false,
        };
        if !added {
            // The session ended while the picker was open.
            media::stop(&stream);
            return;
        }
        let weak = Rc::downgrade(this);
        let ended = media::on_ended(&stream, move || {
            if let Some(inner) = weak.upgrade() {
                inner.stop_sharing(true);
            }
        });
        *this.capture.borrow_mut() = Some(Capture {
            stream,
            _ended: ended,
        });
        this.dispatch.emit(Action::ShareStarted(kind));
    }

    fn share_failed(&self) {
        self.send(&ClientMessage::ShareStopped { scope: SCOPE });
        self.dispatch.emit(Action::ShareEnded {
            failed: true,
            at_ms: browser::now_ms(),
        });
    }

    /// Ends the capture; `tell` when the server does not know yet.
    fn stop_sharing(&self, tell: bool) {
        let Some(capture) = self.capture.borrow_mut().take() else {
            return;
        };
        if let Some(peer) = self.peer.borrow().as_ref() {
            peer.stop_screen();
        }
        media::stop(&capture.stream);
        if tell {
            self.send(&ClientMessage::ShareStopped { scope: SCOPE });
        }
        self.dispatch.emit(Action::ShareEnded {
            failed: false,
            at_ms: browser::now_ms(),
        });
    }

    /// Closes the peer link and the capture; the socket stays for a retry.
    fn teardown(&self) {
        if let Some(capture) = self.capture.borrow_mut().take() {
            media::stop(&capture.stream);
        }
        self.chat.borrow_mut().take();
        if let Some(peer) = self.peer.borrow_mut().take() {
            peer.close();
        }
    }
}
