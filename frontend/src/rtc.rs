//! The direct connection between the two browsers: one `RTCPeerConnection`
//! per support session, with its chat data channel and the shared screen.
//!
//! This is the only module that touches `web_sys::Rtc*`. Pages and session
//! code use [`PeerLink`]: create it when the session starts, hand it every
//! relayed `signal`, and listen to [`PeerEvents`].
//!
//! Negotiation follows the "perfect negotiation" pattern from the WebRTC
//! spec: either side may need to renegotiate at any time (the technician's
//! first offer with the data channel; the customer's offer when a screen is
//! added or removed), and a collision of two offers is settled by roles:
//! the customer is polite and yields, the technician is not and ignores the
//! customer's offer. The code mirrors the spec's example line by line so it
//! can be checked against it.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Array, Function, Promise, Reflect};
use protocol::peer::DATA_CHANNEL_LABEL;
use protocol::ws::IceServer;
use protocol::{PeerMessage, Role};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{
    MediaStream, MediaStreamTrack, MessageEvent, RtcConfiguration, RtcDataChannel,
    RtcDataChannelEvent, RtcDataChannelState, RtcIceCandidateInit, RtcIceServer, RtcPeerConnection,
    RtcPeerConnectionIceEvent, RtcPeerConnectionState, RtcRtpSender, RtcSdpType,
    RtcSessionDescriptionInit, RtcSignalingState, RtcTrackEvent,
};

use crate::browser;
use crate::format::Quality;
use crate::signal_data::{Candidate, Description, DescriptionKind, SignalData};
use crate::state::PeerStatus;

/// A browser event handler kept alive on the Rust side.
type Handler = Closure<dyn FnMut(JsValue)>;

/// What a [`PeerLink`] reports. Called from browser events, never from
/// inside a `PeerLink` method, so they may call back into the link.
pub struct PeerEvents {
    /// Signalling `data` to relay to the other side through the server.
    pub signal: Box<dyn Fn(serde_json::Value)>,
    /// A message arrived on the data channel.
    pub message: Box<dyn Fn(PeerMessage)>,
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
    /// Perfect negotiation: the polite side yields in an offer collision.
    polite: bool,
    /// Perfect negotiation: our own offer is being made.
    making_offer: Cell<bool>,
    /// Perfect negotiation: the last remote offer collided and was ignored,
    /// so its candidates may fail to apply; that is expected.
    ignore_offer: Cell<bool>,
    /// Perfect negotiation: a remote answer is being applied.
    answer_pending: Cell<bool>,
    /// The chat channel: ours (technician) or the one announced to us (customer).
    channel: RefCell<Option<RtcDataChannel>>,
    /// Chat written before the channel opened; sent when it does, so the
    /// UI can take messages from the moment the session starts.
    outbox: RefCell<Vec<String>>,
    /// The senders of our shared screen, to remove them on stop.
    senders: RefCell<Vec<RtcRtpSender>>,
    /// The other side's screen now shown, to tell a stale removal apart.
    remote: RefCell<Option<MediaStream>>,
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
    /// technician opens the chat channel, which makes the first offer; the
    /// customer waits for it.
    pub fn new(ice_servers: &[IceServer], role: Role, events: PeerEvents) -> Result<Self, JsValue> {
        let config = RtcConfiguration::new();
        let servers = Array::new();
        for server in ice_servers {
            let entry = RtcIceServer::new();
            let urls: Array = server.urls.iter().map(|u| JsValue::from_str(u)).collect();
            entry.set_urls(&urls);
            if let Some(username) = &server.username {
                entry.set_username(username);
            }
            if let Some(credential) = &server.credential {
                entry.set_credential(credential);
            }
            servers.push(&entry);
        }
        // An empty list means host candidates only: what loopback tests use.
        config.set_ice_servers(&servers);
        let pc = RtcPeerConnection::new_with_configuration(&config)?;
        let link = Rc::new(Link {
            pc,
            polite: role == Role::Customer,
            making_offer: Cell::new(false),
            ignore_offer: Cell::new(false),
            answer_pending: Cell::new(false),
            channel: RefCell::new(None),
            outbox: RefCell::new(Vec::new()),
            senders: RefCell::new(Vec::new()),
            remote: RefCell::new(None),
            last_bytes: Cell::new(None),
            events,
            handlers: RefCell::new(Vec::new()),
            closed: Cell::new(false),
        });
        link.install_handlers();
        if role == Role::Technician {
            let channel = link.pc.create_data_channel(DATA_CHANNEL_LABEL);
            link.attach_channel(channel);
        }
        Ok(Self { link })
    }

