//! Remote control through the Lifeline Helper, over real sockets: the offer
//! after the customer allows control (and none otherwise), the download
//! with its trailer, the helper joining with its single-use token,
//! signalling between the console and the helper only, View only and
//! Control told to all three and kept in the report, and every way the
//! helper's part ends.

mod common;

use std::time::Duration;

use common::{Socket, TestServer};
use protocol::helper::{TOKEN_LIFETIME_SECS, Trailer};
use serde_json::{Value, json};

/// What the fake helper build holds; any bytes do.
const HELPER_BYTES: &[u8] = b"\x7fELF pretend this is the Lifeline Helper";

/// A server with a helper folder holding a Linux x86-64 build, and room
/// for more failed joins than a test makes.
async fn server_with_helper() -> (TestServer, tempfile::TempDir) {
    server_with_helper_and(|_| {}).await
}

async fn server_with_helper_and(
    tweak: impl FnOnce(&mut signal::Config),
) -> (TestServer, tempfile::TempDir) {
    let helpers = tempfile::tempdir().unwrap();
    std::fs::write(
        helpers.path().join("lifeline-helper-linux-x86_64"),
        HELPER_BYTES,
    )
    .unwrap();
    let dir = helpers.path().to_owned();
    let server = TestServer::start_with(move |c| {
        c.helper_dir = Some(dir);
        c.join_failures_per_address = signal::throttle::FailureBudget {
            burst: 50,
            per_minute: 50,
        };
        tweak(c);
    })
    .await;
    (server, helpers)
}

fn ask_control(id: i64) -> Value {
    json!({"type": "consent_request", "session": id, "scope": "remote_control"})
}

fn answer(allowed: bool) -> Value {
    json!({"type": "consent_answer", "scope": "remote_control", "allowed": allowed})
}

/// A started session whose customer allowed remote control:
/// (console, customer, session, the customer's `helper_offer`).
async fn control_allowed(server: &TestServer) -> (Socket, Socket, i64, Value) {
    let (mut console, mut customer, id) = server.started_session("tess", "Ann").await;
    console.send(ask_control(id)).await;
    customer.next_of("consent_request").await;
    customer.send(answer(true)).await;
    assert_eq!(console.next_of("consent").await["outcome"], "allowed");
    let consent = customer.next().await;
    assert_eq!(consent["type"], "consent", "{consent}");
    assert_eq!(consent["outcome"], "allowed");
    let offer = customer.next().await;
    assert_eq!(offer["type"], "helper_offer", "{offer}");
    (console, customer, id, offer)
}

/// The token inside an offer's first download link.
fn token_of(offer: &Value) -> String {
    let url = offer["downloads"][0]["url"].as_str().unwrap();
    url.rsplit('/').next().unwrap().to_owned()
}

fn helper_join(token: &str) -> Value {
    json!({"type": "helper_join", "token": token, "platform": "linux-x86_64"})
}

/// A helper that joined with `token`, its `helper_joined` and
/// `control_mode` read.
async fn joined_helper(server: &TestServer, token: &str) -> (Socket, Value) {
    let mut helper = server.customer().await;
    helper.send(helper_join(token)).await;
    let joined = helper.next().await;
    assert_eq!(joined["type"], "helper_joined", "{joined}");
    let mode = helper.next().await;
    assert_eq!(mode["type"], "control_mode", "{mode}");
    assert_eq!(mode["controlling"], true);
    (helper, joined)
}

/// A helper joining with `token` is refused with `code` and closed.
async fn refused_join(server: &TestServer, token: &str, code: &str) {
    let mut helper = server.customer().await;
    helper.send(helper_join(token)).await;
    let error = helper.next_error().await;
    assert_eq!(error["code"], code, "{error}");
    assert_closed(&mut helper, 1008).await;
}

async fn assert_closed(socket: &mut Socket, code: u16) {
    match socket.next_or_close().await {
        Err(Some((got, _))) => assert_eq!(got, code),
        other => panic!("expected a close with {code}, got {other:?}"),
    }
}

