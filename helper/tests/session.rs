//! The whole helper against stand-ins: a fake Lifeline server (a plain
//! WebSocket) and a webrtc-rs console that offers the way the web console
//! does. The helper joins, answers, streams the Xvfb desktop, reports its
//! monitor, applies the console's input to a real window, and on Stop
//! control lets go of held keys and exits within a second.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Seen, TestWindow, Xvfb};
use futures_util::{SinkExt, StreamExt};
use helper::run::{Options, run};
use helper::session::Exit;
use protocol::helper::Trailer;
use protocol::ids::{Role, SessionId};
use protocol::peer::control::{PointerMove, normalise};
use protocol::peer::input::{InputMessage, MouseButton};
use protocol::peer::{ChannelMessage, Frame};
use protocol::ws::{ClientMessage, ConsentOutcome, ConsentScope, ServerMessage};
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind;
use rtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use webrtc::data_channel::{DataChannel, DataChannelEvent, RTCDataChannelInit};
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfigurationBuilder, RTCIceCandidateInit, RTCPeerConnectionIceEvent, RTCSessionDescription,
    Registry, SettingEngineBuilder, register_default_interceptors,
};
use webrtc::runtime::TokioRuntime;

const SESSION: SessionId = SessionId(7);
const WAIT: Duration = Duration::from_secs(15);

/// What the stand-in console hears from its own peer connection.
enum ConsoleEvent {
    Candidate(RTCIceCandidateInit),
    Track(Arc<dyn TrackRemote>),
}

struct ConsoleHandler(mpsc::UnboundedSender<ConsoleEvent>);

#[async_trait::async_trait]
impl PeerConnectionEventHandler for ConsoleHandler {
    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        if let Ok(init) = event.candidate.to_json() {
            let _ = self.0.send(ConsoleEvent::Candidate(init));
        }
    }
    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let _ = self.0.send(ConsoleEvent::Track(track));
    }
}

