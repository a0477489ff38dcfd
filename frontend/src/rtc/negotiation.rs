//! Offers, answers and ICE candidates, following the "perfect negotiation"
//! pattern from the WebRTC spec: either side may need to renegotiate at any
//! time (the technician's first offer with the channels; the customer's
//! offer when a screen is added or removed), and a collision of two offers
//! is settled by roles: the customer is polite and yields, the technician
//! is not and ignores the customer's offer. The code mirrors the spec's
//! example line by line so it can be checked against it.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect};
use protocol::ws::IceServer;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{
    RtcConfiguration, RtcIceCandidateInit, RtcIceServer, RtcPeerConnectionIceEvent, RtcSdpType,
    RtcSessionDescriptionInit, RtcSignalingState,
};

use super::Link;
use crate::browser;
use crate::signal_data::{Candidate, Description, DescriptionKind, SignalData};

/// Where offers and answers stand.
pub(super) struct Negotiation {
    /// The polite side yields in an offer collision.
    polite: bool,
    /// Our own offer is being made.
    making_offer: Cell<bool>,
    /// The last remote offer collided and was ignored, so its candidates
    /// may fail to apply; that is expected.
    ignore_offer: Cell<bool>,
    /// A remote answer is being applied.
    answer_pending: Cell<bool>,
}

impl Negotiation {
    pub(super) fn new(polite: bool) -> Self {
        Self {
            polite,
            making_offer: Cell::new(false),
            ignore_offer: Cell::new(false),
            answer_pending: Cell::new(false),
        }
    }
}

/// The connection's configuration: the session's ICE servers, with TURN
/// credentials where given. An empty list means host candidates only,
/// which is what loopback tests use.
pub(super) fn configuration(ice_servers: &[IceServer]) -> RtcConfiguration {
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
    config.set_ice_servers(&servers);
    config
}

impl Link {
    /// `onnegotiationneeded`: make and send an offer.
    pub(super) fn negotiate(self: &Rc<Self>) {
        // Set at once, not in the task, so a remote offer arriving before
        // the task runs is seen as a collision.
        self.negotiation.making_offer.set(true);
        let link = self.clone();
        spawn_local(async move {
            // Outside "stable" the browser fires this event again once back
            // in it; an offer now would be refused.
            let result = if link.pc.signaling_state() == RtcSignalingState::Stable {
                link.set_local_description().await.map(|()| true)
            } else {
                Ok(false)
            };
            link.negotiation.making_offer.set(false);
            match result {
                Ok(true) => link.send_local_description(),
                Ok(false) => {}
                Err(e) => browser::log(&format!("lifeline: offer failed: {e:?}")),
            }
        });
    }

    /// `onicecandidate`: relay each of our candidates. Host candidates go
    /// as the browser makes them, mDNS (`.local`) names included.
    pub(super) fn on_local_candidate(&self, event: JsValue) {
        let event: RtcPeerConnectionIceEvent = event.unchecked_into();
        // The end of candidates (null or empty) is not sent: the other side
        // needs no word of it, and accepts one all the same.
        let Some(candidate) = event.candidate().filter(|c| !c.candidate().is_empty()) else {
            return;
        };
        let data = SignalData::Candidate(Some(Candidate {
            candidate: candidate.candidate(),
            sdp_mid: candidate.sdp_mid(),
            sdp_m_line_index: candidate.sdp_m_line_index(),
        }));
        (self.events.signal)(data.to_value());
    }

    pub(super) fn on_description(self: &Rc<Self>, description: Description) {
        let n = &self.negotiation;
        let ready_for_offer = !n.making_offer.get()
            && (self.pc.signaling_state() == RtcSignalingState::Stable || n.answer_pending.get());
        let collision = description.kind == DescriptionKind::Offer && !ready_for_offer;
        n.ignore_offer.set(!n.polite && collision);
        if n.ignore_offer.get() {
            return;
        }
        n.answer_pending
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
            link.negotiation.answer_pending.set(false);
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

    pub(super) fn on_candidate(self: &Rc<Self>, candidate: Option<Candidate>) {
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
                && !link.negotiation.ignore_offer.get()
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
}

fn sdp_type(kind: DescriptionKind) -> RtcSdpType {
    match kind {
        DescriptionKind::Offer => RtcSdpType::Offer,
        DescriptionKind::Answer => RtcSdpType::Answer,
        DescriptionKind::Pranswer => RtcSdpType::Pranswer,
        DescriptionKind::Rollback => RtcSdpType::Rollback,
    }
}
