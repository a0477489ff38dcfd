//! Showing the technician's own screen to the customer: Show my screen
//! opens the browser's picker (inside the click), the capture goes on the
//! session's peer link as a second video track, and the screen channel
//! names its stream so the customer's page can tell it from anything else.
//! Stop showing, the browser's own stop button, the customer closing it
//! and the session's end all stop it; the server keeps each stretch for
//! the report (`screen_shown`).

use std::rc::Rc;

use protocol::peer::screen::ScreenMessage;
use protocol::{ClientMessage, SessionId};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::spawn_local;
use web_sys::MediaStream;

use super::{Inner, TechnicianDesk};
use crate::browser;
use crate::media;
use crate::state::console::{Action, TabAction};
use crate::state::customer::ShareKind;

/// The screen being shown. Dropping it stops the capture, so a session
/// that closes takes the browser's "sharing" indicator with it.
pub(super) struct Shown {
    stream: MediaStream,
    /// Notices the browser's own stop; kept alive while the stream is.
    _ended: Closure<dyn FnMut(JsValue)>,
}

impl Drop for Shown {
    fn drop(&mut self) {
        media::stop(&self.stream);
    }
}

impl TechnicianDesk {
    /// Show my screen. Runs inside the click so the picker may open.
    pub fn show_screen(&self, session: SessionId) {
        if !self.inner.sessions.borrow().contains_key(&session) {
            return;
        }
        let emit = {
            let inner = self.inner.clone();
            move |action| inner.dispatch.emit(Action::Tab(session, action))
        };
        emit(TabAction::ShowStarting);
        let request = match media::request(ShareKind::Screen) {
            Ok(request) => request,
            Err(e) => {
                browser::log(&format!("lifeline: screen capture unavailable: {e:?}"));
                return emit(TabAction::ShowFailed {
                    at_ms: browser::now_ms(),
                });
            }
        };
        let weak = Rc::downgrade(&self.inner);
        spawn_local(async move {
            let result = media::captured(request).await;
            let Some(inner) = weak.upgrade() else {
                return;
            };
            match result {
                Ok(stream) => Inner::start_showing(&inner, session, stream),
                Err(e) => {
                    browser::log(&format!("lifeline: screen capture refused: {e:?}"));
                    emit(TabAction::ShowFailed {
                        at_ms: browser::now_ms(),
                    });
                }
            }
        });
    }

    /// Stop showing.
    pub fn stop_showing(&self, session: SessionId) {
        self.inner.stop_showing(session, false);
    }
}

impl Inner {
    fn start_showing(this: &Rc<Inner>, session: SessionId, stream: MediaStream) {
        {
            let mut sessions = this.sessions.borrow_mut();
            // The session ended while the picker was open, or a second
            // capture finished after the first: not shown.
            let Some(live) = sessions.get_mut(&session).filter(|l| l.shown.is_none()) else {
                media::stop(&stream);
                return;
            };
            let weak = Rc::downgrade(this);
            let ended = media::on_ended(&stream, move || {
                if let Some(inner) = weak.upgrade() {
                    inner.stop_showing(session, false);
                }
            });
            live.peer.link.add_screen(&stream);
            live.peer.send_screen(&ScreenMessage::Showing {
                stream: stream.id(),
            });
            live.shown = Some(Shown {
                stream,
                _ended: ended,
            });
        }
        // Told after the borrow ends: the reducer may render at once.
        this.send_frame(&ClientMessage::ScreenShown {
            session,
            showing: true,
        });
        this.dispatch.emit(Action::Tab(
            session,
            TabAction::ShowOn {
                at_ms: browser::now_ms(),
            },
        ));
    }

    /// Stops showing; `closed` when the customer closed it (they need no
    /// word of it then).
    pub(super) fn stop_showing(&self, session: SessionId, closed: bool) {
        let shown = {
            let mut sessions = self.sessions.borrow_mut();
            let Some(live) = sessions.get_mut(&session) else {
                return;
            };
            let Some(shown) = live.shown.take() else {
                return;
            };
            // The console sends no other track, so this is the shown screen.
            live.peer.link.stop_screen();
            if !closed {
                live.peer.send_screen(&ScreenMessage::Stopped);
            }
            shown
        };
        drop(shown);
        self.send_frame(&ClientMessage::ScreenShown {
            session,
            showing: false,
        });
        let at_ms = browser::now_ms();
        let action = if closed {
            TabAction::ShowClosed { at_ms }
        } else {
            TabAction::ShowStopped { at_ms }
        };
        self.dispatch.emit(Action::Tab(session, action));
    }
}
