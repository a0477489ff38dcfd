//! Sharing, on the customer's side: Allow starts the capture (inside the
//! click, so the browser's picker may open); the peer link sends it once
//! the server has confirmed the permission (`consent allowed`); and any
//! end (Stop sharing, the browser's own stop button, the server's word,
//! the session ending) stops it and, where needed, tells the server.

use std::rc::Rc;

use protocol::ClientMessage;
use protocol::ws::ConsentScope;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::spawn_local;
use web_sys::MediaStream;

use super::{CustomerSession, Inner};
use crate::browser;
use crate::media;
use crate::session::wiring::Controller;
use crate::state::customer::{Action, ShareKind};

/// What sharing is about; remote control has its own answers ([`super::control`]).
const SCOPE: ConsentScope = ConsentScope::ScreenView;

/// What is being shared, and the handler that notices the browser ending it.
pub(super) struct Capture {
    /// The captured screen or camera; also the preview's source.
    stream: MediaStream,
    /// Handed to the peer link: the server said `consent allowed`.
    sending: bool,
    /// Notices the browser's own stop; kept alive while the stream is.
    _ended: Closure<dyn FnMut(JsValue)>,
}

impl CustomerSession {
    /// Allow or Deny was clicked. Runs inside the click so the browser's
    /// picker may open.
    pub fn answer_consent(&self, scope: ConsentScope, allowed: bool) {
        if scope == ConsentScope::RemoteControl {
            return self.answer_control(allowed);
        }
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

    /// Stop sharing was clicked.
    pub fn stop_sharing(&self) {
        self.inner.stop_sharing(true);
    }

    /// What is being shared, for the preview.
    pub fn local_stream(&self) -> Option<MediaStream> {
        let capture = self.inner.capture.borrow();
        capture.as_ref().map(|c| c.stream.clone())
    }
}

impl Inner {
    fn start_sharing(this: &Rc<Inner>, stream: MediaStream, kind: ShareKind) {
        if this.peer.borrow().is_none() {
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
            sending: false,
            _ended: ended,
        });
        this.send_if_allowed();
        this.dispatch.emit(Action::ShareStarted(kind));
    }

    /// Sends the capture once both it and the server's `consent allowed`
    /// are there, whichever came last: the offer that adds the screen never
    /// runs ahead of the permission the technician's side is told about.
    pub(super) fn send_if_allowed(&self) {
        if !self.allowed.get() {
            return;
        }
        let mut capture = self.capture.borrow_mut();
        let Some(capture) = capture.as_mut().filter(|c| !c.sending) else {
            return;
        };
        if let Some(peer) = self.peer.borrow().as_ref() {
            peer.link.add_screen(&capture.stream);
            capture.sending = true;
        }
    }

    fn share_failed(&self) {
        self.send(&ClientMessage::ShareStopped { scope: SCOPE });
        self.dispatch.emit(Action::ShareEnded {
            failed: true,
            at_ms: browser::now_ms(),
        });
    }

    /// Ends the capture; `tell` when the server does not know yet.
    pub(super) fn stop_sharing(&self, tell: bool) {
        self.allowed.set(false);
        let Some(capture) = self.capture.borrow_mut().take() else {
            return;
        };
        if let Some(peer) = self.peer.borrow().as_ref() {
            peer.link.stop_screen();
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

    /// Stops the capture without a word: the session is over.
    pub(super) fn end_capture(&self) {
        self.allowed.set(false);
        if let Some(capture) = self.capture.borrow_mut().take() {
            media::stop(&capture.stream);
        }
    }
}
