//! The release server over its real sockets, without a browser: whole
//! sessions as the benchmark runs them, the reports they leave, and the
//! origin check. These need `target/release/signal` (scripts/test builds it).

use std::time::Duration;

use lifeline_tests::api::TechnicianClient;
use lifeline_tests::console::Console;
use lifeline_tests::handshake;
use lifeline_tests::server::{self, Options, Server};
use lifeline_tests::socket;
use protocol::ws::{EndReason, SessionStatus};
use protocol::{ClientMessage, ErrorCode, ServerMessage};
use tokio::time::Instant;

/// A server that needs no web app: these tests are about the server.
async fn start() -> (Server, tempfile::TempDir) {
    let web = tempfile::tempdir().unwrap();
    let server = Server::start(Options {
        static_dir: Some(web.path().to_owned()),
        ..Options::default()
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    (server, web)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sessions_complete_and_are_reported() {
    let (server, _web) = start().await;
    let tech = TechnicianClient::sign_in(server.url(), server::TECHNICIAN, server::PASSWORD)
        .await
        .unwrap();
    let console = Console::open(&server.ws_url(), &tech).await.unwrap();
    let epoch = Instant::now();
    let ws = server.ws_url();
    let runs = (0..8).map(|i| {
        let name = format!("Customer {i}");
        let (ws, tech, console) = (&ws, &tech, &console);
        async move { handshake::run_session(ws, tech, console, &name, 3, epoch).await }
    });
    let results = futures_util::future::join_all(runs).await;
    for (i, result) in results.iter().enumerate() {
        let timings = result
            .as_ref()
            .unwrap_or_else(|e| panic!("session {i}: {e}\n{}", server.log_tail(30)));
        assert_eq!(timings.relay.len(), 6, "3 signals each way");
    }
    let stray = console.stray.lock().unwrap().clone();
    assert!(stray.is_empty(), "frames nobody expected: {stray:?}");

    let reports = tech.sessions().await.unwrap();
    assert_eq!(reports.len(), 8, "{reports:?}");
    for report in &reports {
        assert_eq!(report.technician, server::TECHNICIAN);
        assert!(report.customer.starts_with("Customer "), "{report:?}");
        assert_eq!(report.status, SessionStatus::Ended);
        assert_eq!(report.end_reason, Some(EndReason::CustomerLeft));
        assert!(
            report.started_at.is_some() && report.ended_at.is_some(),
            "{report:?}"
        );
    }
}

#[tokio::test]
async fn a_foreign_origin_cannot_open_the_socket() {
    let (server, _web) = start().await;
    let refused = socket::connect(&server.ws_url(), Some("http://evil.example"), None).await;
    let error = refused
        .err()
        .expect("a foreign origin was let in")
        .to_string();
    assert!(error.contains("403"), "{error}");
    // The server's own origin is fine.
    socket::connect(&server.ws_url(), Some(server.url()), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_wrong_pin_is_refused_with_its_own_code() {
    let (server, _web) = start().await;
    let tech = TechnicianClient::sign_in(server.url(), server::TECHNICIAN, server::PASSWORD)
        .await
        .unwrap();
    let issued = tech.new_pin(None).await.unwrap();
    let wrong = format!(
        "{:06}",
        (issued.pin.as_str().parse::<u32>().unwrap() + 1) % 1_000_000
    );
    let mut customer = socket::connect(&server.ws_url(), Some(server.url()), None)
        .await
        .unwrap();
    for (pin, code) in [
        (wrong.as_str(), ErrorCode::PinUnknown),
        ("12a", ErrorCode::PinMalformed),
    ] {
        customer
            .send(&ClientMessage::Join {
                pin: pin.into(),
                name: "Ann".into(),
                key: None,
            })
            .await
            .unwrap();
        match customer.recv(Duration::from_secs(10)).await.unwrap() {
            ServerMessage::Error { code: got, .. } => assert_eq!(got, code, "for {pin:?}"),
            other => panic!("{pin:?} was not refused: {other:?}"),
        }
    }
    // The right PIN still works after the wrong ones.
    customer
        .send(&ClientMessage::Join {
            pin: issued.pin.as_str().into(),
            name: "Ann".into(),
            key: None,
        })
        .await
        .unwrap();
    let joined = customer.recv(Duration::from_secs(10)).await.unwrap();
    assert!(matches!(joined, ServerMessage::Joined { .. }), "{joined:?}");
}
