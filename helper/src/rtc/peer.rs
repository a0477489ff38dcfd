//! One peer connection to the technician's console: built with GCC
//! congestion control and keyframe requests wired to the capture thread,
//! a VP8 track attached before the offer is applied (so the answer sends
//! video), and events forwarded to the session loop as [`PeerEvent`]s.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use protocol::ws::IceServer;
use rtc::interceptor::{Gcc, Slot};
use rtc::media::Sample;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::media_engine::MIME_TYPE_VP8;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodecParameters, RTCRtpCodingParameters, RTCRtpEncodingParameters,
    RtpCodecKind,
};
use tokio::sync::mpsc::UnboundedSender;
use webrtc::data_channel::{DataChannel, DataChannelEvent};
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::track_local::{TrackLocal, TrackLocalEvent};
use webrtc::peer_connection::{
    CongestionFeedback, MediaEngine, PeerConnection, PeerConnectionBuilder,
    PeerConnectionEventHandler, RTCConfigurationBuilder, RTCIceCandidateInit, RTCIceServer,
    RTCPeerConnectionIceEvent, RTCPeerConnectionState, RTCSessionDescription, Registry,
    SettingEngineBuilder, configure_congestion_control, register_default_interceptors,
};
use webrtc::rtp_transceiver::RtpSender;
use webrtc::runtime::TokioRuntime;

use super::estimate::PublishedEstimate;
use super::keyframes::{KeyframeRequests, is_keyframe_request};
use crate::Error;
use crate::video::pipeline::PipelineControl;

/// GCC's start, floor and ceiling in bits/s. Starting high matters: the
/// pacer meters packets at the estimate, and a screen keyframe queued
/// behind a low start rate shows as lag.
const GCC_START: f64 = 2_500_000.0;
const GCC_MIN: f64 = 150_000.0;
const GCC_MAX: f64 = 8_000_000.0;

/// How long closing may take before the helper goes anyway.
pub const CLOSE_TIMEOUT: Duration = Duration::from_millis(300);

/// What the peer connection reports to the session loop.
pub enum PeerEvent {
    Candidate(RTCIceCandidateInit),
    State(RTCPeerConnectionState),
    /// A channel the console created is open.
    ChannelOpen(String, Arc<dyn DataChannel>),
    Message {
        label: String,
        is_string: bool,
        data: BytesMut,
    },
    ChannelClosed(String),
}

struct Handler {
    events: UnboundedSender<PeerEvent>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        if let Ok(init) = event.candidate.to_json() {
            let _ = self.events.send(PeerEvent::Candidate(init));
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.events.send(PeerEvent::State(state));
    }

    async fn on_data_channel(&self, dc: Arc<dyn DataChannel>) {
        let Ok(label) = dc.label().await else { return };
        let _ = self
            .events
            .send(PeerEvent::ChannelOpen(label.clone(), dc.clone()));
        let events = self.events.clone();
        tokio::spawn(async move {
            while let Some(event) = dc.poll().await {
                match event {
                    DataChannelEvent::OnMessage(m) => {
                        let message = PeerEvent::Message {
                            label: label.clone(),
                            is_string: m.is_string,
                            data: m.data,
                        };
                        if events.send(message).is_err() {
                            return;
                        }
                    }
                    DataChannelEvent::OnClose => break,
                    _ => {}
                }
            }
            let _ = events.send(PeerEvent::ChannelClosed(label));
        });
    }
}

fn vp8_codec() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_VP8.to_owned(),
        clock_rate: 90_000,
        channels: 0,
        sdp_fmtp_line: String::new(),
        rtcp_feedback: vec![],
    }
}

fn ice_servers(servers: &[IceServer]) -> Vec<RTCIceServer> {
    servers
        .iter()
        .map(|s| RTCIceServer {
            urls: s.urls.clone(),
            username: s.username.clone().unwrap_or_default(),
            credential: s.credential.clone().unwrap_or_default(),
        })
        .collect()
}

pub struct HelperPeer {
    pc: Arc<dyn PeerConnection>,
    track: Arc<TrackLocalStaticSample>,
    sender: Arc<dyn RtpSender>,
    ssrc: u32,
    payload_type: Option<u8>,
    mid: Option<String>,
}

