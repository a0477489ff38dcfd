//! The media on a link: the screen (or camera) we send, and the other
//! side's screen we show.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{
    MediaStream, MediaStreamTrack, RtcRtpSender, RtcRtpTransceiverDirection, RtcRtpTransceiverInit,
    RtcSignalingState, RtcTrackEvent,
};

use super::{Link, PeerLink};

/// What is sent and what is shown.
#[derive(Default)]
pub(super) struct Tracks {
    /// The senders of our shared screen, to remove them on stop.
    senders: RefCell<Vec<RtcRtpSender>>,
    /// The other side's screen now shown, to tell a stale removal apart.
    remote: RefCell<Option<MediaStream>>,
}

impl Tracks {
    /// Stops listening to the shown stream; the link is closing.
    pub(super) fn forget_remote(&self) {
        if let Some(stream) = self.remote.borrow().as_ref() {
            stream.set_onremovetrack(None);
        }
    }
}

impl PeerLink {
    /// Starts sending a captured screen (or camera); renegotiates.
    pub fn add_screen(&self, stream: &MediaStream) {
        let link = &self.link;
        if link.closed.get() {
            return;
        }
        for track in stream.get_tracks().iter() {
            let track: MediaStreamTrack = track.unchecked_into();
            let sender = link.pc.add_track_0(&track, stream);
            link.tracks.senders.borrow_mut().push(sender);
        }
    }

    /// Asks for one video track from the other side while sending none:
    /// the Lifeline Helper only answers, so the console's offer must
    /// already hold the place for the helper's screen.
    pub fn receive_video(&self) {
        let link = &self.link;
        if link.closed.get() {
            return;
        }
        let init = RtcRtpTransceiverInit::new();
        init.set_direction(RtcRtpTransceiverDirection::Recvonly);
        link.pc.add_transceiver_with_str_and_init("video", &init);
    }

    /// Stops sending the screen; renegotiates. The caller stops the capture.
    pub fn stop_screen(&self) {
        let link = &self.link;
        let senders = std::mem::take(&mut *link.tracks.senders.borrow_mut());
        if link.closed.get() || link.pc.signaling_state() == RtcSignalingState::Closed {
            return;
        }
        for sender in senders {
            link.pc.remove_track(&sender);
        }
    }
}

impl Link {
    /// `ontrack`: the other side's screen arrived.
    pub(super) fn on_track(self: &Rc<Self>, event: RtcTrackEvent) {
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
        // When the sender stops, renegotiation removes the track from the
        // stream; only the stream now shown may clear the picture.
        let on_removed = {
            let shown = stream.clone();
            self.handler(move |link, _| {
                let current = link.tracks.remote.borrow().clone();
                if current.as_ref() == Some(&shown) && shown.get_tracks().length() == 0 {
                    *link.tracks.remote.borrow_mut() = None;
                    (link.events.remote_stream)(None);
                }
            })
        };
        stream.set_onremovetrack(Some(on_removed.as_ref().unchecked_ref()));
        self.keep(on_removed);
        *self.tracks.remote.borrow_mut() = Some(stream.clone());
        self.last_bytes.set(None);
        (self.events.remote_stream)(Some(stream));
    }
}
