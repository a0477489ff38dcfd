//! The customer page's controller, [`CustomerSession`]: one socket, at
//! most one session, one peer link, at most one capture. The capture, from
//! Allow to its end, is in [`capture`]; files and text in [`files`]; the
//! technician's screen shown to the customer in [`shown`]; remote control
//! (answering its request, Stop control) in [`control`].

mod capture;
mod control;
mod files;
mod shown;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use protocol::activity::TransferRecord;
use protocol::peer::chat::ChatMessage;
use protocol::peer::screen::ScreenMessage;
use protocol::ws::{ConsentOutcome, ConsentScope};
use protocol::{ClientMessage, Role, ServerMessage, SessionId};
use wasm_bindgen::JsValue;
use web_sys::MediaStream;
use yew::Callback;

use crate::browser;
use crate::net::signal_socket::SignalSocket;
use crate::session::peer::{Peer, chat_line};
use crate::session::wiring::{self, Controller};
use crate::signal_data::{SignalTarget, signal_target};
use crate::state::PeerStatus;
use crate::state::customer::{Action, check_form};
use crate::state::transfers::TransferAction;
use capture::Capture;

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
    peer: RefCell<Option<Peer>>,
    /// What is being shared, to stop it on any kind of end.
    capture: RefCell<Option<Capture>>,
    /// The server said `consent allowed` and sharing has not stopped since.
    allowed: Cell<bool>,
    /// The technician's screen, announced and delivered.
    shown: RefCell<shown::Shown>,
}

impl CustomerSession {
    pub fn new(dispatch: Callback<Action>) -> Self {
        Self {
            inner: Rc::new(Inner {
                dispatch,
                socket: RefCell::new(None),
                peer: RefCell::new(None),
                capture: RefCell::new(None),
                allowed: Cell::new(false),
                shown: RefCell::new(shown::Shown::default()),
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
        let sent = self
            .inner
            .peer
            .borrow()
            .as_ref()
            .and_then(|peer| peer.send_chat(raw));
        if let Some((text, at_ms)) = sent {
            self.inner.dispatch.emit(Action::ChatSent { text, at_ms });
        }
    }

    /// The countdown ran out: close the dialog (the server says so too).
    pub fn consent_expired(&self) {
        self.inner.dispatch.emit(Action::ConsentExpired);
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
}

impl Inner {
    fn ensure_socket(this: &Rc<Inner>) -> Result<(), JsValue> {
        let usable = this
            .socket
            .borrow()
            .as_ref()
            .is_some_and(SignalSocket::is_usable);
        if !usable {
            *this.socket.borrow_mut() = Some(wiring::open_socket(this)?);
        }
        Ok(())
    }

    /// Closes the peer link and the capture; the socket stays for a retry.
    fn teardown(&self) {
        self.end_capture();
        self.forget_shown();
        if let Some(peer) = self.peer.borrow_mut().take() {
            peer.link.close();
        }
    }
}

impl Controller for Inner {
    fn send(&self, message: &ClientMessage) {
        if let Some(socket) = self.socket.borrow().as_ref() {
            socket.send(message);
        }
    }

    fn on_server(self: &Rc<Self>, message: ServerMessage) {
        match &message {
            ServerMessage::Started {
                session,
                ice_servers,
                ..
            } => {
                let peer = Peer::open(self, *session, ice_servers, Role::Customer);
                if peer.is_none() {
                    self.dispatch.emit(Action::Peer(PeerStatus::Failed));
                }
                *self.peer.borrow_mut() = peer;
            }
            ServerMessage::Signal { from, data, .. } => {
                let ours = signal_target(Role::Customer, *from) == SignalTarget::Browser;
                if let Some(peer) = self.peer.borrow().as_ref().filter(|_| ours) {
                    peer.link.handle_signal(data);
                }
            }
            ServerMessage::Consent {
                scope: ConsentScope::ScreenView,
                outcome: ConsentOutcome::Allowed,
                ..
            } => {
                self.allowed.set(true);
                self.send_if_allowed();
            }
            // Stopped, or an answer that came too late: nothing may be sent.
            ServerMessage::Consent {
                scope: ConsentScope::ScreenView,
                ..
            } => self.stop_sharing(false),
            ServerMessage::Ended { .. } => self.teardown(),
            _ => {}
        }
        self.dispatch.emit(Action::Server {
            message,
            now_ms: browser::now_ms(),
        });
    }

    fn on_socket_closed(self: &Rc<Self>) {
        self.teardown();
        self.dispatch.emit(Action::SocketLost);
    }

    fn on_peer_status(self: &Rc<Self>, _: SessionId, status: PeerStatus) {
        self.dispatch.emit(Action::Peer(status));
    }

    /// The technician's streams: shown once announced on the screen channel.
    fn on_remote_stream(self: &Rc<Self>, _: SessionId, stream: Option<MediaStream>) {
        self.on_shown_stream(stream);
    }

    fn on_transfer(self: &Rc<Self>, _: SessionId, action: TransferAction) {
        self.dispatch.emit(Action::Transfer(action));
    }

    /// Only the console reports transfers to the server.
    fn on_transfer_ended(self: &Rc<Self>, _: SessionId, _: TransferRecord) {}

    fn on_chat(self: &Rc<Self>, _: SessionId, message: ChatMessage) {
        let (text, at_ms) = chat_line(message);
        self.dispatch.emit(Action::ChatReceived { text, at_ms });
    }

    fn on_screen(self: &Rc<Self>, _: SessionId, message: ScreenMessage) {
        self.on_shown_message(message);
    }
}
