//! One link to the technician's console: the peer connection, the capture
//! pipeline feeding it (running only while connected, so an idle helper
//! captures nothing), and the console's `input` channel for replies.

use std::sync::Arc;

use protocol::peer::input::InputMessage;
use protocol::peer::{ChannelMessage, Frame};
use protocol::ws::IceServer;
use tokio::sync::mpsc;
use webrtc::data_channel::DataChannel;
use webrtc::peer_connection::{RTCIceCandidateInit, RTCSessionDescription};

use crate::Error;
use crate::desktop::Capturer;
use crate::rtc::peer::{HelperPeer, PeerEvent};
use crate::video::pipeline::{Pipeline, PipelineControl, PipelineEvent};

/// Frames waiting for the sender; the capture thread waits when it is
/// full rather than drop a frame the next one depends on.
const FRAME_QUEUE: usize = 4;

pub struct Link {
    pub peer: HelperPeer,
    pub peer_events: mpsc::UnboundedReceiver<PeerEvent>,
    pub video: PipelineControl,
    pipeline: Option<Pipeline>,
    pub pipeline_events: Option<mpsc::Receiver<PipelineEvent>>,
    input: Option<Arc<dyn DataChannel>>,
}

impl Link {
    /// Answers `offer`; returns the link and the answer to send.
    pub async fn answer(
        servers: &[IceServer],
        bind: &[String],
        offer: RTCSessionDescription,
    ) -> Result<(Link, RTCSessionDescription), Error> {
        let (tx, peer_events) = mpsc::unbounded_channel();
        let video = PipelineControl::default();
        let mut peer = HelperPeer::new(servers, bind, &video, tx).await?;
        let answer = peer.answer(offer).await?;
        let link = Link {
            peer,
            peer_events,
            video,
            pipeline: None,
            pipeline_events: None,
            input: None,
        };
        Ok((link, answer))
    }

    pub async fn add_candidate(&self, candidate: RTCIceCandidateInit) -> Result<(), Error> {
        self.peer.add_candidate(candidate).await
    }

    pub fn capturing(&self) -> bool {
        self.pipeline.is_some()
    }

    pub fn start_capture(&mut self, capturer: Box<dyn Capturer>) -> Result<(), Error> {
        let (tx, rx) = mpsc::channel(FRAME_QUEUE);
        // The first frame is a keyframe anyway; this makes it so after a
        // restart too.
        self.video
            .want_keyframe
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.pipeline = Some(Pipeline::start(capturer, self.video.clone(), tx)?);
        self.pipeline_events = Some(rx);
        Ok(())
    }

    pub fn set_input_channel(&mut self, dc: Option<Arc<dyn DataChannel>>) {
        self.input = dc;
    }

    /// Sends a message to the console on `input`, if it is open.
    pub async fn send_input(&self, message: &InputMessage) {
        let Some(dc) = &self.input else { return };
        if let Frame::Text(text) = message.encode() {
            let _ = dc.send_text(&text).await;
        }
    }

    /// Stops capture and closes the connection (bounded in time).
    pub async fn close(mut self) {
        // Dropping the receiver first unblocks a capture thread waiting to
        // hand over a frame, so joining it is quick.
        self.pipeline_events = None;
        let pipeline = self.pipeline.take();
        let _ = tokio::task::spawn_blocking(move || drop(pipeline)).await;
        self.peer.close().await;
    }
}