/// The web console's side: recvonly video, `control` and `input`.
async fn console(
    events: mpsc::UnboundedSender<ConsoleEvent>,
) -> (
    Arc<dyn PeerConnection>,
    Arc<dyn DataChannel>,
    Arc<dyn DataChannel>,
) {
    let mut media = MediaEngine::default();
    media.register_default_codecs().unwrap();
    let registry = register_default_interceptors(Registry::new(), &mut media).unwrap();
    let pc = PeerConnectionBuilder::new()
        .with_configuration(RTCConfigurationBuilder::new().build())
        .with_media_engine(media)
        .with_interceptor_registry(registry)
        .with_setting_engine(
            SettingEngineBuilder::new()
                .with_multicast_dns_mode(rtc::ice::mdns::MulticastDnsMode::Disabled)
                .build(),
        )
        .with_handler(Arc::new(ConsoleHandler(events)))
        .with_runtime(Arc::new(TokioRuntime))
        .with_udp_addrs(vec!["127.0.0.1:0".to_owned()])
        .build()
        .await
        .unwrap();
    let pc: Arc<dyn PeerConnection> = Arc::new(pc);
    pc.add_transceiver_from_kind(
        RtpCodecKind::Video,
        Some(RTCRtpTransceiverInit {
            direction: RTCRtpTransceiverDirection::Recvonly,
            ..Default::default()
        }),
    )
    .await
    .unwrap();
    let control = pc
        .create_data_channel(
            protocol::peer::CONTROL.label,
            Some(RTCDataChannelInit {
                ordered: false,
                max_retransmits: Some(0),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    let input = pc
        .create_data_channel(protocol::peer::INPUT.label, None)
        .await
        .unwrap();
    (pc, control, input)
}

type Server = WebSocketStream<tokio::net::TcpStream>;

async fn send(ws: &mut Server, m: &ServerMessage) {
    ws.send(Message::text(serde_json::to_string(m).unwrap()))
        .await
        .unwrap();
}

async fn receive(ws: &mut Server) -> ClientMessage {
    loop {
        match timeout(WAIT, ws.next())
            .await
            .expect("a frame from the helper")
        {
            Some(Ok(Message::Text(t))) => return serde_json::from_str(&t).unwrap(),
            Some(Ok(_)) => {}
            other => panic!("the helper's socket ended: {other:?}"),
        }
    }
}

/// Waits for an event on a data channel; `None` once it closes.
async fn channel_event(dc: &Arc<dyn DataChannel>) -> Option<DataChannelEvent> {
    timeout(WAIT, dc.poll())
        .await
        .expect("a data channel event")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_console_sees_the_screen_and_controls_it_until_control_stops() {
    let x = Xvfb::start();
    let window = TestWindow::open(&x.display, 100, 100, 400, 300, 0xff0000);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut options = Options::new(
        Trailer {
            server: format!("http://{}", listener.local_addr().unwrap()),
            token: "t0k".into(),
        },
        Some(x.display.clone()),
    );
    options.bind = vec!["127.0.0.1:0".into()];
    let helper = tokio::spawn(run(options));

    // --- the server's side of the join
    let (tcp, _) = timeout(WAIT, listener.accept()).await.unwrap().unwrap();
    let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
    match receive(&mut ws).await {
        ClientMessage::HelperJoin {
            token,
            platform,
            unavailable,
        } => {
            assert_eq!((token.as_str(), platform.as_str()), ("t0k", "linux-x86_64"));
            assert_eq!(unavailable, None);
        }
        other => panic!("not a helper_join: {other:?}"),
    }
    send(
        &mut ws,
        &ServerMessage::HelperJoined {
            session: SESSION,
            technician: "tess".into(),
            customer: "ann".into(),
            ice_servers: vec![],
        },
    )
    .await;
    send(
        &mut ws,
        &ServerMessage::ControlMode {
            session: SESSION,
            controlling: true,
        },
    )
    .await;

    // --- the console offers; signalling relayed both ways
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let (pc, control, input) = console(events_tx).await;
    let offer = pc.create_offer(None).await.unwrap();
    pc.set_local_description(offer.clone()).await.unwrap();
    let relay = |data| ServerMessage::Signal {
        session: SESSION,
        from: Role::Technician,
        data,
    };
    send(
        &mut ws,
        &relay(json!({"description": {"type": "offer", "sdp": offer.sdp}})),
    )
    .await;

    let (rtp_tx, mut rtp) = mpsc::unbounded_channel();
    let mut input_open = false;
    let mut control_open = false;
    let mut monitors = None;
    let mut packets = 0usize;
    let deadline = tokio::time::Instant::now() + WAIT;
    while monitors.is_none() || packets < 3 || !control_open {
        tokio::select! {
            frame = receive(&mut ws) => match frame {
                ClientMessage::Signal { data, session: None, to: None } => {
                    if let Some(d) = data.get("description") {
                        let answer: RTCSessionDescription = serde_json::from_value(d.clone()).unwrap();
                        pc.set_remote_description(answer).await.unwrap();
                    } else if let Some(c) = data.get("candidate").filter(|c| !c.is_null()) {
                        assert_eq!(c["sdpMid"], json!("0"), "candidates name the media section");
                        pc.add_ice_candidate(serde_json::from_value(c.clone()).unwrap()).await.unwrap();
                    }
                }
                other => panic!("unexpected from the helper: {other:?}"),
            },
            Some(event) = events.recv() => match event {
                ConsoleEvent::Candidate(init) => {
                    let c = json!({"candidate": init.candidate, "sdpMid": "0", "sdpMLineIndex": 0});
                    send(&mut ws, &relay(json!({"candidate": c}))).await;
                }
                ConsoleEvent::Track(track) => {
                    let rtp_tx = rtp_tx.clone();
                    tokio::spawn(async move {
                        while let Some(ev) = track.poll().await {
                            if let TrackRemoteEvent::OnRtpPacket(_) = ev && rtp_tx.send(()).is_err() {
                                return;
                            }
                        }
                    });
                }
            },
            Some(()) = rtp.recv() => packets += 1,
            ev = channel_event(&input), if !input_open || monitors.is_none() => match ev {
                Some(DataChannelEvent::OnOpen) => input_open = true,
                Some(DataChannelEvent::OnMessage(m)) => {
                    let text = String::from_utf8(m.data.to_vec()).unwrap();
                    if let Ok(InputMessage::Monitors { monitors: list, current }) = InputMessage::decode(Frame::Text(text)) {
                        monitors = Some((list, current));
                    }
                }
                _ => {}
            },
            ev = channel_event(&control), if !control_open => {
                if let Some(DataChannelEvent::OnOpen) = ev {
                    control_open = true;
                }
            }
            _ = tokio::time::sleep_until(deadline) => panic!(
                "not streaming: {packets} RTP packets, monitors {monitors:?}, control open {control_open}"
            ),
        }
    }
    let (list, current) = monitors.unwrap();
    assert_eq!(current, 0);
    assert_eq!(
        (list[0].width, list[0].height),
        (common::WIDTH, common::HEIGHT)
    );

    // --- input: a move on `control`, a click and a held Shift on `input`
    let (nx, ny) = (normalise(250.0, 1280.0), normalise(200.0, 720.0));
    let Frame::Binary(bytes) = (PointerMove {
        seq: 1,
        x: nx,
        y: ny,
    })
    .encode() else {
        unreachable!()
    };
    control.send(bytes.as_slice().into()).await.unwrap();
    for m in [
        InputMessage::Button {
            button: MouseButton::Left,
            down: true,
            x: nx,
            y: ny,
        },
        InputMessage::Button {
            button: MouseButton::Left,
            down: false,
            x: nx,
            y: ny,
        },
        InputMessage::Key {
            usb: 0xe1,
            down: true,
        },
    ] {
        let Frame::Text(t) = m.encode() else {
            unreachable!()
        };
        input.send_text(&t).await.unwrap();
    }
    let seen = tokio::task::block_in_place(|| {
        window.record_until(|s| {
            s.iter()
                .any(|e| matches!(e, Seen::Release { button: 1, .. }))
                && s.iter().any(|e| matches!(e, Seen::Key { keycode: 50, .. }))
        })
    });
    assert!(
        seen.iter().any(|e| matches!(e, Seen::Press { button: 1, x, y } if (x - 150).abs() <= 1 && (y - 100).abs() <= 1)),
        "no click at (150,100) in the window: {seen:?}"
    );

    // --- Stop control: keys released, helper gone within a second
    send(
        &mut ws,
        &ServerMessage::Consent {
            session: SESSION,
            scope: ConsentScope::RemoteControl,
            outcome: ConsentOutcome::Stopped,
        },
    )
    .await;
    let exit = timeout(Duration::from_secs(1), helper)
        .await
        .expect("the helper ends within 1 s of Stop control")
        .unwrap();
    assert_eq!(exit, Exit::Normal);
    tokio::task::block_in_place(|| {
        window.record_until(|s| s.iter().any(|e| matches!(e, Seen::KeyUp { keycode: 50 })))
    });
    let _ = pc.close().await;
}
