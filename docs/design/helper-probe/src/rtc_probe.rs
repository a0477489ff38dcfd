//! webrtc 0.21.1 probe: a "helper" peer (VP8 track, GCC/TWCC, PLI forwarded to the app)
//! answering a "console" peer (recvonly video + unordered `control` channel), trickle ICE
//! both ways as browser-shaped JSON, over loopback.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rtc::interceptor::{
    Attribute, BandwidthEstimator, EstimatorStats, Gcc, Interceptor, Packet, PacketReport, Slot,
    StreamInfo, TaggedPacket,
};
use rtc::media::Sample;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::media_engine::MIME_TYPE_VP8;
use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodecParameters, RTCRtpCodingParameters, RTCRtpEncodingParameters,
    RtpCodecKind,
};
use rtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit};
use rtc::sansio::Protocol;
use tokio::sync::mpsc;
use webrtc::data_channel::{DataChannel, DataChannelEvent, RTCDataChannelInit};
use webrtc::media_stream::Track;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::track_local::{TrackLocal, TrackLocalEvent};
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    CongestionFeedback, MediaEngine, PeerConnection, PeerConnectionBuilder,
    PeerConnectionEventHandler, RTCConfigurationBuilder, RTCIceCandidateInit,
    RTCPeerConnectionIceEvent, RTCPeerConnectionState, Registry, SettingEngineBuilder,
    configure_congestion_control, register_default_interceptors,
};
use webrtc::runtime::TokioRuntime;

use crate::vp8::Vp8Encoder;

type Error = Box<dyn std::error::Error + Send + Sync>;

// ------------------------------------------------ keyframe requests to the application

/// Marks inbound PLI/FIR `DeliverToApplication` (inbound RTCP otherwise stops at the end
/// of the interceptor chain) and drops other RTCP. Same shape as webrtc's
/// examples/rtcp-processing.
struct KeyframeRequests {
    read: VecDeque<TaggedPacket>,
    write: VecDeque<TaggedPacket>,
}

impl Protocol<TaggedPacket, TaggedPacket, ()> for KeyframeRequests {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = rtc::shared::error::Error;
    type Time = Instant;

    fn handle_read(&mut self, mut msg: TaggedPacket) -> Result<(), Self::Error> {
        if let Packet::Rtcp(packets) = &msg.message.packet {
            let keep: Vec<Box<dyn rtc::rtcp::Packet>> = packets
                .iter()
                .filter(|p| {
                    let any = p.as_any();
                    any.is::<PictureLossIndication>() || any.is::<FullIntraRequest>()
                })
                .cloned()
                .collect();
            if keep.is_empty() {
                return Ok(());
            }
            msg.message.packet = Packet::Rtcp(keep);
            msg.message.add(Attribute::DeliverToApplication);
        }
        self.read.push_back(msg);
        Ok(())
    }
    fn poll_read(&mut self) -> Option<TaggedPacket> {
        self.read.pop_front()
    }
    fn handle_write(&mut self, msg: TaggedPacket) -> Result<(), Self::Error> {
        self.write.push_back(msg);
        Ok(())
    }
    fn poll_write(&mut self) -> Option<TaggedPacket> {
        self.write.pop_front()
    }
}

impl Interceptor for KeyframeRequests {
    fn bind_local_stream(&mut self, _: &StreamInfo) {}
    fn unbind_local_stream(&mut self, _: &StreamInfo) {}
    fn bind_remote_stream(&mut self, _: &StreamInfo) {}
    fn unbind_remote_stream(&mut self, _: &StreamInfo) {}
}

// ------------------------------------------------ bandwidth estimate to the encoder

/// Wraps GCC and publishes its target (bits/s) for the encoder loop (as in webrtc's
/// examples/bandwidth-estimation-from-disk).
struct PublishedEstimate<E: BandwidthEstimator> {
    inner: E,
    target: Arc<AtomicU64>,
}

impl<E: BandwidthEstimator> BandwidthEstimator for PublishedEstimate<E> {
    fn on_reports(&mut self, now: Instant, reports: &[PacketReport]) {
        self.inner.on_reports(now, reports);
        self.target.store(self.inner.target_bitrate() as u64, Ordering::Relaxed);
    }
    fn target_bitrate(&self) -> f64 {
        self.inner.target_bitrate()
    }
    fn handle_timeout(&mut self, now: Instant) {
        self.inner.handle_timeout(now);
        self.target.store(self.inner.target_bitrate() as u64, Ordering::Relaxed);
    }
    fn poll_timeout(&self) -> Option<Instant> {
        self.inner.poll_timeout()
    }
    fn stats(&self) -> EstimatorStats {
        self.inner.stats()
    }
}

