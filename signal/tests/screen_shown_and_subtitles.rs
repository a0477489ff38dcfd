//! The technician's screen shown to the customer (`screen_shown`) and the
//! chat subtitles of a recording, over real sockets: only the console
//! running the session may say it shows its screen, bad or out-of-order
//! frames get a clear error and harm nothing, the report keeps each
//! stretch; only that console adds chat lines to its recording, and only
//! its technician reads them back as WebVTT.

mod common;

use common::{Socket, TestServer, login_cookie, still_works};
use serde_json::{Value, json};

/// The session's `screen_shown` stretches in tess's reports.
async fn stretches(server: &TestServer, id: i64) -> Vec<Value> {
    let report = server.tess_report(id).await;
    report["screen_shown"].as_array().unwrap().clone()
}

fn shown(id: i64, showing: bool) -> Value {
    json!({"type": "screen_shown", "session": id, "showing": showing})
}

#[tokio::test]
async fn only_the_running_console_says_it_shows_its_screen() {
    let server = TestServer::start().await;
    let (mut console, mut customer, id) = server.started_session("tess", "Ann").await;

    console.send(shown(id, true)).await;
    // Frames of one socket are handled in order: once this relay is
    // through, the frame before it was handled too.
    still_works(&mut console, &mut customer, id).await;
    let open = stretches(&server, id).await;
    assert_eq!(open.len(), 1);
    assert!(open[0]["started_at"].is_string() && open[0]["stopped_at"].is_null());

    // Saying it twice is out of order, and changes nothing.
    console.send(shown(id, true)).await;
    let error = console.next_of("error").await;
    assert_eq!(error["code"], "out_of_order");
    assert_eq!(error["session"], id);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("already being shown")
    );

    // Another window of the same technician, another technician, and the
    // customer may not say so.
    let mut other_window = server.console("tess").await;
    other_window.send(shown(id, false)).await;
    assert_eq!(other_window.next_of("error").await["code"], "out_of_order");
    let mut tom = server.console("tom").await;
    tom.send(shown(id, false)).await;
    assert_eq!(tom.next_of("error").await["code"], "session_not_found");
    customer.send(shown(id, false)).await;
    assert_eq!(customer.next_of("error").await["code"], "not_signed_in");
    // Malformed: no `showing`, or not a boolean.
    console
        .send(json!({"type": "screen_shown", "session": id}))
        .await;
    assert_eq!(console.next_of("error").await["code"], "malformed_message");
    console
        .send(json!({"type": "screen_shown", "session": id, "showing": "yes"}))
        .await;
    assert_eq!(console.next_of("error").await["code"], "malformed_message");
    still_works(&mut console, &mut customer, id).await;
    assert_eq!(
        stretches(&server, id).await.len(),
        1,
        "nothing else changed"
    );

    console.send(shown(id, false)).await;
    still_works(&mut console, &mut customer, id).await;
    let done = stretches(&server, id).await;
    assert!(done[0]["stopped_at"].is_string(), "{done:?}");
    console.send(shown(id, false)).await;
    let error = console.next_of("error").await;
    assert_eq!(error["code"], "out_of_order");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("not being shown")
    );

    // A stretch the session's end cuts short ends with it.
    console.send(shown(id, true)).await;
    still_works(&mut console, &mut customer, id).await;
    console.send(json!({"type": "leave", "session": id})).await;
    customer.next_of("ended").await;
    let report = server.tess_report(id).await;
    let all = report["screen_shown"].as_array().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["stopped_at"], report["ended_at"]);
}

#[tokio::test]
async fn screen_shown_needs_a_started_session() {
    let server = TestServer::start().await;
    let client = server.signed_in("tess").await;
    let mut console = server.console("tess").await;
    let pin = server.pin(&client).await;
    let (_customer, id) = server.joined_customer(&pin, "Ann").await;
    console.send(shown(id, true)).await;
    assert_eq!(console.next_of("error").await["code"], "out_of_order");
    console.send(shown(id + 100, true)).await;
    assert_eq!(console.next_of("error").await["code"], "session_not_found");
}