/// Sends a probe from the console to the customer's browser and returns
/// every frame the customer got before it: frames of one socket are
/// handled in order, so whatever the server would have sent the customer
/// before the probe is among them.
async fn customer_frames_before_probe(
    console: &mut Socket,
    customer: &mut Socket,
    id: i64,
) -> Vec<Value> {
    console
        .send(json!({"type": "signal", "session": id, "data": "probe"}))
        .await;
    let mut seen = Vec::new();
    loop {
        let frame = customer.next().await;
        if frame["type"] == "signal" && frame["data"] == "probe" {
            return seen;
        }
        seen.push(frame);
    }
}

async fn get(url: &str) -> reqwest::Response {
    reqwest::Client::new().get(url).send().await.unwrap()
}

/// Status and error code of a download that must fail.
async fn refused_download(server: &TestServer, path: &str) -> (u16, String) {
    let res = get(&server.url(path)).await;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status} {text}"));
    (status, body["code"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn an_offer_follows_allow_and_nothing_follows_deny_or_timeout() {
    let (server, _helpers) = server_with_helper().await;
    let (mut console, mut customer, id) = server.started_session("tess", "Ann").await;

    console.send(ask_control(id)).await;
    customer.next_of("consent_request").await;
    customer.send(answer(false)).await;
    assert_eq!(console.next_of("consent").await["outcome"], "denied");
    let seen = customer_frames_before_probe(&mut console, &mut customer, id).await;
    assert!(seen.iter().any(|f| f["outcome"] == "denied"), "{seen:?}");
    assert!(seen.iter().all(|f| f["type"] != "helper_offer"), "{seen:?}");

    console.send(ask_control(id)).await;
    customer.next_of("consent_request").await;
    server.clock.advance(Duration::from_secs(5 * 60 + 1));
    assert_eq!(console.next_of("consent").await["outcome"], "timed_out");
    let seen = customer_frames_before_probe(&mut console, &mut customer, id).await;
    assert!(seen.iter().any(|f| f["outcome"] == "timed_out"), "{seen:?}");
    assert!(seen.iter().all(|f| f["type"] != "helper_offer"), "{seen:?}");

    console.send(ask_control(id)).await;
    customer.next_of("consent_request").await;
    let before = server.clock.now();
    customer.send(answer(true)).await;
    customer.next_of("consent").await;
    let offer = customer.next().await;
    assert_eq!(offer["type"], "helper_offer");
    assert_eq!(offer["session"], id);
    // Only the platform the folder has a build for.
    let downloads = offer["downloads"].as_array().unwrap();
    assert_eq!(downloads.len(), 1, "{offer}");
    assert_eq!(downloads[0]["platform"], "linux-x86_64");
    assert_eq!(downloads[0]["file_name"], "lifeline-helper");
    let token = token_of(&offer);
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(downloads[0]["url"], format!("/helper/linux-x86_64/{token}"));
    let expires_at = time::OffsetDateTime::parse(
        offer["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let lifetime = (expires_at - before).whole_seconds();
    assert!(
        (TOKEN_LIFETIME_SECS as i64..=TOKEN_LIFETIME_SECS as i64 + 2).contains(&lifetime),
        "{lifetime}"
    );
    // The console never sees the token.
    let console_saw = console.next_of("consent").await;
    assert_eq!(console_saw["outcome"], "allowed");
}

#[tokio::test]
async fn without_a_helper_folder_the_offer_has_no_downloads() {
    let server = TestServer::start().await;
    let (mut console, mut customer, id) = server.started_session("tess", "Ann").await;
    console.send(ask_control(id)).await;
    customer.next_of("consent_request").await;
    customer.send(answer(true)).await;
    let offer = customer.next_of("helper_offer").await;
    assert_eq!(offer["downloads"], json!([]));
    let (status, code) = refused_download(&server, "/helper/linux-x86_64/00").await;
    assert_eq!((status, code.as_str()), (404, "helper_not_available"));
}

#[tokio::test]
async fn the_download_is_the_file_then_its_trailer() {
    let (server, _helpers) = server_with_helper().await;
    let (_console, _customer, _id, offer) = control_allowed(&server).await;
    let token = token_of(&offer);
    let url = server.url(offer["downloads"][0]["url"].as_str().unwrap());

    let res = get(&url).await;
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert_eq!(headers["content-type"], "application/octet-stream");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"lifeline-helper\""
    );
    assert_eq!(headers["cache-control"], "no-store");
    let bytes = res.bytes().await.unwrap();
    assert_eq!(
        headers["content-length"].to_str().unwrap(),
        bytes.len().to_string()
    );
    assert_eq!(&bytes[..HELPER_BYTES.len()], HELPER_BYTES);
    let trailer = Trailer::from_tail(&bytes).expect("a trailer");
    assert_eq!(
        trailer,
        Trailer {
            server: format!("http://{}", server.addr),
            token: token.clone(),
        }
    );
    assert_eq!(
        bytes.len(),
        HELPER_BYTES.len() + trailer.to_bytes().len(),
        "the file, then the trailer, and nothing else"
    );

    // Downloading again is fine until the helper joins. A proxy's word
    // on the scheme counts only with --trust-proxy-headers.
    let again = reqwest::Client::new()
        .get(&url)
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        Trailer::from_tail(&again)
            .unwrap()
            .server
            .starts_with("http://")
    );

    let (status, code) = refused_download(&server, "/helper/windows-x86_64/abc").await;
    assert_eq!((status, code.as_str()), (404, "helper_not_available"));
    let (status, code) = refused_download(&server, "/helper/linux-aarch64/abc").await;
    assert_eq!((status, code.as_str()), (404, "helper_not_available"));
    let unknown = format!("/helper/linux-x86_64/{}", "ab".repeat(16));
    let (status, code) = refused_download(&server, &unknown).await;
    assert_eq!((status, code.as_str()), (404, "helper_token_unknown"));

    let (_helper, _) = joined_helper(&server, &token).await;
    let used = format!("/helper/linux-x86_64/{token}");
    let (status, code) = refused_download(&server, &used).await;
    assert_eq!((status, code.as_str()), (410, "helper_token_used"));
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_trailer_says_https() {
    let (server, _helpers) = server_with_helper_and(|c| c.trust_proxy_headers = true).await;
    let (_console, _customer, _id, offer) = control_allowed(&server).await;
    let url = server.url(offer["downloads"][0]["url"].as_str().unwrap());
    let bytes = reqwest::Client::new()
        .get(&url)
        .header("host", "support.example.org")
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        Trailer::from_tail(&bytes).unwrap().server,
        "https://support.example.org"
    );
}

#[tokio::test]
async fn an_expired_token_neither_downloads_nor_joins() {
    let (server, _helpers) = server_with_helper().await;
    let (_console, _customer, _id, offer) = control_allowed(&server).await;
    let token = token_of(&offer);
    server
        .clock
        .advance(Duration::from_secs(TOKEN_LIFETIME_SECS));
    let path = format!("/helper/linux-x86_64/{token}");
    let (status, code) = refused_download(&server, &path).await;
    assert_eq!((status, code.as_str()), (410, "helper_token_expired"));
    refused_join(&server, &token, "helper_token_expired").await;
}

#[tokio::test]
async fn a_helper_joins_and_everyone_hears_control_is_on() {
    let (server, _helpers) = server_with_helper_and(|c| {
        c.ice_servers = vec![protocol::ws::IceServer {
            urls: vec!["stun:stun.example.org:3478".into()],
            username: None,
            credential: None,
        }];
    })
    .await;
    let (mut console, mut customer, id, offer) = control_allowed(&server).await;
    let (_helper, joined) = joined_helper(&server, &token_of(&offer)).await;
    assert_eq!(joined["session"], id);
    assert_eq!(joined["technician"], "tess");
    assert_eq!(joined["customer"], "Ann");
    assert_eq!(
        joined["ice_servers"],
        json!([{"urls": ["stun:stun.example.org:3478"]}])
    );
    for browser in [&mut console, &mut customer] {
        let helper = browser.next_of("helper").await;
        assert_eq!(helper["session"], id);
        assert_eq!(helper["status"], "joined");
        let mode = browser.next().await;
        assert_eq!(
            mode,
            json!({"type": "control_mode", "session": id, "controlling": true})
        );
    }
}

#[tokio::test]
async fn tokens_are_single_use_and_bound_to_their_session() {
    let (server, _helpers) = server_with_helper().await;
    let (_console, _customer, id, offer) = control_allowed(&server).await;
    let token = token_of(&offer);

    refused_join(&server, &"0".repeat(32), "helper_token_unknown").await;
    refused_join(&server, "not a token", "helper_token_unknown").await;
    let (mut helper, _) = joined_helper(&server, &token).await;
    // A second helper with the same token, while the first is attached.
    refused_join(&server, &token, "helper_token_used").await;

    // Another session's token is worth nothing once that session ended.
    let (mut other_console, _other_customer, other, other_offer) = control_allowed(&server).await;
    other_console
        .send(json!({"type": "leave", "session": other}))
        .await;
    other_console.next_of("ended").await;
    refused_join(&server, &token_of(&other_offer), "helper_token_expired").await;

    // The helper speaks for its own session only.
    helper
        .send(json!({"type": "signal", "session": other, "data": "x"}))
        .await;
    assert_eq!(helper.next_error().await["code"], "session_not_found");
    helper
        .send(json!({"type": "signal", "session": id, "data": "fine"}))
        .await;
    // Still attached after all that.
    helper
        .send(json!({"type": "consent_request", "session": id, "scope": "screen_view"}))
        .await;
    let refused = helper.next_error().await;
    assert_eq!(refused["code"], "out_of_order");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("only send signal and leave")
    );
}

#[tokio::test]
async fn guessing_tokens_is_throttled() {
    let server = TestServer::start().await;
    let guess = "ab".repeat(16);
    for _ in 0..5 {
        refused_join(&server, &guess, "helper_token_unknown").await;
    }
    let mut helper = server.customer().await;
    helper.send(helper_join(&guess)).await;
    let error = helper.next_error().await;
    assert_eq!(error["code"], "rate_limited");
    assert!(error["retry_after_secs"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn signalling_goes_between_the_console_and_the_helper_only() {
    let (server, _helpers) = server_with_helper().await;
    let (mut console, mut customer, id, offer) = control_allowed(&server).await;

    // Nobody to signal yet.
    console
        .send(json!({"type": "signal", "session": id, "to": "helper", "data": "early"}))
        .await;
    let error = console.next_of("error").await;
    assert_eq!(error["code"], "out_of_order");
    assert_eq!(error["message"], "No Lifeline Helper is connected");

    let (mut helper, _) = joined_helper(&server, &token_of(&offer)).await;
    let offer_sdp = json!({"description": {"type": "offer", "sdp": "v=0\r\n"}});
    // `type` first takes the fast path; any other order the general one.
    console
        .send_text(&format!(
            r#"{{"type":"signal","session":{id},"to":"helper","data":{offer_sdp}}}"#
        ))
        .await;
    assert_eq!(
        helper.next().await,
        json!({"type": "signal", "session": id, "from": "technician", "data": offer_sdp})
    );
    console
        .send_text(&format!(
            r#"{{"to":"helper","data":{{"candidate":null}},"session":{id},"type":"signal"}}"#
        ))
        .await;
    assert_eq!(helper.next().await["data"], json!({"candidate": null}));

    let answer_sdp = json!({"description": {"type": "answer", "sdp": "v=0\r\n"}});
    helper
        .send(json!({"type": "signal", "data": answer_sdp}))
        .await;
    assert_eq!(
        console.next_of("signal").await,
        json!({"type": "signal", "session": id, "from": "helper", "data": answer_sdp})
    );

    // Neither the customer's browser nor the helper may name a recipient.
    helper
        .send(json!({"type": "signal", "to": "customer", "data": "sneaky"}))
        .await;
    assert_eq!(helper.next_error().await["code"], "bad_request");
    customer
        .send(json!({"type": "signal", "to": "helper", "data": "sneaky"}))
        .await;
    assert_eq!(customer.next_of("error").await["code"], "bad_request");

    // The customer's browser got none of the helper's signalling, and the
    // helper none of the customer's.
    let seen = customer_frames_before_probe(&mut console, &mut customer, id).await;
    assert!(seen.iter().all(|f| f["type"] != "signal"), "{seen:?}");
    customer
        .send(json!({"type": "signal", "data": "to the console"}))
        .await;
    assert_eq!(console.next_of("signal").await["from"], "customer");
    console
        .send(json!({"type": "signal", "session": id, "to": "helper", "data": "last"}))
        .await;
    assert_eq!(helper.next().await["data"], "last");
}

#[tokio::test]
async fn view_only_and_control_reach_all_three_and_the_report() {
    let (server, _helpers) = server_with_helper().await;
    let (mut console, mut customer, id, offer) = control_allowed(&server).await;

    // Not before a helper is there, and never from the customer.
    console
        .send(json!({"type": "control_mode", "session": id, "controlling": false}))
        .await;
    assert_eq!(console.next_of("error").await["code"], "out_of_order");

    let (mut helper, _) = joined_helper(&server, &token_of(&offer)).await;
    for browser in [&mut console, &mut customer] {
        assert_eq!(browser.next_of("control_mode").await["controlling"], true);
    }
    customer
        .send(json!({"type": "control_mode", "session": id, "controlling": false}))
        .await;
    assert_eq!(customer.next_of("error").await["code"], "not_signed_in");

    for controlling in [false, true, false] {
        console
            .send(json!({"type": "control_mode", "session": id, "controlling": controlling}))
            .await;
        let expected = json!({"type": "control_mode", "session": id, "controlling": controlling});
        for socket in [&mut helper, &mut console, &mut customer] {
            assert_eq!(socket.next_of("control_mode").await, expected);
        }
    }
    let periods = server.tess_report(id).await["control_periods"].clone();
    let periods = periods.as_array().unwrap();
    assert_eq!(periods.len(), 2, "{periods:?}");
    assert!(periods.iter().all(|p| p["stopped_at"].is_string()));

    // Control again, cut short by the session's end.
    console
        .send(json!({"type": "control_mode", "session": id, "controlling": true}))
        .await;
    helper.next_of("control_mode").await;
    console.send(json!({"type": "leave", "session": id})).await;
    customer.next_of("ended").await;
    let report = server.tess_report(id).await;
    let periods = report["control_periods"].as_array().unwrap();
    assert_eq!(periods.len(), 3);
    assert_eq!(periods[2]["stopped_at"], report["ended_at"]);
    let csv = server
        .text(&server.signed_in("tess").await, "/api/sessions.csv")
        .await;
    assert!(csv.lines().next().unwrap().ends_with("\"control_secs\""));
}

#[tokio::test]
async fn stop_control_lets_the_helper_go() {
    let (server, _helpers) = server_with_helper().await;
    let (mut console, mut customer, id, offer) = control_allowed(&server).await;
    let (mut helper, _) = joined_helper(&server, &token_of(&offer)).await;

    customer
        .send(json!({"type": "share_stopped", "scope": "remote_control"}))
        .await;
    let stopped =
        json!({"type": "consent", "session": id, "scope": "remote_control", "outcome": "stopped"});
    assert_eq!(helper.next().await, stopped);
    assert_closed(&mut helper, 1000).await;
    for browser in [&mut console, &mut customer] {
        assert_eq!(browser.next_of("consent").await, stopped);
        assert_eq!(browser.next_of("helper").await["status"], "left");
    }

    let report = server.tess_report(id).await;
    let events: Vec<(&str, &str)> = report["consent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["scope"].as_str().unwrap(), e["event"].as_str().unwrap()))
        .collect();
    assert_eq!(
        events,
        [
            ("remote_control", "requested"),
            ("remote_control", "allowed"),
            ("remote_control", "stopped")
        ]
    );
    let periods = report["control_periods"].as_array().unwrap();
    assert_eq!(periods.len(), 1);
    assert!(periods[0]["stopped_at"].is_string());

    // The technician may ask again, and a new token comes with the yes.
    console.send(ask_control(id)).await;
    customer.next_of("consent_request").await;
    customer.send(answer(true)).await;
    let again = customer.next_of("helper_offer").await;
    assert_ne!(token_of(&again), token_of(&offer));
}

#[tokio::test]
async fn stopping_before_the_helper_joins_voids_the_token() {
    let (server, _helpers) = server_with_helper().await;
    let (_console, mut customer, _id, offer) = control_allowed(&server).await;
    customer
        .send(json!({"type": "share_stopped", "scope": "remote_control"}))
        .await;
    customer.next_of("consent").await;
    refused_join(&server, &token_of(&offer), "helper_token_expired").await;
}

#[tokio::test]
async fn the_helper_leaving_ends_the_permission() {
    let (server, _helpers) = server_with_helper().await;
    let (mut console, mut customer, id, offer) = control_allowed(&server).await;
    let (helper, _) = joined_helper(&server, &token_of(&offer)).await;
    helper.close().await;
    for browser in [&mut console, &mut customer] {
        assert_eq!(
            browser.next_of("control_mode").await["controlling"],
            true,
            "the join's"
        );
        assert_eq!(browser.next_of("control_mode").await["controlling"], false);
        assert_eq!(browser.next_of("helper").await["status"], "left");
        assert_eq!(browser.next_of("consent").await["outcome"], "stopped");
    }
    // Asking again works: nothing is left allowed.
    console.send(ask_control(id)).await;
    customer.next_of("consent_request").await;
    let report = server.tess_report(id).await;
    assert!(report["control_periods"][0]["stopped_at"].is_string());
}

#[tokio::test]
async fn the_session_ending_closes_the_helper() {
    let (server, _helpers) = server_with_helper().await;

    let (mut console, _customer, id, offer) = control_allowed(&server).await;
    let (mut helper, _) = joined_helper(&server, &token_of(&offer)).await;
    console.send(json!({"type": "leave", "session": id})).await;
    let ended = helper.next().await;
    assert_eq!(ended["type"], "ended");
    assert_eq!(ended["reason"], "technician_left");
    assert_closed(&mut helper, 1000).await;

    // The technician's console going away ends it the same way.
    let (console, _customer, _id, offer) = control_allowed(&server).await;
    let (mut helper, _) = joined_helper(&server, &token_of(&offer)).await;
    console.close().await;
    assert_eq!(helper.next().await["reason"], "technician_disconnected");
    assert_closed(&mut helper, 1000).await;
}

#[tokio::test]
async fn an_unavailable_helper_is_heard_and_let_go() {
    let (server, _helpers) = server_with_helper().await;
    let (mut console, mut customer, id, offer) = control_allowed(&server).await;
    let mut helper = server.customer().await;
    helper
        .send(json!({
            "type": "helper_join",
            "token": token_of(&offer),
            "platform": "linux-x86_64",
            "unavailable": "This computer uses \u{202E}Wayland\u{7}; remote control needs X11.",
        }))
        .await;
    assert_closed(&mut helper, 1000).await;
    for browser in [&mut console, &mut customer] {
        let said = browser.next_of("helper").await;
        assert_eq!(said["session"], id);
        assert_eq!(said["status"], "unavailable");
        assert_eq!(
            said["detail"],
            "This computer uses Wayland; remote control needs X11."
        );
        assert_eq!(browser.next_of("consent").await["outcome"], "stopped");
    }
    refused_join(&server, &token_of(&offer), "helper_token_used").await;
    let report = server.tess_report(id).await;
    assert_eq!(report["control_periods"], json!([]));
}