impl HelperPeer {
    /// `bind`: UDP addresses to gather on. The wildcard is expanded to
    /// every interface but loopback, so loopback is named on its own for a
    /// console on the same machine (and the tests).
    pub async fn new(
        servers: &[IceServer],
        bind: &[String],
        video: &PipelineControl,
        events: UnboundedSender<PeerEvent>,
    ) -> Result<HelperPeer, Error> {
        let pc: Arc<dyn PeerConnection> = match build(servers, bind, video, &events, true).await {
            Ok(pc) => pc,
            // mDNS binds 0.0.0.0:5353 and joins a multicast group inside
            // build(); with no multicast route that fails (ENODEV). The
            // console's .local names then go unresolved, but its checks
            // still teach us its address (peer-reflexive candidates).
            Err(_) => build(servers, bind, video, &events, false).await?,
        };
        let ssrc = rand_ssrc();
        let track = Arc::new(TrackLocalStaticSample::new(
            Instant::now(),
            MediaStreamTrack::new(
                "lifeline-helper".to_owned(),
                "screen".to_owned(),
                "screen".to_owned(),
                RtpCodecKind::Video,
                vec![RTCRtpEncodingParameters {
                    rtp_coding_parameters: RTCRtpCodingParameters {
                        ssrc: Some(ssrc),
                        ..Default::default()
                    },
                    codec: vp8_codec(),
                    ..Default::default()
                }],
            ),
        )?);
        let sender = pc.add_track(track.clone() as Arc<dyn TrackLocal>).await?;
        let want_keyframe = video.want_keyframe.clone();
        let rtcp = track.clone();
        tokio::spawn(async move {
            while let Some(event) = rtcp.poll().await {
                if let TrackLocalEvent::OnRtcpPacket(packets) = event
                    && packets.iter().any(|p| is_keyframe_request(p.as_ref()))
                {
                    want_keyframe.store(true, Ordering::Relaxed);
                }
            }
        });
        Ok(HelperPeer {
            pc,
            track,
            sender,
            ssrc,
            payload_type: None,
            mid: None,
        })
    }

    /// Applies the console's offer and returns our answer.
    pub async fn answer(
        &mut self,
        offer: RTCSessionDescription,
    ) -> Result<RTCSessionDescription, Error> {
        self.pc.set_remote_description(offer).await?;
        let answer = self.pc.create_answer(None).await?;
        self.pc.set_local_description(answer.clone()).await?;
        let local = self.pc.local_description().await.unwrap_or(answer);
        self.mid = super::signal_json::first_mid(&local.sdp);
        // The negotiated payload type, not the one we registered.
        let parameters = self.sender.get_parameters().await?;
        self.payload_type = parameters
            .rtp_parameters
            .codecs
            .first()
            .map(|c| c.payload_type);
        Ok(local)
    }

    pub fn mid(&self) -> Option<&str> {
        self.mid.as_deref()
    }

    pub async fn add_candidate(&self, candidate: RTCIceCandidateInit) -> Result<(), Error> {
        self.pc.add_ice_candidate(candidate).await?;
        Ok(())
    }

    /// Sends one encoded frame; `duration` advances the RTP clock.
    pub async fn send_frame(&self, data: Vec<u8>, duration: Duration) -> Result<(), Error> {
        let Some(pt) = self.payload_type else {
            return Ok(()); // not negotiated yet
        };
        self.track
            .sample_writer(self.ssrc, pt)
            .write_sample(&Sample {
                data: Bytes::from(data),
                duration,
                ..Sample::new(Instant::now())
            })
            .await?;
        Ok(())
    }

    /// Closes within [`CLOSE_TIMEOUT`], whatever the far side does.
    pub async fn close(&self) {
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, self.pc.close()).await;
    }
}

async fn build(
    servers: &[IceServer],
    bind: &[String],
    video: &PipelineControl,
    events: &UnboundedSender<PeerEvent>,
    mdns: bool,
) -> Result<Arc<dyn PeerConnection>, Error> {
    let mut media = MediaEngine::default();
    media.register_codec(
        RTCRtpCodecParameters {
            rtp_codec: vp8_codec(),
            payload_type: 96,
        },
        RtpCodecKind::Video,
    )?;
    video.target_bps.store(GCC_START as u64, Ordering::Relaxed);
    let estimator = PublishedEstimate {
        inner: Gcc::new(GCC_START, GCC_MIN, GCC_MAX),
        target: video.target_bps.clone(),
    };
    let registry = configure_congestion_control(
        Registry::new(),
        estimator,
        CongestionFeedback::Twcc,
        &mut media,
    )?;
    // NACK (and the "nack pli" feedback), sender and receiver reports.
    let registry = register_default_interceptors(registry, &mut media)?;
    let registry = registry.with(Slot::from(14_000), KeyframeRequests::default());
    let mut settings = SettingEngineBuilder::new();
    if !mdns {
        settings = settings.with_multicast_dns_mode(rtc::ice::mdns::MulticastDnsMode::Disabled);
    }
    let pc = PeerConnectionBuilder::new()
        .with_configuration(
            RTCConfigurationBuilder::new()
                .with_ice_servers(ice_servers(servers))
                .build(),
        )
        .with_media_engine(media)
        .with_interceptor_registry(registry)
        .with_setting_engine(settings.build())
        .with_handler(Arc::new(Handler {
            events: events.clone(),
        }))
        .with_runtime(Arc::new(TokioRuntime))
        .with_udp_addrs(bind.to_vec())
        .build()
        .await?;
    Ok(Arc::new(pc))
}

fn rand_ssrc() -> u32 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (t.subsec_nanos() ^ std::process::id().rotate_left(16)) | 1
}
