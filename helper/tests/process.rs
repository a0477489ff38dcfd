//! The built binary as the customer runs it: a signal (Ctrl+C, closing
//! the terminal, SIGTERM) makes it send `leave` and exit 0, and a helper
//! with neither trailer nor arguments says what to do and exits 1.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::Xvfb;
use futures_util::{SinkExt, StreamExt};
use protocol::ids::SessionId;
use protocol::ws::{ClientMessage, ServerMessage};
use tokio::net::TcpListener;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;

const WAIT: Duration = Duration::from_secs(10);
const HELPER: &str = env!("CARGO_BIN_EXE_lifeline-helper");

/// Kills the helper if a test fails before it exits.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn frame(
    ws: &mut tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
) -> ClientMessage {
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

async fn signal_ends_it_with_leave(signal: i32) {
    let x = Xvfb::start();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = format!("http://{}", listener.local_addr().unwrap());
    let child = Command::new(HELPER)
        .args([
            "--server",
            &server,
            "--token",
            "t0k",
            "--display",
            &x.display,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut helper = Running(child);
    let (tcp, _) = timeout(WAIT, listener.accept()).await.unwrap().unwrap();
    let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
    assert!(matches!(
        frame(&mut ws).await,
        ClientMessage::HelperJoin { .. }
    ));
    let joined = ServerMessage::HelperJoined {
        session: SessionId(5),
        technician: "tess".into(),
        customer: "ann".into(),
        ice_servers: vec![],
    };
    ws.send(Message::text(serde_json::to_string(&joined).unwrap()))
        .await
        .unwrap();
    // SAFETY: signalling our own child, still running (not yet waited).
    assert_eq!(unsafe { libc::kill(helper.0.id() as i32, signal) }, 0);
    assert_eq!(frame(&mut ws).await, ClientMessage::Leave { session: None });
    let status = tokio::task::block_in_place(|| helper.0.wait()).unwrap();
    assert_eq!(status.code(), Some(0), "signal {signal}");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_sends_leave_and_exits_zero() {
    signal_ends_it_with_leave(libc::SIGTERM).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_the_terminal_sends_leave_and_exits_zero() {
    signal_ends_it_with_leave(libc::SIGHUP).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_sends_leave_and_exits_zero() {
    signal_ends_it_with_leave(libc::SIGINT).await;
}

#[test]
fn without_a_trailer_or_arguments_it_says_what_to_do() {
    let out = Command::new(HELPER).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--server URL --token TOKEN"), "{text}");
}
