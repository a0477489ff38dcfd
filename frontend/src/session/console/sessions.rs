//! The console's started sessions: one peer link each, the screen each one
//! receives, its recording, and the once-a-second quality poll while any
//! screen shows.

use std::rc::Rc;

use gloo::timers::callback::Interval;
use protocol::ws::IceServer;
use protocol::{Role, SessionId};
use wasm_bindgen_futures::spawn_local;
use web_sys::MediaStream;

use super::helper::HelperLink;
use super::recorder::Recorder;
use super::showing::Shown;
use super::{Inner, TechnicianDesk};
use crate::net::api;
use crate::session::peer::Peer;
use crate::session::wiring::Controller;
use crate::state::PeerStatus;
use crate::state::console::{Action, TabAction};

/// One started session's link and what it shows.
pub(super) struct Live {
    /// The connection and its channels.
    pub(super) peer: Peer,
    /// The customer's screen, while shared, for the session's `<video>`.
    pub(super) stream: Option<MediaStream>,
    /// The recording of that screen, while one runs.
    pub(super) recorder: Option<Recorder>,
    /// The technician's own screen, while shown to the customer.
    pub(super) shown: Option<Shown>,
    /// The session's ICE servers, for the helper's link too.
    pub(super) ice_servers: Vec<IceServer>,
    /// The link to the customer's Lifeline Helper, while it is there.
    pub(super) helper: Option<HelperLink>,
}

impl TechnicianDesk {
    /// Record: the server opens a recording (and tells the customer), then
    /// the picture on screen is recorded and uploaded chunk by chunk.
    pub fn record(&self, session: SessionId) {
        let inner = self.inner.clone();
        let emit = move |action| inner.dispatch.emit(Action::Tab(session, action));
        emit(TabAction::RecordingStarting);
        let inner = self.inner.clone();
        spawn_local(async move {
            let started = match api::start_recording(session).await {
                Ok(started) => started,
                Err(failure) => return emit(TabAction::RecordingFailed(failure.problem())),
            };
            let started_here = {
                let mut sessions = inner.sessions.borrow_mut();
                let Some(live) = sessions.get_mut(&session) else {
                    return;
                };
                let recorder = live.stream.as_ref().and_then(|stream| {
                    Recorder::start(session, started.id, stream, inner.dispatch.clone())
                });
                let started_here = recorder.is_some();
                live.recorder = recorder;
                started_here
            };
            if started_here {
                emit(TabAction::RecordingOn);
            } else {
                // Nothing to record after all (the screen went meanwhile):
                // the server deletes the empty recording.
                let _ = api::stop_recording(session, started.id).await;
                emit(TabAction::RecordingOff);
            }
        });
    }

    /// Stop recording: the last chunk is uploaded, then the server told.
    pub fn stop_recording(&self, session: SessionId) {
        if let Some(recorder) = self
            .inner
            .sessions
            .borrow()
            .get(&session)
            .and_then(|live| live.recorder.as_ref())
        {
            recorder.stop();
        }
    }
}

impl Inner {
    /// `started`: connect to the customer (once per session).
    pub(super) fn open_peer(this: &Rc<Inner>, session: SessionId, ice_servers: &[IceServer]) {
        if this.sessions.borrow().contains_key(&session) {
            return;
        }
        match Peer::open(this, session, ice_servers, Role::Technician) {
            Some(peer) => {
                let live = Live {
                    peer,
                    stream: None,
                    recorder: None,
                    shown: None,
                    ice_servers: ice_servers.to_vec(),
                    helper: None,
                };
                this.sessions.borrow_mut().insert(session, live);
            }
            None => this.on_peer_status(session, PeerStatus::Failed),
        }
    }

    /// The session's screen arrived or went; the poll follows. A recording
    /// of a screen that went stops with it.
    pub(super) fn set_stream(this: &Rc<Inner>, session: SessionId, stream: Option<MediaStream>) {
        if let Some(live) = this.sessions.borrow_mut().get_mut(&session) {
            if stream.is_none() {
                live.recorder.take();
            }
            live.stream = stream;
        }
        Inner::update_stats(this);
    }

    /// Runs the quality poll while any screen is shown, and only then.
    fn update_stats(this: &Rc<Inner>) {
        let showing = this.sessions.borrow().values().any(|l| l.stream.is_some());
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
            let probes: Vec<_> = inner
                .sessions
                .borrow()
                .iter()
                .filter(|(_, live)| live.stream.is_some())
                .map(|(id, live)| (*id, live.peer.link.quality()))
                .collect();
            for (session, probe) in probes {
                let dispatch = inner.dispatch.clone();
                spawn_local(async move {
                    let quality = probe.await;
                    dispatch.emit(Action::Tab(session, TabAction::Quality(quality)));
                });
            }
        }));
    }

    /// The server finished the session's recording by itself.
    pub(super) fn recording_finished(&self, session: SessionId) {
        if let Some(live) = self.sessions.borrow_mut().get_mut(&session) {
            live.recorder.take_if(|r| !r.is_running());
            if let Some(recorder) = &live.recorder {
                recorder.stop();
            }
        }
    }

    /// The session ended: its link closes.
    pub(super) fn close_session(this: &Rc<Inner>, session: SessionId) {
        let live = this.sessions.borrow_mut().remove(&session);
        drop(live);
        Inner::update_stats(this);
    }

    /// Signed out or the socket dropped: every link closes.
    pub(super) fn close_all(&self) {
        let all: Vec<Live> = self.sessions.borrow_mut().drain().map(|(_, l)| l).collect();
        drop(all);
        self.stats.borrow_mut().take();
    }
}