    /// Applies a relayed `signal` frame's `data`.
    pub fn handle_signal(&self, data: &serde_json::Value) {
        let Some(signal) = SignalData::from_value(data) else {
            browser::log("lifeline: unknown signal data ignored");
            return;
        };
        let link = self.link.clone();
        if link.closed.get() {
            return;
        }
        match signal {
            SignalData::Description(description) => link.on_description(description),
            SignalData::Candidate(candidate) => link.on_candidate(candidate),
        }
    }

    /// Sends a chat (or other) message, now or once the channel opens.
    pub fn send(&self, message: &PeerMessage) {
        let Ok(text) = serde_json::to_string(message) else {
            return;
        };
        let channel = self.link.channel.borrow();
        match channel.as_ref() {
            Some(dc) if dc.ready_state() == RtcDataChannelState::Open => {
                if dc.send_with_str(&text).is_err() {
                    browser::log("lifeline: chat message not sent");
                }
            }
            _ => self.link.outbox.borrow_mut().push(text),
        }
    }

    /// Starts sending a captured screen (or camera); renegotiates.
    pub fn add_screen(&self, stream: &MediaStream) {
        if self.link.closed.get() {
            return;
        }
        for track in stream.get_tracks().iter() {
            let track: MediaStreamTrack = track.unchecked_into();
            let sender = self.link.pc.add_track_0(&track, stream);
            self.link.senders.borrow_mut().push(sender);
        }
    }

    /// Stops sending the screen; renegotiates. The caller stops the capture.
    pub fn stop_screen(&self) {
        let senders = std::mem::take(&mut *self.link.senders.borrow_mut());
        if self.link.closed.get() || self.link.pc.signaling_state() == RtcSignalingState::Closed {
            return;
        }
        for sender in senders {
            self.link.pc.remove_track(&sender);
        }
    }

    /// Closes the connection now. Nothing is reported after this.
    pub fn close(&self) {
        self.link.shut();
    }

    /// Reads the incoming picture's quality from the connection's stats;
    /// `None` while no video arrives. Call it about once a second: bitrate
    /// is measured between calls.
    /// The returned future owns what it needs, so no borrow of the link
    /// is held across the wait.
    pub fn quality(&self) -> impl Future<Output = Option<Quality>> + 'static {
        let link = self.link.clone();
        async move { link.quality().await }
    }
}

impl Link {
    async fn quality(self: Rc<Self>) -> Option<Quality> {
        let link = self;
        if link.closed.get() {
            return None;
        }
        let report = JsFuture::from(link.pc.get_stats()).await.ok()?;
        // RTCStatsReport is map-like; its own forEach is the portable way in.
        let for_each: Function = Reflect::get(&report, &"forEach".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let sink = Rc::new(RefCell::new(Vec::<JsValue>::new()));
        let collect = {
            let sink = sink.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |value| sink.borrow_mut().push(value))
        };
        for_each.call1(&report, collect.as_ref()).ok()?;
        drop(collect);
        let stats = std::mem::take(&mut *sink.borrow_mut());

        let mut video = None;
        let mut rtt_ms = None;
        for stat in &stats {
            match text(stat, "type").as_deref() {
                Some("inbound-rtp") if text(stat, "kind").as_deref() == Some("video") => {
                    video = Some((
                        number(stat, "frameWidth").unwrap_or(0.0),
                        number(stat, "frameHeight").unwrap_or(0.0),
                        number(stat, "framesPerSecond").unwrap_or(0.0),
                        number(stat, "bytesReceived"),
                        number(stat, "timestamp"),
                    ));
                }
                Some("candidate-pair")
                    if text(stat, "state").as_deref() == Some("succeeded")
                        && flag(stat, "nominated") =>
                {
                    if let Some(rtt) = number(stat, "currentRoundTripTime") {
                        rtt_ms = Some(rtt * 1000.0);
                    }
                }
                _ => {}
            }
        }
        let (width, height, fps, bytes, at) = video?;
        if width == 0.0 {
            return None;
        }
        let kbps = match (bytes, at, link.last_bytes.get()) {
            (Some(bytes), Some(at), Some((last_bytes, last_at))) if at > last_at => {
                Some((bytes - last_bytes) * 8.0 / (at - last_at))
            }
            _ => None,
        };
        if let (Some(bytes), Some(at)) = (bytes, at) {
            link.last_bytes.set(Some((bytes, at)));
        }
        Some(Quality {
            width: width as u32,
            height: height as u32,
            fps,
            kbps,
            rtt_ms,
        })
    }
}

