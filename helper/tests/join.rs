//! Joining and every way it ends without a console: a desktop that cannot
//! be controlled, a refused token, the session ending, the server lost.
//! A plain WebSocket stands in for the Lifeline server.

mod common;

use std::time::Duration;

use common::Xvfb;
use futures_util::{SinkExt, StreamExt};
use helper::desktop::unavailable_reason_in;
use helper::run::{Options, run};
use helper::session::Exit;
use protocol::error::ErrorCode;
use protocol::helper::Trailer;
use protocol::ids::SessionId;
use protocol::ws::{ClientMessage, EndReason, ServerMessage};
use tokio::net::TcpListener;
use tokio::time::timeout;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

const WAIT: Duration = Duration::from_secs(10);

type Server = WebSocketStream<tokio::net::TcpStream>;

/// Starts the helper against a fresh stand-in server; returns the
/// server's end of the socket, the helper's first frame, and the helper.
async fn start(display: &str) -> (Server, ClientMessage, tokio::task::JoinHandle<Exit>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut options = Options::new(
        Trailer {
            server: format!("http://{}", listener.local_addr().unwrap()),
            token: "t0k".into(),
        },
        Some(display.to_owned()),
    );
    options.bind = vec!["127.0.0.1:0".into()];
    let helper = tokio::spawn(run(options));
    let (tcp, _) = timeout(WAIT, listener.accept()).await.unwrap().unwrap();
    let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
    let first = loop {
        match timeout(WAIT, ws.next()).await.unwrap() {
            Some(Ok(Message::Text(t))) => break serde_json::from_str(&t).unwrap(),
            Some(Ok(_)) => {}
            other => panic!("no helper_join: {other:?}"),
        }
    };
    (ws, first, helper)
}

async fn send(ws: &mut Server, m: &ServerMessage) {
    ws.send(Message::text(serde_json::to_string(m).unwrap()))
        .await
        .unwrap();
}

async fn joined(ws: &mut Server) {
    send(
        ws,
        &ServerMessage::HelperJoined {
            session: SessionId(3),
            technician: "tess".into(),
            customer: "ann".into(),
            ice_servers: vec![],
        },
    )
    .await;
}

async fn exit_of(helper: tokio::task::JoinHandle<Exit>) -> Exit {
    timeout(WAIT, helper)
        .await
        .expect("the helper ends")
        .unwrap()
}

#[test]
fn desktops_that_cannot_be_controlled_are_named() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| std::ffi::OsString::from(v))
        }
    };
    let wayland =
        unavailable_reason_in(&env(&[("WAYLAND_DISPLAY", "wayland-0"), ("DISPLAY", ":0")]));
    assert!(wayland.unwrap().contains("Wayland"));
    let session = unavailable_reason_in(&env(&[("XDG_SESSION_TYPE", "wayland")]));
    assert!(session.unwrap().contains("Wayland"));
    let none = unavailable_reason_in(&env(&[]));
    assert!(none.unwrap().contains("DISPLAY"));
    let gone = unavailable_reason_in(&env(&[("DISPLAY", ":4095")]));
    assert!(gone.unwrap().contains("connect"));

    let x = Xvfb::start();
    let display: &'static str = Box::leak(x.display.clone().into_boxed_str());
    let vars: &'static [(&str, &str)] = Box::leak(Box::new([("DISPLAY", display)]));
    assert_eq!(unavailable_reason_in(&env(vars)), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_desktop_it_joins_to_say_why_and_exits_non_zero() {
    let (_ws, first, helper) = start(":4095").await;
    match first {
        ClientMessage::HelperJoin {
            unavailable: Some(why),
            platform,
            ..
        } => {
            assert!(why.contains("connect"), "{why}");
            assert_eq!(platform, "linux-x86_64");
        }
        other => panic!("expected helper_join with a reason: {other:?}"),
    }
    assert_eq!(exit_of(helper).await, Exit::Failed);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_token_ends_it_with_failure() {
    let x = Xvfb::start();
    let (mut ws, first, helper) = start(&x.display).await;
    assert!(matches!(
        first,
        ClientMessage::HelperJoin {
            unavailable: None,
            ..
        }
    ));
    send(&mut ws, &ServerMessage::error(ErrorCode::HelperTokenUsed)).await;
    assert_eq!(exit_of(helper).await, Exit::Failed);
}

#[tokio::test(flavor = "multi_thread")]
async fn pings_are_answered_and_the_session_ending_ends_it_normally() {
    let x = Xvfb::start();
    let (mut ws, _, helper) = start(&x.display).await;
    joined(&mut ws).await;
    // The server pings idle sockets; an unanswered ping would drop us.
    ws.send(Message::Ping(b"still there?".to_vec().into()))
        .await
        .unwrap();
    loop {
        match timeout(WAIT, ws.next()).await.expect("a pong") {
            Some(Ok(Message::Pong(p))) => {
                assert_eq!(&p[..], b"still there?");
                break;
            }
            Some(Ok(_)) => {}
            other => panic!("no pong: {other:?}"),
        }
    }
    send(
        &mut ws,
        &ServerMessage::Ended {
            session: SessionId(3),
            reason: EndReason::TechnicianLeft,
        },
    )
    .await;
    assert_eq!(exit_of(helper).await, Exit::Normal);
}

#[tokio::test(flavor = "multi_thread")]
async fn losing_the_server_ends_it_with_failure() {
    let x = Xvfb::start();
    let (mut ws, _, helper) = start(&x.display).await;
    joined(&mut ws).await;
    drop(ws);
    assert_eq!(exit_of(helper).await, Exit::Failed);
}
