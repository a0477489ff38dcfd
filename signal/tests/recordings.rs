//! Session recordings over real sockets: the console's uploads, who may
//! upload and watch, the limits, and recordings finished by the server
//! (console gone, idle, retention) with the test clock instead of waiting.

mod common;

use std::time::Duration;

use common::{Socket, TestServer, eventually, login_cookie};
use serde_json::{Value, json};

/// The MediaRecorder chunks of a real 11-second recording.
fn chunks() -> Vec<Vec<u8>> {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chrome-vp8-11s");
    (0..6)
        .map(|i| std::fs::read(dir.join(format!("chunk-{i:03}.webm"))).unwrap())
        .collect()
}

/// A started session whose console socket and HTTP calls share one login,
/// as in the browser.
struct Recorded {
    cookie: String,
    console: Socket,
    customer: Socket,
    id: i64,
}

async fn session(server: &TestServer) -> Recorded {
    let cookie = login_cookie(server, "tess").await;
    let mut console = Socket::connect(server.addr, Some(&cookie), None).await;
    console.next_of("welcome").await;
    let client = server.signed_in("tess").await;
    let pin = server.pin(&client).await;
    let (mut customer, id) = server.joined_customer(&pin, "Ann").await;
    console.send(json!({"type": "start", "session": id})).await;
    console.next_of("started").await;
    customer.next_of("started").await;
    Recorded {
        cookie,
        console,
        customer,
        id,
    }
}

/// A POST with `cookie` (or none): (status, JSON body or null).
async fn post(
    server: &TestServer,
    cookie: Option<&str>,
    path: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new().post(server.url(path)).body(body);
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn start(server: &TestServer, s: &Recorded) -> i64 {
    let path = format!("/api/sessions/{}/recordings", s.id);
    let (status, body) = post(server, Some(&s.cookie), &path, vec![]).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().unwrap()
}

async fn upload(
    server: &TestServer,
    s: &Recorded,
    rec: i64,
    seq: usize,
    chunk: &[u8],
) -> (u16, Value) {
    let path = format!("/api/sessions/{}/recordings/{rec}/chunks/{seq}", s.id);
    post(server, Some(&s.cookie), &path, chunk.to_vec()).await
}

/// The recordings listed in the session's report.
async fn listed(server: &TestServer, id: i64) -> Vec<Value> {
    let report = server.tess_report(id).await;
    report["recordings"].as_array().unwrap().clone()
}

async fn finished(server: &TestServer, id: i64) -> Value {
    eventually("the recording is finished", || async {
        listed(server, id)
            .await
            .into_iter()
            .find(|r| !r["finished_at"].is_null())
    })
    .await
}

#[tokio::test]
async fn a_recording_is_uploaded_finished_and_shown_to_its_technician_only() {
    let server = TestServer::start().await;
    let mut s = session(&server).await;
    let rec = start(&server, &s).await;
    // The server tells the customer itself.
    let told = s.customer.next_of("recording").await;
    assert_eq!(
        told,
        json!({"type": "recording", "session": s.id, "active": true})
    );
    assert_eq!(s.console.next_of("recording").await["active"], true);

    let chunks = chunks();
    for (seq, chunk) in chunks.iter().enumerate() {
        let (status, body) = upload(&server, &s, rec, seq, chunk).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["stored"], true);
    }
    // A retried upload is acknowledged and not stored twice; a chunk from
    // the future is refused with the one expected.
    let (status, body) = upload(&server, &s, rec, 2, &chunks[2]).await;
    assert_eq!((status, body["stored"].clone()), (200, json!(false)));
    let (status, body) = upload(&server, &s, rec, 9, &chunks[2]).await;
    assert_eq!(status, 409);
    assert_eq!(body["code"], "out_of_order");
    assert!(
        body["message"].as_str().unwrap().contains("Chunk 6"),
        "{body}"
    );

    let stop = format!("/api/sessions/{}/recordings/{rec}/stop", s.id);
    assert_eq!(post(&server, Some(&s.cookie), &stop, vec![]).await.0, 204);
    assert_eq!(s.customer.next_of("recording").await["active"], false);
    let (status, body) = upload(&server, &s, rec, 6, &chunks[1]).await;
    assert_eq!((status, body["code"].clone()), (409, json!("out_of_order")));

    let summary = finished(&server, s.id).await;
    let ms = summary["duration_ms"].as_u64().unwrap();
    assert!((10_600..=11_300).contains(&ms), "{summary}");
    let bytes = summary["bytes"].as_u64().unwrap();
    let raw: usize = chunks.iter().map(Vec::len).sum();
    assert!(
        bytes > raw as u64 && bytes < raw as u64 + 1000,
        "{bytes} vs {raw}"
    );

    // The video, for its technician: whole, or a range for seeking.
    let video = format!("/api/sessions/{}/recordings/{rec}.webm", s.id);
    let tess = server.signed_in("tess").await;
    let res = tess.get(server.url(&video)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "video/webm");
    assert_eq!(res.headers()["accept-ranges"], "bytes");
    assert_eq!(res.bytes().await.unwrap().len() as u64, bytes);
    let res = tess
        .get(server.url(&video))
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(res.bytes().await.unwrap().len(), 100);
    let res = tess
        .get(server.url(&format!("{video}?download=1")))
        .send()
        .await
        .unwrap();
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");

    // Nobody else: another technician, nobody signed in, another path.
    let tom = server.signed_in("tom").await;
    assert_eq!(server.status_of(&tom, &video).await, 404);
    assert_eq!(server.status_of(&server.http(), &video).await, 401);
    let other = format!("/api/sessions/{}/recordings/{rec}.webm", s.id + 1);
    assert_eq!(server.status_of(&tess, &other).await, 404);
    let sneaky = format!("/api/sessions/{}/recordings/../lifeline.sqlite3", s.id);
    assert_eq!(server.status_of(&tess, &sneaky).await, 404);
}

