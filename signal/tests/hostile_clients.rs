//! Clients that behave like attackers or broken networks: they stop
//! reading, never join, never send a request, open too many sockets. Each
//! is cut off cleanly while everyone else carries on.

mod common;

use std::time::Duration;

use common::{DEADLINE, Socket, TestServer, eventually, still_works};
use serde_json::json;
use tokio::io::AsyncReadExt;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn a_customer_that_stops_reading_is_dropped_and_others_keep_relaying() {
    let server = TestServer::start().await;
    let tess = server.signed_in("tess").await;
    let (mut tess_console, mut ann, ann_id) = server.started_session("tess", "Ann").await;

    // Bob joins and then never reads another byte.
    let tom = server.signed_in("tom").await;
    let mut tom_console = server.console("tom").await;
    let pin = server.pin(&tom).await;
    let mut bob = Socket::connect_never_reading(server.addr).await;
    bob.send(json!({"type": "join", "pin": pin, "name": "Bob"}))
        .await;
    let bob_id = tom_console.next_of("queue_update").await["session"]["id"]
        .as_i64()
        .unwrap();
    tom_console
        .send(json!({"type": "start", "session": bob_id}))
        .await;
    tom_console.next_of("started").await;

    // Tom's console sends Bob big signalling frames (within the frame and
    // rate limits) until the server gives up on Bob.
    let big = "x".repeat(60 * 1024);
    let mut sent = 0;
    let ended = loop {
        assert!(
            sent < 190,
            "the server kept queueing for a client that does not read"
        );
        tom_console
            .send(json!({"type": "signal", "session": bob_id, "data": big}))
            .await;
        sent += 1;
        if server
            .metric(&tess, "lifeline_slow_sockets_dropped_total")
            .await
            >= 1.0
        {
            break tom_console.next_of("ended").await;
        }
    };
    assert_eq!(ended["session"], bob_id);
    assert_eq!(ended["reason"], "customer_disconnected");
    // At most the 1 MiB queue plus what the kernel buffers was ever held.
    assert!(
        sent * 60 < 8 * 1024,
        "dropped after {sent} frames of 60 KiB"
    );

    // Meanwhile, Ann's session never noticed.
    still_works(&mut tess_console, &mut ann, ann_id).await;
    drop(bob);
}

#[tokio::test]
async fn sockets_that_never_join_are_closed_after_the_join_timeout() {
    let server = TestServer::start_with(|c| c.heartbeat = Duration::from_millis(200)).await;
    let tess = server.signed_in("tess").await;
    let (mut console, mut ann, id) = server.started_session("tess", "Ann").await;
    let mut idle = server.customer().await;

    server.clock.advance(Duration::from_secs(121));
    let closed = idle.next_or_close().await;
    assert_eq!(
        closed.unwrap_err(),
        Some((1008, "no session joined in time".to_owned()))
    );
    assert_eq!(
        server.metric(&tess, "lifeline_join_timeouts_total").await,
        1.0
    );
    // A customer who joined is not affected.
    still_works(&mut console, &mut ann, id).await;
}

#[tokio::test]
async fn a_connection_that_sends_no_request_is_closed() {
    let server =
        TestServer::start_with(|c| c.request_head_timeout = Duration::from_millis(300)).await;
    let mut silent = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let mut half = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut half, b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    for conn in [&mut silent, &mut half] {
        let mut buf = [0u8; 1024];
        let read = tokio::time::timeout(DEADLINE, conn.read(&mut buf))
            .await
            .expect("the server kept a silent connection open");
        // Closed (0 bytes or a reset), at most after a 408.
        if let Ok(n) = read
            && n > 0
        {
            assert!(String::from_utf8_lossy(&buf[..n]).contains("408"));
        }
    }
    // The server itself is fine.
    assert_eq!(server.status_of(&server.http(), "/healthz").await, 200);
}

#[tokio::test]
async fn an_address_gets_at_most_its_share_of_sockets() {
    let server = TestServer::start_with(|c| c.max_connections_per_address = 4).await;
    let tess = server.signed_in("tess").await;
    let (mut console, mut ann, id) = server.started_session("tess", "Ann").await;
    let first = server.customer().await;
    let _second = server.customer().await;

    let refused = Socket::try_connect(server.addr, None, None).await;
    let Err(tokio_tungstenite::tungstenite::Error::Http(response)) = refused else {
        panic!("a fifth socket from one address was accepted");
    };
    assert_eq!(response.status(), 429);
    let body: serde_json::Value =
        serde_json::from_slice(response.body().as_deref().unwrap_or_default()).unwrap();
    assert_eq!(body["code"], "too_many_connections");

    // The sessions already open are untouched, and a closed socket frees
    // its place.
    still_works(&mut console, &mut ann, id).await;
    first.close().await;
    eventually("a place to free up", || async {
        Socket::try_connect(server.addr, None, None).await.ok()
    })
    .await;
    assert!(
        server
            .metric(
                &tess,
                "lifeline_connections_refused_total{kind=\"websocket\",reason=\"address\"}"
            )
            .await
            >= 1.0
    );
}

#[tokio::test]
async fn at_the_server_cap_health_checks_and_sign_ins_still_work() {
    // 40 connections: 35 may be WebSockets, 5 stay for plain HTTP.
    let server = TestServer::start_with(|c| c.max_connections = Some(40)).await;
    assert_eq!(signal::http_reserve(40), 5);
    let (mut console, mut ann, id) = server.started_session("tess", "Ann").await;
    let mut others = Vec::new();
    let refused = loop {
        match Socket::try_connect(server.addr, None, None).await {
            Ok(socket) => others.push(socket),
            Err(e) => break e,
        }
        assert!(others.len() < 40, "the socket cap never came");
    };
    let tokio_tungstenite::tungstenite::Error::Http(response) = refused else {
        panic!("expected an HTTP refusal, got {refused:?}");
    };
    assert_eq!(response.status(), 503);
    assert_eq!(others.len() + 2, 35, "35 WebSockets in all");

    // HTTP still has room: health checks and a sign-in go through.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    assert_eq!(server.status_of(&http, "/healthz").await, 200);
    let res = http
        .post(server.url("/api/login"))
        .json(&json!({"username": "tom", "password": common::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    still_works(&mut console, &mut ann, id).await;
}

#[tokio::test]
async fn a_close_frame_is_answered() {
    let server = TestServer::start().await;
    let customer = server.customer().await;
    let reply = customer.close_and_read_reply().await;
    assert!(
        matches!(reply, Some(Message::Close(_))),
        "no Close reply: {reply:?}"
    );
}

#[tokio::test]
async fn errors_never_echo_a_large_frame() {
    let server = TestServer::start().await;
    let mut customer = server.customer().await;
    let kind = "x".repeat(60 * 1024);
    customer.send_text(&format!(r#"{{"type":"{kind}"}}"#)).await;
    let error = customer.next_error().await;
    assert_eq!(error["code"], "unknown_type");
    assert!(error["message"].as_str().unwrap().len() < 200);
}