// ------------------------------------------------ event handlers

/// What the signalling socket would carry: `{"candidate": RTCIceCandidateInit}`.
struct Handler {
    name: &'static str,
    signal: mpsc::UnboundedSender<serde_json::Value>,
    connected: mpsc::UnboundedSender<()>,
    channel: mpsc::UnboundedSender<Arc<dyn DataChannel>>,
    track: mpsc::UnboundedSender<Arc<dyn TrackRemote>>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        match event.candidate.to_json() {
            Ok(init) => {
                let json = serde_json::json!({ "candidate": init });
                println!("[{}] local candidate {}", self.name, json);
                let _ = self.signal.send(json);
            }
            Err(e) => eprintln!("[{}] candidate to_json: {e}", self.name),
        }
    }
    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        println!("[{}] connection state {state}", self.name);
        if state == RTCPeerConnectionState::Connected {
            let _ = self.connected.send(());
        }
    }
    async fn on_data_channel(&self, dc: Arc<dyn DataChannel>) {
        let _ = self.channel.send(dc);
    }
    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let _ = self.track.send(track);
    }
}

struct Ends {
    signal: mpsc::UnboundedReceiver<serde_json::Value>,
    connected: mpsc::UnboundedReceiver<()>,
    channel: mpsc::UnboundedReceiver<Arc<dyn DataChannel>>,
    track: mpsc::UnboundedReceiver<Arc<dyn TrackRemote>>,
}