#[tokio::test]
async fn only_the_sessions_own_console_may_record() {
    let server = TestServer::start().await;
    let s = session(&server).await;
    let path = format!("/api/sessions/{}/recordings", s.id);
    // Nobody signed in.
    let (status, body) = post(&server, None, &path, vec![]).await;
    assert_eq!(
        (status, body["code"].clone()),
        (401, json!("not_signed_in"))
    );
    // Another technician: no such session, as far as they can tell.
    let tom = login_cookie(&server, "tom").await;
    let (status, body) = post(&server, Some(&tom), &path, vec![]).await;
    assert_eq!(
        (status, body["code"].clone()),
        (404, json!("session_not_found"))
    );
    // The same technician in a window that does not run the session.
    let elsewhere = login_cookie(&server, "tess").await;
    assert_eq!(post(&server, Some(&elsewhere), &path, vec![]).await.0, 409);

    let rec = start(&server, &s).await;
    let chunk = format!("/api/sessions/{}/recordings/{rec}/chunks/0", s.id);
    let first = chunks()[0].clone();
    assert_eq!(post(&server, None, &chunk, first.clone()).await.0, 401);
    assert_eq!(
        post(&server, Some(&tom), &chunk, first.clone()).await.0,
        404
    );
    assert_eq!(
        post(&server, Some(&elsewhere), &chunk, first.clone())
            .await
            .0,
        409
    );
    // Under another session's id, the recording does not exist.
    let wrong = format!("/api/sessions/{}/recordings/{rec}/chunks/0", s.id + 1);
    assert_eq!(
        post(&server, Some(&s.cookie), &wrong, first.clone())
            .await
            .0,
        404
    );
    // What is not WebM is refused, and the right upload still works.
    let (status, body) = post(&server, Some(&s.cookie), &chunk, b"not a video".to_vec()).await;
    assert_eq!((status, body["code"].clone()), (400, json!("bad_request")));
    assert_eq!(post(&server, Some(&s.cookie), &chunk, first).await.0, 200);
    // One recording at a time.
    assert_eq!(post(&server, Some(&s.cookie), &path, vec![]).await.0, 409);
}

#[tokio::test]
async fn a_recording_over_the_limit_is_refused_finished_and_harms_nothing_else() {
    let server = TestServer::start_with(|c| c.recording_max_bytes = 40_000).await;
    let mut s = session(&server).await;
    let rec = start(&server, &s).await;
    s.customer.next_of("recording").await;
    let chunks = chunks();
    let mut refused = None;
    for (seq, chunk) in chunks.iter().enumerate() {
        let (status, body) = upload(&server, &s, rec, seq, chunk).await;
        if status != 200 {
            refused = Some((seq, status, body));
            break;
        }
    }
    let (seq, status, body) = refused.expect("the limit was never reached");
    assert_eq!(status, 413);
    assert_eq!(body["code"], "recording_too_large");
    assert_eq!(body["session"], Value::Null, "HTTP errors carry no session");
    assert!(seq >= 2, "refused at chunk {seq}");
    // What came before is kept, finished and watchable; the customer is told.
    assert_eq!(s.customer.next_of("recording").await["active"], false);
    let summary = finished(&server, s.id).await;
    assert!(
        summary["duration_ms"].as_u64().unwrap() > 2_000,
        "{summary}"
    );
    assert!(summary["bytes"].as_u64().unwrap() <= 40_000);
    // A new recording gets only what is left, and the session goes on.
    let path = format!("/api/sessions/{}/recordings", s.id);
    let (status, body) = post(&server, Some(&s.cookie), &path, vec![]).await;
    assert_eq!(status, 201);
    let kept = summary["bytes"].as_u64().unwrap();
    assert_eq!(body["bytes_left"], 40_000 - kept);
    s.console
        .send(json!({"type": "signal", "session": s.id, "data": {"still": "here"}}))
        .await;
    assert_eq!(s.customer.next_of("signal").await["data"]["still"], "here");
}

