//! The whole support flow over real sockets: sign in, PIN, join, queue,
//! start, signalling both ways, consent, leave, and the report afterwards.

mod common;

use common::{TestServer, eventually};
use serde_json::json;

#[tokio::test]
async fn happy_path_from_pin_to_report() {
    let server = TestServer::start().await;
    let tess = server.signed_in("tess").await;
    let mut console = server.console("tess").await;
    assert_eq!(console.next_of("queue").await["sessions"], json!([]));

    let issued = server
        .new_pin(&tess, json!({"notes": "printer jams"}))
        .await;
    let pin = issued["pin"].as_str().unwrap().to_owned();
    assert_eq!(pin.len(), 6);
    let link = issued["link"].as_str().unwrap();
    let prefix = format!("http://{}/?code={pin}&key=", server.addr);
    assert!(link.starts_with(&prefix), "{link}");
    assert_eq!(link.len(), prefix.len() + 32, "a 128-bit link key");
    assert!(issued["expires_at"].as_str().unwrap().ends_with('Z'));

    // The customer joins and waits.
    let mut customer = server.customer().await;
    customer
        .send(json!({"type": "join", "pin": pin, "name": "Ann"}))
        .await;
    let joined = customer.next().await;
    assert_eq!(joined["type"], "joined");
    assert_eq!(joined["technician"], "tess");
    assert_eq!(joined["status"], "waiting");
    let id = joined["session"].as_i64().unwrap();

    // The console's queue shows Ann waiting, with the PIN's notes.
    let update = console.next_of("queue_update").await;
    let entry = &update["session"];
    assert_eq!(entry["id"], id);
    assert_eq!(entry["customer"], "Ann");
    assert_eq!(entry["status"], "waiting");
    assert_eq!(entry["notes"], "printer jams");
    assert_eq!(entry["pin_suffix"], &pin[4..]);

    // Start: both sides are told, with the ICE servers.
    console.send(json!({"type": "start", "session": id})).await;
    let started = customer.next().await;
    assert_eq!(started["type"], "started");
    assert_eq!(started["technician"], "tess");
    assert_eq!(started["customer"], "Ann");
    assert_eq!(started["ice_servers"], json!([]));
    assert_eq!(console.next_of("started").await["session"], id);
    assert_eq!(
        console.next_of("queue_update").await["session"]["status"],
        "active"
    );

    // Signalling both ways; `from` is stamped by the server, whatever the
    // client claims.
    console
        .send(json!({"type": "signal", "session": id, "data": {"description": {"type": "offer", "sdp": "v=0"}}}))
        .await;
    let offer = customer.next().await;
    assert_eq!(
        offer,
        json!({"type": "signal", "session": id, "from": "technician", "data": {"description": {"type": "offer", "sdp": "v=0"}}})
    );
    customer
        .send(json!({"type": "signal", "from": "technician", "data": {"candidate": {"candidate": "c"}}}))
        .await;
    let candidate = console.next_of("signal").await;
    assert_eq!(candidate["from"], "customer");
    assert_eq!(candidate["data"], json!({"candidate": {"candidate": "c"}}));

    // Consent: asked, allowed, stopped.
    console
        .send(json!({"type": "consent_request", "session": id, "scope": "screen_view"}))
        .await;
    let ask = customer.next().await;
    assert_eq!(ask["type"], "consent_request");
    assert_eq!(ask["technician"], "tess");
    assert_eq!(ask["scope"], "screen_view");
    customer
        .send(json!({"type": "consent_answer", "scope": "screen_view", "allowed": true}))
        .await;
    for socket in [&mut customer, &mut console] {
        let consent = socket.next_of("consent").await;
        assert_eq!(consent["outcome"], "allowed");
    }
    customer
        .send(json!({"type": "share_stopped", "scope": "screen_view"}))
        .await;
    for socket in [&mut customer, &mut console] {
        assert_eq!(socket.next_of("consent").await["outcome"], "stopped");
    }

    // Notes during the session, then the customer leaves.
    let res = tess
        .patch(server.url(&format!("/api/sessions/{id}")))
        .json(&json!({"notes": "replaced the driver"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    customer.send(json!({"type": "leave"})).await;
    let ended = customer.next_of("ended").await;
    assert_eq!(ended["reason"], "customer_left");
    let ended = console.next_of("ended").await;
    assert_eq!(
        ended,
        json!({"type": "ended", "session": id, "reason": "customer_left"})
    );
    assert_eq!(
        console.next_of("queue_remove").await,
        json!({"type": "queue_remove", "session": id})
    );

    // The report has it all.
    let reports = server.reports(&tess).await;
    let report = &reports[0];
    assert_eq!(report["id"], id);
    assert_eq!(report["technician"], "tess");
    assert_eq!(report["customer"], "Ann");
    assert_eq!(report["pin_suffix"], &pin[4..]);
    assert_eq!(report["status"], "ended");
    assert_eq!(report["end_reason"], "customer_left");
    assert_eq!(report["notes"], "replaced the driver");
    assert!(report["started_at"].is_string());
    assert!(report["duration_secs"].as_i64().unwrap() >= 0);
    let events: Vec<&str> = report["consent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["requested", "allowed", "stopped"]);
    assert!(
        !report.to_string().contains(&pin),
        "the full PIN is not kept"
    );

    let csv = tess
        .get(server.url("/api/sessions.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert!(
        csv.lines().nth(1).unwrap().contains("\"tess\",\"Ann\""),
        "{csv}"
    );
    assert!(csv.contains("customer_left"));
}

#[tokio::test]
async fn deny_and_silence_both_mean_no() {
    let server = TestServer::start().await;
    let tess = server.signed_in("tess").await;
    let mut console = server.console("tess").await;
    let pin = server.pin(&tess).await;
    let (mut customer, id) = server.joined_customer(&pin, "Bob").await;
    console.send(json!({"type": "start", "session": id})).await;
    customer.next_of("started").await;

    let ask = json!({"type": "consent_request", "session": id, "scope": "screen_view"});
    console.send(ask.clone()).await;
    customer.next_of("consent_request").await;
    // A second request while one is pending is refused, to the asker only.
    console.send(ask.clone()).await;
    let refused = console.next_of("error").await;
    assert_eq!(refused["code"], "out_of_order");
    assert_eq!(refused["session"], id);
    customer
        .send(json!({"type": "consent_answer", "scope": "screen_view", "allowed": false}))
        .await;
    assert_eq!(console.next_of("consent").await["outcome"], "denied");
    assert_eq!(customer.next_of("consent").await["outcome"], "denied");

    // Nobody answers: after five minutes it is a refusal.
    console.send(ask).await;
    let ask = customer.next_of("consent_request").await;
    let expires_at = ask["expires_at"].as_str().unwrap().to_owned();
    server
        .clock
        .advance(std::time::Duration::from_secs(5 * 60 + 1));
    assert_eq!(console.next_of("consent").await["outcome"], "timed_out");
    assert_eq!(customer.next_of("consent").await["outcome"], "timed_out");
    // Answering late does nothing.
    customer
        .send(json!({"type": "consent_answer", "scope": "screen_view", "allowed": true}))
        .await;
    assert_eq!(customer.next_error().await["code"], "out_of_order");

    console.send(json!({"type": "leave", "session": id})).await;
    assert_eq!(customer.next_of("ended").await["reason"], "technician_left");
    let reports = server.reports(&tess).await;
    let events: Vec<&str> = reports[0]["consent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["requested", "denied", "requested", "timed_out"]);
    assert!(!expires_at.is_empty());
}

#[tokio::test]
async fn dropped_sockets_end_the_session_for_the_other_side() {
    let server = TestServer::start().await;
    let tess = server.signed_in("tess").await;
    let mut console = server.console("tess").await;

    // The customer's connection drops.
    let pin = server.pin(&tess).await;
    let (customer, id) = server.joined_customer(&pin, "Cy").await;
    console.send(json!({"type": "start", "session": id})).await;
    console.next_of("started").await;
    customer.close().await;
    let ended = console.next_of("ended").await;
    assert_eq!(ended["reason"], "customer_disconnected");

    // The console's connection drops.
    let pin = server.pin(&tess).await;
    let (mut customer, id) = server.joined_customer(&pin, "Di").await;
    console.send(json!({"type": "start", "session": id})).await;
    customer.next_of("started").await;
    console.close().await;
    assert_eq!(
        customer.next_of("ended").await["reason"],
        "technician_disconnected"
    );

    let reports = server.reports(&tess).await;
    assert_eq!(reports[0]["end_reason"], "technician_disconnected");
    assert_eq!(reports[1]["end_reason"], "customer_disconnected");
}

#[tokio::test]
async fn waiting_sessions_survive_a_closed_console_and_ring_the_next() {
    let server = TestServer::start().await;
    let tess = server.signed_in("tess").await;
    let first = server.console("tess").await;
    let pin = server.pin(&tess).await;
    let (mut customer, id) = server.joined_customer(&pin, "Eve").await;
    first.close().await;

    // A console opened later sees the customer still waiting and can start.
    let mut second = server.console("tess").await;
    let queue = second.next_of("queue").await;
    assert_eq!(queue["sessions"][0]["id"], id);
    second.send(json!({"type": "start", "session": id})).await;
    assert_eq!(customer.next_of("started").await["session"], id);
}

#[tokio::test]
async fn heartbeats_drop_dead_sockets() {
    let server =
        TestServer::start_with(|c| c.heartbeat = std::time::Duration::from_millis(300)).await;
    let tess = server.signed_in("tess").await;
    let mut console = server.console("tess").await;
    assert_eq!(console.next_of("queue").await["sessions"], json!([]));
    let pin = server.pin(&tess).await;

    // A customer that joins and then never reads again never answers pings.
    let (customer, id) = server.joined_customer(&pin, "Silent").await;
    assert_eq!(console.next_of("queue_update").await["session"]["id"], id);
    // The console keeps reading (and so answering pings) and sees the
    // waiting customer leave its queue.
    assert_eq!(console.next_of("queue_remove").await["session"], id);
    drop(customer);
    let metrics = eventually("the socket gauge to drop", || async {
        let text = server.metrics(&tess).await;
        text.contains("lifeline_sockets 1").then_some(text)
    })
    .await;
    assert!(metrics.contains("lifeline_sessions_ended_total{reason=\"customer_disconnected\"} 1"));
}

#[tokio::test]
async fn pin_card_notes_follow_the_pin_into_its_session() {
    let server = TestServer::start().await;
    let tess = server.signed_in("tess").await;
    let tom = server.signed_in("tom").await;
    let mut console = server.console("tess").await;
    let pin = server.pin(&tess).await;
    let patch = |client: &reqwest::Client, pin: &str, notes: &str| {
        client
            .patch(server.url(&format!("/api/pins/{pin}")))
            .json(&json!({"notes": notes}))
            .send()
    };

    // Typed after "New PIN", before the customer arrives: kept on the PIN.
    let res = patch(&tess, &pin, "vpn drops").await.unwrap();
    assert_eq!(res.status(), 200);
    let saved: serde_json::Value = res.json().await.unwrap();
    assert_eq!(saved, json!({"notes": "vpn drops", "session": null}));
    // Not Tom's PIN.
    let res = patch(&tom, &pin, "mine now").await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["code"],
        "pin_unknown"
    );

    let (_ann, id) = server.joined_customer(&pin, "Ann").await;
    let update = console.next_of("queue_update").await;
    assert_eq!(update["session"]["notes"], "vpn drops");

    // Typed after the customer joined: the session's notes.
    let saved: serde_json::Value = patch(&tess, &pin, "vpn drops; new router")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(saved["session"], id);
    assert_eq!(
        console.next_of("queue_update").await["session"]["notes"],
        "vpn drops; new router"
    );
    assert_eq!(
        server.reports(&tess).await[0]["notes"],
        "vpn drops; new router"
    );

    // A PIN that expired unused has nowhere to put notes.
    let lonely = server.pin(&tess).await;
    server
        .clock
        .advance(std::time::Duration::from_secs(21 * 60));
    let res = patch(&tess, &lonely, "x").await.unwrap();
    assert_eq!(res.status(), 409);
}
