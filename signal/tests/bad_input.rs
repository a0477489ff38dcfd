//! Bad frames and forbidden moves get a clear error (or a close) for the
//! sender only, and never disturb anyone else's session.

mod common;

use common::{Socket, TestServer, still_works};
use serde_json::{Value, json};

/// Two sessions, both started: tess with Ann, tom with Bob.
struct TwoSessions {
    /// Kept so the server lives as long as the sockets.
    _server: TestServer,
    tess: Socket,
    ann: Socket,
    ann_id: i64,
    tom: Socket,
    bob: Socket,
    bob_id: i64,
}

async fn two_sessions() -> TwoSessions {
    let server = TestServer::start().await;
    let mut sessions = Vec::new();
    for (tech, customer) in [("tess", "Ann"), ("tom", "Bob")] {
        sessions.push(server.started_session(tech, customer).await);
    }
    let (tom, bob, bob_id) = sessions.pop().unwrap();
    let (tess, ann, ann_id) = sessions.pop().unwrap();
    TwoSessions {
        _server: server,
        tess,
        ann,
        ann_id,
        tom,
        bob,
        bob_id,
    }
}

#[tokio::test]
async fn malformed_and_unknown_frames_are_named() {
    let mut s = two_sessions().await;
    s.ann.send_text("{this is not json").await;
    assert_eq!(s.ann.next_error().await["code"], "malformed_message");
    s.ann.send_text("[1, 2, 3]").await;
    assert_eq!(s.ann.next_error().await["code"], "malformed_message");
    s.ann.send(json!({"type": "teleport"})).await;
    let e = s.ann.next_error().await;
    assert_eq!(e["code"], "unknown_type");
    assert!(e["message"].as_str().unwrap().contains("teleport"));
    s.tess.send(json!({"type": "start"})).await;
    let e = s.tess.next_of("error").await;
    assert_eq!(e["code"], "malformed_message");
    assert!(e["message"].as_str().unwrap().contains("session"), "{e}");
    // A technician's signal must say which session it is for.
    s.tess.send(json!({"type": "signal", "data": 1})).await;
    assert_eq!(s.tess.next_of("error").await["code"], "malformed_message");

    // After all that, both sessions work as before.
    still_works(&mut s.tess, &mut s.ann, s.ann_id).await;
    still_works(&mut s.tom, &mut s.bob, s.bob_id).await;
}

#[tokio::test]
async fn oversized_frames_close_only_that_socket() {
    let mut s = two_sessions().await;
    let big = json!({"type": "signal", "data": "x".repeat(70 * 1024)});
    s.bob.send(big).await;
    let e = s.bob.next_error().await;
    assert_eq!(e["code"], "frame_too_large");
    let close = s.bob.next_or_close().await.unwrap_err();
    assert_eq!(close.map(|c| c.0), Some(1009));
    // Tom sees his session end; Tess and Ann carry on.
    assert_eq!(
        s.tom.next_of("ended").await["reason"],
        "customer_disconnected"
    );
    still_works(&mut s.tess, &mut s.ann, s.ann_id).await;
}

#[tokio::test]
async fn nobody_reaches_into_another_session() {
    let mut s = two_sessions().await;
    let (ann_id, bob_id) = (s.ann_id, s.bob_id);

    // Tom cannot signal, start, ask consent in or end Tess's session.
    for frame in [
        json!({"type": "signal", "session": ann_id, "data": "evil"}),
        json!({"type": "start", "session": ann_id}),
        json!({"type": "consent_request", "session": ann_id, "scope": "screen_view"}),
        json!({"type": "leave", "session": ann_id}),
    ] {
        s.tom.send(frame).await;
        let e = s.tom.next_of("error").await;
        assert_eq!(e["code"], "session_not_found", "{e}");
    }
    // Bob cannot address Ann's session either, nor act as a technician.
    s.bob
        .send(json!({"type": "signal", "session": ann_id, "data": "evil"}))
        .await;
    assert_eq!(s.bob.next_error().await["code"], "session_not_found");
    s.bob
        .send(json!({"type": "start", "session": ann_id}))
        .await;
    assert_eq!(s.bob.next_error().await["code"], "not_signed_in");
    s.bob
        .send(json!({"type": "leave", "session": ann_id}))
        .await;
    assert_eq!(s.bob.next_error().await["code"], "session_not_found");

    // Ann's next frame is the real one, so none of the above reached her.
    still_works(&mut s.tess, &mut s.ann, ann_id).await;
    still_works(&mut s.tom, &mut s.bob, bob_id).await;
}

