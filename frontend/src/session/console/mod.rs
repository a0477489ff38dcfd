//! The console's controller, [`TechnicianDesk`]: every side effect of the
//! console page. Split by what it talks to:
//!
//! - this file: the desk and what the page's clicks ask of it;
//! - [`link`]: the socket, reconnected when it drops, and the server's frames;
//! - [`sessions`]: one peer link per started session, the screens they
//!   receive, Record and Stop, and the once-a-second quality poll;
//! - [`recorder`]: a session's recording, chunk by chunk to the server;
//! - [`showing`]: the technician's own screen shown to the customer;
//! - [`http`]: sign-in, PINs, notes and reports over the HTTP API;
//! - [`files`]: files, folders and text to and from a session's customer;
//! - [`helper`]: remote control: the second peer link, to the session's
//!   Lifeline Helper, and the input sent on it.

mod files;
mod helper;
mod http;
mod link;
mod recorder;
mod sessions;
mod showing;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use gloo::timers::callback::{Interval, Timeout};
use protocol::ws::{ConsentScope, EndReason};
use protocol::{ClientMessage, Role, ServerMessage, SessionId};
use web_sys::MediaStream;
use yew::Callback;

use crate::browser;
use crate::net::signal_socket::SignalSocket;
use crate::state::console::{Action, TabAction};
use sessions::Live;

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

struct Inner {
    /// Where every event ends up: the console's reducer.
    dispatch: Callback<Action>,
    /// The technician's socket while signed in and connected.
    socket: RefCell<Option<SignalSocket>>,
    /// One direct connection per started session.
    sessions: RefCell<HashMap<SessionId, Live>>,
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
                sessions: RefCell::new(HashMap::new()),
                stats: RefCell::new(None),
                reconnect: RefCell::new(None),
                attempts: Cell::new(0),
                wanted: Cell::new(false),
            }),
        }
    }

    /// Start session on a queued customer.
    pub fn start(&self, session: SessionId) {
        self.inner.send_frame(&ClientMessage::Start { session });
    }

    /// Sends a chat line, if there is anything to send.
    pub fn send_chat(&self, session: SessionId, raw: &str) {
        let sent = self.inner.sessions.borrow().get(&session).and_then(|live| {
            let sent = live.peer.send_chat(raw)?;
            if let Some(recorder) = &live.recorder {
                recorder.chat(Role::Technician, &sent.0);
            }
            Some(sent)
        });
        if let Some((text, at_ms)) = sent {
            self.inner
                .dispatch
                .emit(Action::Tab(session, TabAction::ChatSent { text, at_ms }));
        }
    }

    pub fn request_screen(&self, session: SessionId) {
        self.inner.send_frame(&ClientMessage::ConsentRequest {
            session,
            scope: ConsentScope::ScreenView,
        });
        self.inner
            .dispatch
            .emit(Action::Tab(session, TabAction::ScreenRequested));
    }

    /// End session: ends here at once; the server's `ended` follows.
    pub fn end(&self, session: SessionId) {
        self.inner.send_frame(&ClientMessage::Leave {
            session: Some(session),
        });
        Inner::close_session(&self.inner, session);
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
        let sessions = self.inner.sessions.borrow();
        sessions.get(&session).and_then(|live| live.stream.clone())
    }
}
