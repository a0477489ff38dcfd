//! The socket ↔ controller ↔ peer wiring both pages share. A controller
//! implements [`Controller`]; [`open_socket`] and [`Peer::open`](super::peer::Peer::open)
//! then route every socket and peer event to it, holding it weakly so a
//! late event after the page is gone does nothing.

use std::rc::{Rc, Weak};

use protocol::activity::TransferRecord;
use protocol::peer::chat::ChatMessage;
use protocol::peer::screen::ScreenMessage;
use protocol::{ClientMessage, ServerMessage, SessionId};
use wasm_bindgen::JsValue;
use web_sys::MediaStream;

use crate::net::signal_socket::{SignalSocket, SocketEvents};
use crate::state::PeerStatus;
use crate::state::transfers::TransferAction;

/// What a page's controller does with the events of its socket and peer
/// links. Every method runs from a browser event, never from inside
/// another controller method, so each may call back into the controller.
pub trait Controller: 'static {
    /// Sends a frame on the page's socket, if it is open.
    fn send(&self, message: &ClientMessage);
    /// A frame arrived from the server.
    fn on_server(self: &Rc<Self>, message: ServerMessage);
    /// The socket closed or never opened.
    fn on_socket_closed(self: &Rc<Self>);
    /// A session's direct connection changed state.
    fn on_peer_status(self: &Rc<Self>, session: SessionId, status: PeerStatus);
    /// A session's other side started (`Some`) or stopped showing a screen.
    fn on_remote_stream(self: &Rc<Self>, session: SessionId, stream: Option<MediaStream>);
    /// A message on a session's chat channel.
    fn on_chat(self: &Rc<Self>, session: SessionId, message: ChatMessage);
    /// Something changed in a session's file transfers or texts.
    fn on_transfer(self: &Rc<Self>, session: SessionId, action: TransferAction);
    /// A transfer ended: what the session report keeps of it.
    fn on_transfer_ended(self: &Rc<Self>, session: SessionId, record: TransferRecord);
    /// A message on a session's screen channel (the technician's screen).
    fn on_screen(self: &Rc<Self>, session: SessionId, message: ScreenMessage);
}

/// A callback that reaches the controller while it exists.
pub fn to<C: Controller, A: 'static>(
    controller: &Rc<C>,
    f: impl Fn(&Rc<C>, A) + 'static,
) -> impl Fn(A) + 'static {
    let weak: Weak<C> = Rc::downgrade(controller);
    move |arg| {
        if let Some(controller) = weak.upgrade() {
            f(&controller, arg);
        }
    }
}

/// Opens the page's signalling socket, reporting to `controller`.
pub fn open_socket<C: Controller>(controller: &Rc<C>) -> Result<SignalSocket, JsValue> {
    let message = to(controller, |c, message| c.on_server(message));
    let closed = to(controller, |c, ()| c.on_socket_closed());
    SignalSocket::open(SocketEvents {
        open: Box::new(|| {}),
        message: Box::new(message),
        closed: Box::new(move || closed(())),
    })
}
