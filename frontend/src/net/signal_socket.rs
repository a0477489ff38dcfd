//! The signalling WebSocket (`/ws`): JSON text frames, `ClientMessage` up
//! and `ServerMessage` down. A thin wrapper so the session code deals in
//! typed messages and never in `JsValue`s.

use std::cell::RefCell;
use std::rc::Rc;

use protocol::limits::MAX_FRAME_BYTES;
use protocol::{ClientMessage, ServerMessage};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, WebSocket};

use crate::browser;

/// A browser event handler kept alive on the Rust side.
type Handler = Closure<dyn FnMut(JsValue)>;

/// What the socket reports to its owner.
pub struct SocketEvents {
    /// The socket is open and anything queued has been sent.
    pub open: Box<dyn Fn()>,
    /// A frame from the server, already parsed.
    pub message: Box<dyn Fn(ServerMessage)>,
    /// Closed, by the server or the network, or it never opened. Not called
    /// after [`SignalSocket::close`]: the owner already knows then.
    pub closed: Box<dyn Fn()>,
}

/// One open (or opening) signalling socket. Dropping it closes it.
pub struct SignalSocket {
    /// Shared (weakly) with the event handlers.
    inner: Rc<Inner>,
}

struct Inner {
    /// The browser's socket.
    ws: WebSocket,
    /// Frames sent before the socket opened, so callers need not wait.
    outbox: RefCell<Vec<String>>,
    /// Keeps the event handlers alive while the browser may call them.
    handlers: RefCell<Vec<Handler>>,
}

impl SignalSocket {
    /// Opens the socket on this page's host.
    pub fn open(events: SocketEvents) -> Result<Self, JsValue> {
        let ws = WebSocket::new(&browser::socket_url())?;
        let inner = Rc::new(Inner {
            ws,
            outbox: RefCell::new(Vec::new()),
            handlers: RefCell::new(Vec::new()),
        });
        let events = Rc::new(events);

        let weak = Rc::downgrade(&inner);
        let on_open = {
            let events = events.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_| {
                if let Some(inner) = weak.upgrade() {
                    let queued = std::mem::take(&mut *inner.outbox.borrow_mut());
                    for text in queued {
                        let _ = inner.ws.send_with_str(&text);
                    }
                }
                (events.open)();
            })
        };
        let on_message = {
            let events = events.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let Some(text) = event.unchecked_into::<MessageEvent>().data().as_string() else {
                    return;
                };
                match serde_json::from_str::<ServerMessage>(&text) {
                    Ok(message) => (events.message)(message),
                    // A newer server may send frames this app does not know;
                    // skipping them keeps the session going.
                    Err(e) => browser::log(&format!("lifeline: ignored frame ({e})")),
                }
            })
        };
        let on_close = {
            let events = events.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_| (events.closed)())
        };
        inner.ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        inner
            .ws
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        inner
            .ws
            .set_onclose(Some(on_close.as_ref().unchecked_ref()));
        inner
            .handlers
            .borrow_mut()
            .extend([on_open, on_message, on_close]);
        Ok(Self { inner })
    }

    /// Sends a message now, or as soon as the socket opens.
    pub fn send(&self, message: &ClientMessage) {
        let Ok(text) = serde_json::to_string(message) else {
            return;
        };
        if text.len() > MAX_FRAME_BYTES {
            // The server would close on us; one lost signal is better.
            browser::log("lifeline: frame too large, not sent");
            return;
        }
        match self.inner.ws.ready_state() {
            WebSocket::CONNECTING => self.inner.outbox.borrow_mut().push(text),
            WebSocket::OPEN => {
                let _ = self.inner.ws.send_with_str(&text);
            }
            _ => browser::log("lifeline: socket closed, message dropped"),
        }
    }

    /// True once open and until closed.
    pub fn is_open(&self) -> bool {
        self.inner.ws.ready_state() == WebSocket::OPEN
    }

    /// True while opening or open: worth sending to.
    pub fn is_usable(&self) -> bool {
        matches!(
            self.inner.ws.ready_state(),
            WebSocket::CONNECTING | WebSocket::OPEN
        )
    }

    /// Closes without reporting it to the owner.
    pub fn close(&self) {
        self.inner.detach();
        let _ = self.inner.ws.close();
    }
}

impl Inner {
    fn detach(&self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.detach();
        let _ = self.ws.close();
    }
}
