//! The direct connection between the two browsers: one `RTCPeerConnection`
//! per support session, with its data channels and the shared screen.
//!
//! This is the only module that touches `web_sys::Rtc*`. Controllers use
//! [`PeerLink`]: create it when the session starts, hand it every relayed
//! `signal`, open the typed channels they need, and listen to
//! [`PeerEvents`]. Split by job:
//!
//! - this file: the link itself, its browser event handlers and its end;
//! - [`negotiation`]: offers, answers and candidates ("perfect negotiation");
//! - [`channel`]: one typed data channel per purpose, declared in `protocol::peer`;
//! - [`pressure`]: waiting for a channel's send buffer to drain;
//! - [`tracks`]: the screen we send and the one we receive;
//! - [`stats`]: the incoming picture's quality.

pub mod channel;
mod negotiation;
pub mod pressure;
mod stats;
mod tracks;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use protocol::Role;
use protocol::ws::IceServer;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    MediaStream, RtcDataChannel, RtcDataChannelEvent, RtcPeerConnection, RtcPeerConnectionState,
};

use crate::browser;
use crate::signal_data::SignalData;
use crate::state::PeerStatus;

pub use channel::Channel;

/// A browser event handler kept alive on the Rust side.
type Handler = Closure<dyn FnMut(JsValue)>;

/// Takes a channel the other side announced, by label.
type Adopter = Box<dyn Fn(RtcDataChannel)>;

/// What a [`PeerLink`] reports. Called from browser events, never from
/// inside a `PeerLink` method, so they may call back into the link.
pub struct PeerEvents {
    /// Signalling `data` to relay to the other side through the server.
    pub signal: Box<dyn Fn(serde_json::Value)>,
    /// The connection's state changed.
    pub status: Box<dyn Fn(PeerStatus)>,
    /// The other side's screen arrived (`Some`) or went away (`None`).
    pub remote_stream: Box<dyn Fn(Option<MediaStream>)>,
}

/// One session's peer connection. Dropping it closes the connection.
pub struct PeerLink {
    /// Shared with in-flight negotiation tasks and (weakly) the event handlers.
    link: Rc<Link>,
}

struct Link {
    /// The connection itself.
    pc: RtcPeerConnection,
    /// Where offers and answers stand.
    negotiation: negotiation::Negotiation,
    /// The technician's side creates every channel; the customer's adopts
    /// the ones the technician announces.
    opener: bool,
    /// Customer side: the channels asked for, waiting for their announcement.
    adopters: RefCell<Vec<(&'static str, Adopter)>>,
    /// The screen we send and the one we show.
    tracks: tracks::Tracks,
    /// Bytes received and when, from the previous stats poll, for bitrate.
    last_bytes: Cell<Option<(f64, f64)>>,
    /// Where the link reports to.
    events: PeerEvents,
    /// Keeps event handlers alive while the browser may call them.
    handlers: RefCell<Vec<Handler>>,
    /// Set by close: nothing is reported or sent after it.
    closed: Cell<bool>,
}

impl PeerLink {
    /// Creates the connection for a session that just started. The
    /// technician's side opens the channels, which makes the first offer;
    /// the customer's side waits for it. The customer is the polite peer.
    pub fn new(ice_servers: &[IceServer], role: Role, events: PeerEvents) -> Result<Self, JsValue> {
        let pc =
            RtcPeerConnection::new_with_configuration(&negotiation::configuration(ice_servers))?;
        let link = Rc::new(Link {
            pc,
            negotiation: negotiation::Negotiation::new(role == Role::Customer),
            opener: role == Role::Technician,
            adopters: RefCell::new(Vec::new()),
            tracks: tracks::Tracks::default(),
            last_bytes: Cell::new(None),
            events,
            handlers: RefCell::new(Vec::new()),
            closed: Cell::new(false),
        });
        link.install_handlers();
        Ok(Self { link })
    }

    /// Applies a relayed `signal` frame's `data`.
    pub fn handle_signal(&self, data: &serde_json::Value) {
        let Some(signal) = SignalData::from_value(data) else {
            browser::log("lifeline: unknown signal data ignored");
            return;
        };
        if self.link.closed.get() {
            return;
        }
        match signal {
            SignalData::Description(description) => self.link.on_description(description),
            SignalData::Candidate(candidate) => self.link.on_candidate(candidate),
        }
    }

    /// Closes the connection now. Nothing is reported after this.
    pub fn close(&self) {
        self.link.shut();
    }
}

impl Drop for PeerLink {
    fn drop(&mut self) {
        self.link.shut();
    }
}

impl Link {
    /// Wraps a handler so it runs only while the link is alive and open.
    fn handler(self: &Rc<Self>, f: impl Fn(&Rc<Link>, JsValue) + 'static) -> Handler {
        let weak: Weak<Link> = Rc::downgrade(self);
        Closure::new(move |event: JsValue| {
            if let Some(link) = weak.upgrade().filter(|l| !l.closed.get()) {
                f(&link, event);
            }
        })
    }

    fn keep(&self, handler: Handler) {
        self.handlers.borrow_mut().push(handler);
    }

    fn install_handlers(self: &Rc<Self>) {
        let on_negotiation = self.handler(|link, _| link.negotiate());
        self.pc
            .set_onnegotiationneeded(Some(on_negotiation.as_ref().unchecked_ref()));
        self.keep(on_negotiation);

        let on_candidate = self.handler(|link, event| link.on_local_candidate(event));
        self.pc
            .set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
        self.keep(on_candidate);

        let on_state = self.handler(|link, _| {
            let status = match link.pc.connection_state() {
                RtcPeerConnectionState::New => PeerStatus::New,
                RtcPeerConnectionState::Connected => PeerStatus::Connected,
                RtcPeerConnectionState::Disconnected => PeerStatus::Disconnected,
                RtcPeerConnectionState::Failed => PeerStatus::Failed,
                RtcPeerConnectionState::Closed => PeerStatus::Closed,
                _ => PeerStatus::Connecting,
            };
            (link.events.status)(status);
        });
        self.pc
            .set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        self.keep(on_state);

        let on_channel = self.handler(|link, event| {
            let channel = event.unchecked_into::<RtcDataChannelEvent>().channel();
            let label = channel.label();
            let adopters = link.adopters.borrow();
            match adopters.iter().find(|(wanted, _)| *wanted == label) {
                Some((_, adopt)) => adopt(channel),
                // A channel this app does not use (a newer peer's): leave it.
                None => browser::log(&format!("lifeline: channel {label:?} ignored")),
            }
        });
        self.pc
            .set_ondatachannel(Some(on_channel.as_ref().unchecked_ref()));
        self.keep(on_channel);

        let on_track = self.handler(|link, event| link.on_track(event.unchecked_into()));
        self.pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        self.keep(on_track);
    }

    /// Closes everything and stops reporting. Handlers stay allocated until
    /// the link is dropped, since one of them may be running right now.
    /// Closing the connection closes its data channels too.
    fn shut(&self) {
        if self.closed.replace(true) {
            return;
        }
        self.pc.set_onnegotiationneeded(None);
        self.pc.set_onicecandidate(None);
        self.pc.set_onconnectionstatechange(None);
        self.pc.set_ondatachannel(None);
        self.pc.set_ontrack(None);
        self.tracks.forget_remote();
        self.pc.close();
    }
}