/// A started session with one open recording: (cookie, console,
/// customer, session, recording).
async fn recording(server: &TestServer) -> (String, Socket, Socket, i64, i64) {
    let cookie = login_cookie(server, "tess").await;
    let mut console = Socket::connect(server.addr, Some(&cookie), None).await;
    console.next_of("welcome").await;
    let client = server.signed_in("tess").await;
    let pin = server.pin(&client).await;
    let (mut customer, id) = server.joined_customer(&pin, "Ann <3").await;
    console.send(json!({"type": "start", "session": id})).await;
    console.next_of("started").await;
    customer.next_of("started").await;
    let res = reqwest::Client::new()
        .post(server.url(&format!("/api/sessions/{id}/recordings")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let rec = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    (cookie, console, customer, id, rec)
}

async fn post_line(server: &TestServer, cookie: &str, path: &str, body: Value) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(server.url(path))
        .header("cookie", cookie)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn get(server: &TestServer, cookie: &str, path: &str) -> (u16, Option<String>, String) {
    let res = reqwest::Client::new()
        .get(server.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, kind, res.text().await.unwrap())
}

#[tokio::test]
async fn chat_lines_become_subtitles_for_the_sessions_technician_only() {
    let server = TestServer::start().await;
    let (cookie, _console, _customer, id, rec) = recording(&server).await;
    let chat = format!("/api/sessions/{id}/recordings/{rec}/chat");
    let line =
        |at_ms: u64, from: &str, text: &str| json!({"at_ms": at_ms, "from": from, "text": text});

    assert_eq!(
        post_line(
            &server,
            &cookie,
            &chat,
            line(4200, "customer", "It says <error> & stops")
        )
        .await
        .0,
        204
    );
    assert_eq!(
        post_line(&server, &cookie, &chat, line(1500, "technician", "Hello"))
            .await
            .0,
        204
    );

    // Bad lines get a clear error and are not kept.
    let (status, body) = post_line(&server, &cookie, &chat, line(1, "technician", "  ")).await;
    assert_eq!((status, body["code"].clone()), (400, json!("bad_request")));
    let long = "x".repeat(protocol::limits::MAX_CHAT_CHARS + 1);
    let (status, body) = post_line(&server, &cookie, &chat, line(1, "technician", &long)).await;
    assert_eq!((status, body["code"].clone()), (413, json!("too_long")));
    let (status, body) = post_line(
        &server,
        &cookie,
        &chat,
        json!({"at_ms": -1, "from": "technician", "text": "x"}),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (400, json!("malformed_message"))
    );
    let (status, _) = post_line(&server, &cookie, &chat, line(1, "admin", "x")).await;
    assert_eq!(status, 400);
    // Another window of tess's, and tom, may not add to it.
    let other_window = login_cookie(&server, "tess").await;
    let (status, body) = post_line(&server, &other_window, &chat, line(1, "technician", "x")).await;
    assert_eq!((status, body["code"].clone()), (409, json!("out_of_order")));
    let tom = login_cookie(&server, "tom").await;
    let (status, _) = post_line(&server, &tom, &chat, line(1, "technician", "x")).await;
    assert_eq!(status, 404);

    let vtt_path = format!("/api/sessions/{id}/recordings/{rec}.vtt");
    let (status, kind, vtt) = get(&server, &cookie, &vtt_path).await;
    assert_eq!(status, 200);
    assert_eq!(kind.as_deref(), Some("text/vtt; charset=utf-8"));
    assert_eq!(
        vtt,
        "WEBVTT\n\n\
         1\n00:00:01.500 --> 00:00:04.200\n<v tess>Hello\n\n\
         2\n00:00:04.200 --> 00:00:09.200\n<v Ann &lt;3>It says &lt;error&gt; &amp; stops\n\n"
    );
    // Tom, or nobody signed in, cannot read it; the download says so.
    assert_eq!(get(&server, &tom, &vtt_path).await.0, 404);
    let anonymous = reqwest::get(server.url(&vtt_path)).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let download = reqwest::Client::new()
        .get(server.url(&format!("{vtt_path}?download=1")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    // A name that is not a recording's is not found.
    let (status, _, _) = get(
        &server,
        &cookie,
        &format!("/api/sessions/{id}/recordings/{rec}x.vtt"),
    )
    .await;
    assert_eq!(status, 404);

    // Once the recording is over, lines are refused as out of order. (A
    // recording without video would be deleted at its stop: one chunk.)
    let chunk = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/chrome-vp8-11s/chunk-000.webm"),
    )
    .unwrap();
    let res = reqwest::Client::new()
        .post(server.url(&format!("/api/sessions/{id}/recordings/{rec}/chunks/0")))
        .header("cookie", &cookie)
        .body(chunk)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let stop = format!("/api/sessions/{id}/recordings/{rec}/stop");
    let res = reqwest::Client::new()
        .post(server.url(&stop))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, body) = post_line(&server, &cookie, &chat, line(9000, "technician", "late")).await;
    assert_eq!((status, body["code"].clone()), (409, json!("out_of_order")));
    assert_eq!(
        get(&server, &cookie, &vtt_path)
            .await
            .2
            .matches("-->")
            .count(),
        2
    );
}