impl Drop for PeerLink {
    fn drop(&mut self) {
        self.link.shut();
    }
}

fn text(stat: &JsValue, key: &str) -> Option<String> {
    Reflect::get(stat, &key.into()).ok()?.as_string()
}

fn number(stat: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(stat, &key.into()).ok()?.as_f64()
}

fn flag(stat: &JsValue, key: &str) -> bool {
    Reflect::get(stat, &key.into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
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

        let on_candidate = self.handler(|link, event| {
            let event: RtcPeerConnectionIceEvent = event.unchecked_into();
            // End-of-candidates (null or empty) may be omitted, per the contract.
            let Some(candidate) = event.candidate().filter(|c| !c.candidate().is_empty()) else {
                return;
            };
            let data = SignalData::Candidate(Some(Candidate {
                candidate: candidate.candidate(),
                sdp_mid: candidate.sdp_mid(),
                sdp_m_line_index: candidate.sdp_m_line_index(),
            }));
            (link.events.signal)(data.to_value());
        });
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
            if channel.label() == DATA_CHANNEL_LABEL {
                link.attach_channel(channel);
            }
        });
        self.pc
            .set_ondatachannel(Some(on_channel.as_ref().unchecked_ref()));
        self.keep(on_channel);

        let on_track = self.handler(|link, event| link.on_track(event.unchecked_into()));
        self.pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        self.keep(on_track);
    }

    fn attach_channel(self: &Rc<Self>, channel: RtcDataChannel) {
        let on_open = self.handler(|link, _| {
            let queued = std::mem::take(&mut *link.outbox.borrow_mut());
            if let Some(dc) = link.channel.borrow().as_ref() {
                for text in queued {
                    let _ = dc.send_with_str(&text);
                }
            }
        });
        channel.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        self.keep(on_open);

        let on_message = self.handler(|link, event| {
            let Some(text) = event.unchecked_into::<MessageEvent>().data().as_string() else {
                return;
            };
            match serde_json::from_str::<PeerMessage>(&text) {
                Ok(message) => (link.events.message)(message),
                Err(e) => browser::log(&format!("lifeline: ignored peer message ({e})")),
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        self.keep(on_message);

        *self.channel.borrow_mut() = Some(channel);
    }

    fn on_track(self: &Rc<Self>, event: RtcTrackEvent) {
        let streams = event.streams();
        let stream = if streams.length() > 0 {
            streams.get(0).unchecked_into::<MediaStream>()
        } else {
            let Ok(stream) = MediaStream::new() else {
                return;
            };
            stream.add_track(&event.track());
            stream
        };
        // When the customer stops, renegotiation removes the track from the
        // stream; only the stream now shown may clear the picture.
        let on_removed = {
            let shown = stream.clone();
            self.handler(move |link, _| {
                let current = link.remote.borrow().clone();
                if current.as_ref() == Some(&shown) && shown.get_tracks().length() == 0 {
                    *link.remote.borrow_mut() = None;
                    (link.events.remote_stream)(None);
                }
            })
        };
        stream.set_onremovetrack(Some(on_removed.as_ref().unchecked_ref()));
        self.keep(on_removed);
        *self.remote.borrow_mut() = Some(stream.clone());
        self.last_bytes.set(None);
        (self.events.remote_stream)(Some(stream));
    }

    /// `onnegotiationneeded`: make and send an offer.
    fn negotiate(self: &Rc<Self>) {
        // Set at once, not in the task, so a remote offer arriving before
        // the task runs is seen as a collision.
        self.making_offer.set(true);
        let link = self.clone();
        spawn_local(async move {
            // Outside "stable" the browser fires this event again once back
            // in it; an offer now would be refused.
            let result = if link.pc.signaling_state() == RtcSignalingState::Stable {
                link.set_local_description().await.map(|()| true)
            } else {
                Ok(false)
            };
            link.making_offer.set(false);
            match result {
                Ok(true) => link.send_local_description(),
                Ok(false) => {}
                Err(e) => browser::log(&format!("lifeline: offer failed: {e:?}")),
            }
        });
    }

    fn on_description(self: &Rc<Self>, description: Description) {
        let ready_for_offer = !self.making_offer.get()
            && (self.pc.signaling_state() == RtcSignalingState::Stable
                || self.answer_pending.get());
        let collision = description.kind == DescriptionKind::Offer && !ready_for_offer;
        self.ignore_offer.set(!self.polite && collision);
        if self.ignore_offer.get() {
            return;
        }
        self.answer_pending
            .set(description.kind == DescriptionKind::Answer);
        let init = RtcSessionDescriptionInit::new(sdp_type(description.kind));
        if !description.sdp.is_empty() {
            init.set_sdp(&description.sdp);
        }
        // Called now, not in the task: the browser queues peer connection
        // operations in call order, which keeps candidates after their offer.
        let applied = self.pc.set_remote_description(&init);
        let link = self.clone();
        spawn_local(async move {
            let result = JsFuture::from(applied).await;
            link.answer_pending.set(false);
            if let Err(e) = result {
                browser::log(&format!("lifeline: remote description refused: {e:?}"));
                return;
            }
            if description.kind == DescriptionKind::Offer {
                match link.set_local_description().await {
                    Ok(()) => link.send_local_description(),
                    Err(e) => browser::log(&format!("lifeline: answer failed: {e:?}")),
                }
            }
        });
    }

    fn on_candidate(self: &Rc<Self>, candidate: Option<Candidate>) {
        let init = candidate.map(|c| {
            let init = RtcIceCandidateInit::new(&c.candidate);
            init.set_sdp_mid(c.sdp_mid.as_deref());
            init.set_sdp_m_line_index(c.sdp_m_line_index);
            init
        });
        let added = self
            .pc
            .add_ice_candidate_with_opt_rtc_ice_candidate_init(init.as_ref());
        let link = self.clone();
        spawn_local(async move {
            if let Err(e) = JsFuture::from(added).await
                && !link.ignore_offer.get()
            {
                browser::log(&format!("lifeline: candidate refused: {e:?}"));
            }
        });
    }

    /// `setLocalDescription()` without arguments: the browser makes the
    /// offer or answer the current state calls for. web-sys only binds the
    /// form with an argument.
    async fn set_local_description(&self) -> Result<(), JsValue> {
        let method: Function = Reflect::get(&self.pc, &"setLocalDescription".into())?.dyn_into()?;
        let promise: Promise = method.call0(&self.pc)?.dyn_into()?;
        JsFuture::from(promise).await.map(|_| ())
    }

    fn send_local_description(&self) {
        if self.closed.get() {
            return;
        }
        let Some(local) = self.pc.local_description() else {
            return;
        };
        let kind = match local.type_() {
            RtcSdpType::Offer => DescriptionKind::Offer,
            RtcSdpType::Answer => DescriptionKind::Answer,
            RtcSdpType::Pranswer => DescriptionKind::Pranswer,
            _ => return,
        };
        let data = SignalData::Description(Description {
            kind,
            sdp: local.sdp(),
        });
        (self.events.signal)(data.to_value());
    }

    /// Closes everything and stops reporting. Handlers stay allocated until
    /// the link is dropped, since one of them may be running right now.
    fn shut(&self) {
        if self.closed.replace(true) {
            return;
        }
        if let Some(dc) = self.channel.borrow().as_ref() {
            dc.set_onopen(None);
            dc.set_onmessage(None);
            dc.close();
        }
        self.pc.set_onnegotiationneeded(None);
        self.pc.set_onicecandidate(None);
        self.pc.set_onconnectionstatechange(None);
        self.pc.set_ondatachannel(None);
        self.pc.set_ontrack(None);
        if let Some(stream) = self.remote.borrow().as_ref() {
            stream.set_onremovetrack(None);
        }
        self.pc.close();
    }
}

fn sdp_type(kind: DescriptionKind) -> RtcSdpType {
    match kind {
        DescriptionKind::Offer => RtcSdpType::Offer,
        DescriptionKind::Answer => RtcSdpType::Answer,
        DescriptionKind::Pranswer => RtcSdpType::Pranswer,
        DescriptionKind::Rollback => RtcSdpType::Rollback,
    }
}