fn handler(name: &'static str) -> (Arc<Handler>, Ends) {
    let (s_tx, s_rx) = mpsc::unbounded_channel();
    let (c_tx, c_rx) = mpsc::unbounded_channel();
    let (d_tx, d_rx) = mpsc::unbounded_channel();
    let (t_tx, t_rx) = mpsc::unbounded_channel();
    (
        Arc::new(Handler { name, signal: s_tx, connected: c_tx, channel: d_tx, track: t_tx }),
        Ends { signal: s_rx, connected: c_rx, channel: d_rx, track: t_rx },
    )
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

pub async fn run(bind: &str) -> Result<(), Error> {
    let runtime = Arc::new(TokioRuntime);

    // ---------------- the helper's side
    let mut media = MediaEngine::default();
    media.register_codec(
        RTCRtpCodecParameters { rtp_codec: vp8_codec(), payload_type: 96 },
        RtpCodecKind::Video,
    )?;
    let target = Arc::new(AtomicU64::new(2_500_000));
    let estimator = PublishedEstimate {
        inner: Gcc::new(2_500_000.0, 150_000.0, 8_000_000.0),
        target: target.clone(),
    };
    let registry = configure_congestion_control(Registry::new(), estimator, CongestionFeedback::Twcc, &mut media)?;
    let registry = register_default_interceptors(registry, &mut media)?; // NACK (+ "nack pli" fb), RR/SR
    let registry = registry.with(Slot::from(14_000), KeyframeRequests { read: VecDeque::new(), write: VecDeque::new() });
    let (h_handler, mut h) = handler("helper");
    let helper = PeerConnectionBuilder::new()
        .with_configuration(RTCConfigurationBuilder::new().build()) // session's ice_servers go here
        .with_media_engine(media)
        .with_interceptor_registry(registry)
        .with_setting_engine(helper_settings()) // mDNS: QueryOnly by default
        .with_handler(h_handler)
        .with_runtime(runtime.clone())
        .with_udp_addrs(vec![bind.to_owned()])
        .build()
        .await?;

    let ssrc = rand_ssrc();
    let track = Arc::new(TrackLocalStaticSample::new(
        Instant::now(),
        MediaStreamTrack::new(
            "lifeline-helper".to_owned(),
            "screen".to_owned(),
            "screen".to_owned(),
            RtpCodecKind::Video,
            vec![RTCRtpEncodingParameters {
                rtp_coding_parameters: RTCRtpCodingParameters { ssrc: Some(ssrc), ..Default::default() },
                codec: vp8_codec(),
                ..Default::default()
            }],
        ),
    )?);
    let sender = helper.add_track(track.clone() as Arc<dyn TrackLocal>).await?;

    // ---------------- a stand-in for the console (the browser in real life)
    let mut cmedia = MediaEngine::default();
    cmedia.register_default_codecs()?;
    let cregistry = register_default_interceptors(Registry::new(), &mut cmedia)?;
    let (c_handler, mut c) = handler("console");
    let console = PeerConnectionBuilder::new()
        .with_configuration(RTCConfigurationBuilder::new().build())
        .with_media_engine(cmedia)
        .with_interceptor_registry(cregistry)
        .with_setting_engine(
            SettingEngineBuilder::new()
                .with_multicast_dns_mode(rtc::ice::mdns::MulticastDnsMode::Disabled)
                .build(),
        )
        .with_handler(c_handler)
        .with_runtime(runtime.clone())
        .with_udp_addrs(vec![bind.to_owned()])
        .build()
        .await?;
    console
        .add_transceiver_from_kind(
            RtpCodecKind::Video,
            Some(RTCRtpTransceiverInit { direction: RTCRtpTransceiverDirection::Recvonly, ..Default::default() }),
        )
        .await?;
    let control = console
        .create_data_channel(
            "control",
            Some(RTCDataChannelInit { ordered: false, max_retransmits: Some(0), ..Default::default() }),
        )
        .await?;

    // ---------------- offer (console) → answer (helper), as JSON like the signal frames
    let offer = console.create_offer(None).await?;
    console.set_local_description(offer.clone()).await?;
    let offer_json = serde_json::json!({ "description": offer });
    let offer_back: webrtc::peer_connection::RTCSessionDescription =
        serde_json::from_value(offer_json["description"].clone())?;
    helper.set_remote_description(offer_back).await?;
    let answer = helper.create_answer(None).await?;
    helper.set_local_description(answer.clone()).await?;
    console.set_remote_description(answer.clone()).await?;
    for line in answer.sdp.lines().filter(|l| l.starts_with("m=") || l.starts_with("a=rtcp-fb") || l.contains("transport-wide") || l.starts_with("a=sendonly")) {
        println!("[answer] {line}");
    }

    // ---------------- trickle both ways until connected
    let t0 = Instant::now();
    let mut h_conn = false;
    let mut c_conn = false;
    while !(h_conn && c_conn) {
        tokio::select! {
            Some(v) = h.signal.recv() => {
                let init: RTCIceCandidateInit = serde_json::from_value(v["candidate"].clone())?;
                console.add_ice_candidate(init).await?;
            }
            Some(v) = c.signal.recv() => {
                let init: RTCIceCandidateInit = serde_json::from_value(v["candidate"].clone())?;
                helper.add_ice_candidate(init).await?;
            }
            Some(()) = h.connected.recv() => h_conn = true,
            Some(()) = c.connected.recv() => c_conn = true,
            _ = tokio::time::sleep(Duration::from_secs(15)) => return Err("not connected in 15 s".into()),
        }
    }
    println!("connected after {:?}", t0.elapsed());

    // ---------------- helper: receive on the control channel
    let dc = tokio::time::timeout(Duration::from_secs(5), h.channel.recv()).await?.ok_or("no channel")?;
    println!(
        "[helper] data channel '{}' ordered={} max_retransmits={:?}",
        dc.label().await?,
        dc.ordered().await?,
        dc.max_retransmits().await?
    );
    let received = Arc::new(AtomicUsize::new(0));
    {
        let received = received.clone();
        let dc = dc.clone();
        tokio::spawn(async move {
            while let Some(ev) = dc.poll().await {
                match ev {
                    DataChannelEvent::OnMessage(m) => {
                        received.fetch_add(1, Ordering::Relaxed);
                        let _ = m.is_string;
                    }
                    DataChannelEvent::OnClose => break,
                    _ => {}
                }
            }
        });
    }

    // ---------------- helper: keyframe requests from track.poll()
    let want_key = Arc::new(AtomicBool::new(true));
    let plis = Arc::new(AtomicUsize::new(0));
    {
        let (want_key, plis, track) = (want_key.clone(), plis.clone(), track.clone());
        tokio::spawn(async move {
            while let Some(TrackLocalEvent::OnRtcpPacket(pkts)) = track.poll().await {
                for p in pkts {
                    let any = p.as_any();
                    if any.is::<PictureLossIndication>() || any.is::<FullIntraRequest>() {
                        plis.fetch_add(1, Ordering::Relaxed);
                        want_key.store(true, Ordering::Relaxed);
                    }
                }
            }
        });
    }

    // ---------------- console: count RTP, send a PLI after 1 s, send control messages
    let rtp_packets = Arc::new(AtomicUsize::new(0));
    {
        let rtp_packets = rtp_packets.clone();
        let mut tracks = c.track;
        // on_track fires when the first RTP packet arrives, so wait for it in a task.
        tokio::spawn(async move {
            let Some(remote) = tracks.recv().await else { return };
            let r2 = remote.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(1000)).await;
                let media_ssrc = r2.ssrcs().await.first().copied().unwrap_or(0);
                let pli = PictureLossIndication { sender_ssrc: 0, media_ssrc };
                match r2.write_rtcp(vec![Box::new(pli)]).await {
                    Ok(()) => println!("[console] sent PLI for ssrc {media_ssrc}"),
                    Err(e) => eprintln!("[console] PLI: {e}"),
                }
            });
            while let Some(ev) = remote.poll().await {
                if let TrackRemoteEvent::OnRtpPacket(_) = ev {
                    rtp_packets.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    {
        let control = control.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            for i in 0..20 {
                let _ = control.send_text(&format!("{{\"t\":\"move\",\"x\":{i}}}")).await;
            }
        });
    }

    // ---------------- helper: encode and send 3 s of synthetic 1280x720 frames at 30 fps
    let pt = sender.get_parameters().await?.rtp_parameters.codecs.first().map(|c| c.payload_type).ok_or("no codec")?;
    let (w, h_) = (1280u32, 720u32);
    let mut enc = Vp8Encoder::new(w, h_, 2500, 1, -6).map_err(Error::from)?;
    let mut i420 = vec![128u8; (w * h_ * 3 / 2) as usize];
    let start = Instant::now();
    let mut keyframes = 0;
    let mut bytes_sent = 0usize;
    let mut frame_no = 0u64;
    let mut ticker = tokio::time::interval(Duration::from_millis(33));
    while start.elapsed() < Duration::from_secs(3) {
        ticker.tick().await;
        // something that moves: a bright bar
        for row in 0..h_ as usize {
            let y = &mut i420[row * w as usize..(row + 1) * w as usize];
            y.fill(60);
            let x0 = ((frame_no * 16) % (w as u64 - 64)) as usize;
            y[x0..x0 + 64].fill(235);
        }
        let kbps = (target.load(Ordering::Relaxed) / 1000) as u32;
        enc.set_bitrate_kbps(kbps.max(150)).map_err(Error::from)?;
        let force = want_key.swap(false, Ordering::Relaxed);
        let pts = start.elapsed().as_millis() as i64;
        for f in enc.encode(&mut i420, pts, 33, force).map_err(Error::from)? {
            keyframes += f.key as usize;
            bytes_sent += f.data.len();
            track
                .sample_writer(ssrc, pt)
                .write_sample(&Sample {
                    data: Bytes::from(f.data),
                    duration: Duration::from_millis(33),
                    ..Sample::new(Instant::now())
                })
                .await?;
        }
        frame_no += 1;
    }
    println!(
        "frames {frame_no}, keyframes {keyframes}, PLIs seen by helper {}, bytes {bytes_sent}, RTP at console {}, control msgs at helper {}/20, GCC target {} bps",
        plis.load(Ordering::Relaxed),
        rtp_packets.load(Ordering::Relaxed),
        received.load(Ordering::Relaxed),
        target.load(Ordering::Relaxed)
    );
    helper.close().await?;
    console.close().await?;
    Ok(())
}

fn rand_ssrc() -> u32 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    (t.subsec_nanos() ^ std::process::id()) | 1
}

/// mDNS QueryOnly (the default) binds 0.0.0.0:5353 and joins 224.0.0.251; on a host with no
/// multicast route that join fails with ENODEV and `build()` fails. HELPER_MDNS=off disables it.
fn helper_settings() -> webrtc::peer_connection::SettingEngine {
    let mut b = SettingEngineBuilder::new();
    if std::env::var("HELPER_MDNS").as_deref() == Ok("off") {
        b = b.with_multicast_dns_mode(rtc::ice::mdns::MulticastDnsMode::Disabled);
    }
    b.build()
}