#[tokio::test]
async fn a_session_has_at_most_so_many_recordings() {
    let server = TestServer::start_with(|c| c.recordings_per_session = 1).await;
    let s = session(&server).await;
    let rec = start(&server, &s).await;
    upload(&server, &s, rec, 0, &chunks()[0]).await;
    let stop = format!("/api/sessions/{}/recordings/{rec}/stop", s.id);
    assert_eq!(post(&server, Some(&s.cookie), &stop, vec![]).await.0, 204);
    let path = format!("/api/sessions/{}/recordings", s.id);
    let (status, body) = post(&server, Some(&s.cookie), &path, vec![]).await;
    assert_eq!(
        (status, body["code"].clone()),
        (409, json!("too_many_recordings"))
    );
}

#[tokio::test]
async fn a_closed_console_leaves_a_finished_recording() {
    let server = TestServer::start().await;
    let s = session(&server).await;
    let rec = start(&server, &s).await;
    for (seq, chunk) in chunks().iter().take(3).enumerate() {
        assert_eq!(upload(&server, &s, rec, seq, chunk).await.0, 200);
    }
    let Recorded {
        console,
        mut customer,
        id,
        ..
    } = s;
    console.close().await;
    customer.next_of("ended").await;
    // Late chunks may still come for a while; then it is finished.
    server.clock.advance(signal::recordings::AFTER_SESSION_END);
    let summary = finished(&server, id).await;
    assert!(
        summary["duration_ms"].as_u64().unwrap() > 4_000,
        "{summary}"
    );
}

#[tokio::test]
async fn a_recording_without_uploads_for_a_while_is_finished() {
    let server = TestServer::start().await;
    let mut s = session(&server).await;
    let rec = start(&server, &s).await;
    s.customer.next_of("recording").await;
    assert_eq!(upload(&server, &s, rec, 0, &chunks()[0]).await.0, 200);
    server.clock.advance(signal::recordings::IDLE);
    assert_eq!(s.customer.next_of("recording").await["active"], false);
    finished(&server, s.id).await;
}

#[tokio::test]
async fn recordings_past_their_retention_are_deleted() {
    let server =
        TestServer::start_with(|c| c.recording_retention = Duration::from_secs(3600)).await;
    let s = session(&server).await;
    let rec = start(&server, &s).await;
    assert_eq!(upload(&server, &s, rec, 0, &chunks()[0]).await.0, 200);
    let stop = format!("/api/sessions/{}/recordings/{rec}/stop", s.id);
    assert_eq!(post(&server, Some(&s.cookie), &stop, vec![]).await.0, 204);
    finished(&server, s.id).await;
    let file = server.data.path().join(format!("recordings/{rec}.webm"));
    assert!(file.exists());

    server.clock.advance(Duration::from_secs(3600 + 60));
    eventually("the old recording is deleted", || async {
        listed(&server, s.id).await.is_empty().then_some(())
    })
    .await;
    assert!(!file.exists());
}

#[tokio::test]
async fn a_recording_left_by_a_stopped_server_is_finished_at_the_next_start() {
    let server = TestServer::start().await;
    let s = session(&server).await;
    let rec = start(&server, &s).await;
    for (seq, chunk) in chunks().iter().take(4).enumerate() {
        assert_eq!(upload(&server, &s, rec, seq, chunk).await.0, 200);
    }
    let id = s.id;
    drop(s);
    let data = server.stop().await;
    let server = TestServer::start_in(data, signal::Config::new("unused")).await;
    let summary = finished(&server, id).await;
    assert!(
        summary["duration_ms"].as_u64().unwrap() > 5_000,
        "{summary}"
    );
}