#[tokio::test]
async fn steps_out_of_order_are_refused() {
    let server = TestServer::start().await;
    let tess = server.signed_in("tess").await;
    let mut console = server.console("tess").await;

    // A socket that has not joined can do nothing but join.
    let mut stranger = server.customer().await;
    stranger.send(json!({"type": "signal", "data": 1})).await;
    assert_eq!(stranger.next_error().await["code"], "out_of_order");
    stranger
        .send(json!({"type": "consent_request", "session": 1, "scope": "screen_view"}))
        .await;
    assert_eq!(stranger.next_error().await["code"], "not_signed_in");

    // Joined but not started: no signalling yet, no consent to answer.
    let pin = server.pin(&tess).await;
    let (mut customer, id) = server.joined_customer(&pin, "Ann").await;
    customer.send(json!({"type": "signal", "data": 1})).await;
    assert_eq!(customer.next_error().await["code"], "out_of_order");
    customer
        .send(json!({"type": "consent_answer", "scope": "screen_view", "allowed": true}))
        .await;
    assert_eq!(customer.next_error().await["code"], "out_of_order");
    customer
        .send(json!({"type": "join", "pin": pin, "name": "Ann"}))
        .await;
    assert_eq!(customer.next_error().await["code"], "out_of_order");
    console
        .send(json!({"type": "signal", "session": id, "data": 1}))
        .await;
    assert_eq!(console.next_of("error").await["code"], "out_of_order");
    console
        .send(json!({"type": "consent_request", "session": id, "scope": "screen_view"}))
        .await;
    assert_eq!(console.next_of("error").await["code"], "out_of_order");

    // Started twice; sharing stopped that never started.
    console.send(json!({"type": "start", "session": id})).await;
    console.next_of("started").await;
    console.send(json!({"type": "start", "session": id})).await;
    assert_eq!(console.next_of("error").await["code"], "out_of_order");
    customer.next_of("started").await;
    customer
        .send(json!({"type": "share_stopped", "scope": "screen_view"}))
        .await;
    assert_eq!(customer.next_error().await["code"], "out_of_order");

    // A second console of the same technician cannot drive this session.
    let mut other = server.console("tess").await;
    other
        .send(json!({"type": "signal", "session": id, "data": 1}))
        .await;
    let e = other.next_of("error").await;
    assert_eq!(e["code"], "out_of_order");
    assert!(e["message"].as_str().unwrap().contains("another console"));
    // A technician socket cannot join as a customer.
    other
        .send(json!({"type": "join", "pin": "123456", "name": "x"}))
        .await;
    assert_eq!(other.next_of("error").await["code"], "out_of_order");
}

#[tokio::test]
async fn binary_frames_and_floods_are_refused() {
    let mut s = two_sessions().await;
    // Binary is not part of the protocol.
    s.ann.send_binary(vec![1, 2, 3]).await;
    assert_eq!(s.ann.next_error().await["code"], "malformed_message");
    // A client that keeps sending refused frames is cut off: 50 refusals
    // (the binary frame was the first) are tolerated, the 51st is not.
    for _ in 0..49 {
        s.ann.send_text("{}").await;
    }
    for _ in 0..49 {
        assert_eq!(s.ann.next_error().await["code"], "malformed_message");
    }
    s.tess
        .send(json!({"type": "signal", "session": s.ann_id, "data": "still there?"}))
        .await;
    assert_eq!(s.ann.next_of("signal").await["data"], "still there?");
    s.ann.send_text("{}").await;
    assert_eq!(s.ann.next_error().await["code"], "malformed_message");
    let close = s.ann.next_or_close().await.unwrap_err();
    assert_eq!(close.map(|c| c.0), Some(1008));
    assert_eq!(
        s.tess.next_of("ended").await["reason"],
        "customer_disconnected"
    );

    // A flood of valid frames is throttled, then cut off, before it can fill
    // the technician's queue (the server may close mid-flood, so sends can fail).
    for i in 0..400 {
        if !s
            .bob
            .try_send_text(&json!({"type": "signal", "data": i}).to_string())
            .await
        {
            break;
        }
    }
    let mut throttled = 0;
    while let Ok(frame) = s.bob.next_or_close().await {
        if frame["code"] == "rate_limited" {
            throttled += 1;
        }
    }
    assert!(throttled > 0, "the flood was never throttled");
    assert_eq!(
        s.tom.next_of("ended").await["reason"],
        "customer_disconnected"
    );
}

#[tokio::test]
async fn foreign_origins_cannot_open_the_socket_or_use_the_api() {
    let server = TestServer::start().await;
    let cookie = common::login_cookie(&server, "tess").await;
    let err = Socket::try_connect(server.addr, Some(&cookie), Some("https://evil.example"))
        .await
        .err()
        .expect("refused");
    let text = err.to_string();
    assert!(text.contains("403"), "{text}");
    // The server's own origin, under either loopback name, is fine.
    let own = format!("http://{}", server.addr);
    let mut ok = Socket::connect(server.addr, Some(&cookie), Some(&own)).await;
    assert_eq!(ok.next().await["type"], "welcome");
    let localhost = format!("http://localhost:{}", server.addr.port());
    Socket::connect(server.addr, None, Some(&localhost)).await;

    let res = reqwest::Client::new()
        .post(server.url("/api/pins"))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "forbidden_origin");
}
