//! `X-Forwarded-For` is believed only from trusted proxies, read from the
//! right: a client cannot pick the address the throttles count.

mod common;

use common::{Socket, TestServer};
use serde_json::json;
use signal::client_addr::parse_proxy_network;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// A customer socket whose request carries `X-Forwarded-For: xff`.
async fn socket_claiming(server: &TestServer, xff: &str) -> Socket {
    let mut request = format!("ws://{}/ws", server.addr)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("x-forwarded-for", xff.parse().unwrap());
    Socket::from_request(request).await
}

/// The code of the error a join with `pin` gets.
async fn join_code(socket: &mut Socket, pin: &str) -> String {
    socket
        .send(json!({"type": "join", "pin": pin, "name": "Ann"}))
        .await;
    socket.next_error().await["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A PIN that is not `pin`.
fn other_than(pin: &str) -> String {
    format!("{:06}", (pin.parse::<u32>().unwrap() + 1) % 1_000_000)
}

/// Trusts only 10.0.0.0/8, so the test's own 127.0.0.1 is an outsider.
async fn server_behind_a_remote_proxy() -> TestServer {
    TestServer::start_with(|c| {
        c.trust_proxy_headers = true;
        c.trusted_proxies = vec![parse_proxy_network("10.0.0.0/8").unwrap()];
    })
    .await
}

#[tokio::test]
async fn an_untrusted_peer_cannot_choose_its_address_when_guessing_pins() {
    let server = server_behind_a_remote_proxy().await;
    let tess = server.signed_in("tess").await;
    let pin = server.pin(&tess).await;
    let wrong = other_than(&pin);
    // Each guess claims to come from somewhere else, even through a trusted
    // proxy's address; all of them are 127.0.0.1's.
    for i in 0..5 {
        let mut socket = socket_claiming(&server, &format!("203.0.113.{i}, 10.0.0.1")).await;
        assert_eq!(join_code(&mut socket, &wrong).await, "pin_unknown");
    }
    let mut socket = socket_claiming(&server, "198.51.100.77").await;
    assert_eq!(join_code(&mut socket, &pin).await, "rate_limited");
}

#[tokio::test]
async fn an_untrusted_peer_cannot_choose_its_address_when_signing_in() {
    let server = server_behind_a_remote_proxy().await;
    let client = server.http();
    let attempt = |i: u32| {
        // A new username each time, so only the per-address budget can run out.
        client
            .post(server.url("/api/login"))
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .json(&json!({"username": format!("nobody{i}"), "password": "wrong"}))
            .send()
    };
    for i in 0..5 {
        assert_eq!(attempt(i).await.unwrap().status(), 401, "attempt {i}");
    }
    let refused = attempt(5).await.unwrap();
    assert_eq!(refused.status(), 429);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");
}

#[tokio::test]
async fn the_rightmost_untrusted_address_is_the_one_counted() {
    let server = TestServer::start_with(|c| {
        c.trust_proxy_headers = true;
        c.trusted_proxies = ["127.0.0.0/8", "10.0.0.0/8"]
            .iter()
            .map(|n| parse_proxy_network(n).unwrap())
            .collect();
    })
    .await;
    let tess = server.signed_in("tess").await;
    let pin = server.pin(&tess).await;
    let wrong = other_than(&pin);
    // The client writes whatever it likes on the left, and passes through a
    // different proxy each time; its real address, as our first proxy saw
    // it, is 203.0.113.5 every time.
    for i in 0..5 {
        let xff = format!("192.0.2.{i}, 203.0.113.5, 10.1.2.{i}");
        let mut socket = socket_claiming(&server, &xff).await;
        assert_eq!(join_code(&mut socket, &wrong).await, "pin_unknown");
    }
    let mut blocked = socket_claiming(&server, "203.0.113.5").await;
    assert_eq!(join_code(&mut blocked, &pin).await, "rate_limited");
    // Its neighbour is someone else, and gets in.
    let mut neighbour = socket_claiming(&server, "192.0.2.99, 203.0.113.6, 10.9.9.9").await;
    neighbour
        .send(json!({"type": "join", "pin": pin, "name": "Ann"}))
        .await;
    assert_eq!(neighbour.next().await["type"], "joined");
}
