//! Every way a PIN can be refused, each with its own code, and the
//! throttle that makes guessing pointless.

mod common;

use std::time::Duration;

use common::{Socket, TestServer};
use serde_json::json;

async fn join_error(customer: &mut Socket, pin: &str) -> serde_json::Value {
    customer
        .send(json!({"type": "join", "pin": pin, "name": "Ann"}))
        .await;
    customer.next_error().await
}

#[tokio::test]
async fn each_failure_has_its_own_code() {
    let server = TestServer::start().await;
    let tess = server.signed_in("tess").await;
    let mut customer = server.customer().await;

    let e = join_error(&mut customer, "").await;
    assert_eq!(e["code"], "pin_empty");
    assert!(e["message"].as_str().unwrap().contains("6-digit"));
    assert_eq!(
        join_error(&mut customer, "12345").await["code"],
        "pin_malformed"
    );
    assert_eq!(
        join_error(&mut customer, "12345a").await["code"],
        "pin_malformed"
    );

    let first = server.pin(&tess).await;
    let unknown = format!("{:06}", (first.parse::<u32>().unwrap() + 1) % 1_000_000);
    assert_eq!(
        join_error(&mut customer, &unknown).await["code"],
        "pin_unknown"
    );

    // "Create another PIN": the old one answers superseded.
    let second = server.new_pin(&tess, json!({"replaces": first})).await["pin"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        join_error(&mut customer, &first).await["code"],
        "pin_superseded"
    );

    // A name is required, and a refused name does not use up the PIN.
    customer
        .send(json!({"type": "join", "pin": second, "name": "  "}))
        .await;
    assert_eq!(customer.next_error().await["code"], "name_required");

    // Used once (spaces as read out on the phone are fine), then never again.
    let (_ann, _) = server
        .joined_customer(&format!("{} {}", &second[..3], &second[3..]), "Ann")
        .await;
    let mut late = server.customer().await;
    assert_eq!(join_error(&mut late, &second).await["code"], "pin_used");

    // Expired after the PIN's lifetime (20 minutes by default).
    let third = server.pin(&tess).await;
    server.clock.advance(Duration::from_secs(20 * 60));
    assert_eq!(join_error(&mut late, &third).await["code"], "pin_expired");

    // Only live PINs of one's own can be replaced.
    let res = tess
        .post(server.url("/api/pins"))
        .json(&json!({"replaces": third}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "bad_request");
}

#[tokio::test]
async fn pin_ttl_is_configurable() {
    let server = TestServer::start_with(|c| c.pin_ttl = Duration::from_secs(60)).await;
    let tess = server.signed_in("tess").await;
    let issued = server.new_pin(&tess, json!({})).await;
    let pin = issued["pin"].as_str().unwrap();
    server.clock.advance(Duration::from_secs(61));
    let mut customer = server.customer().await;
    assert_eq!(join_error(&mut customer, pin).await["code"], "pin_expired");
}

#[tokio::test]
async fn guessing_is_throttled_per_address_and_ipv6_prefix() {
    let server = TestServer::start_with(|c| c.trust_proxy_headers = true).await;
    let tess = server.signed_in("tess").await;
    let pin = server.pin(&tess).await;
    let wrong = format!("{:06}", (pin.parse::<u32>().unwrap() + 1) % 1_000_000);

    // Five failures from one /64 are answered normally...
    let guesser = "2001:db8:1:2::1";
    let mut socket = socket_from(&server, guesser).await;
    for _ in 0..5 {
        assert_eq!(join_error(&mut socket, &wrong).await["code"], "pin_unknown");
    }
    // ...then the whole /64 is refused, even with the right PIN, and told when
    // to try again.
    let mut neighbour = socket_from(&server, "2001:db8:1:2::ffff").await;
    let e = join_error(&mut neighbour, &pin).await;
    assert_eq!(e["code"], "rate_limited");
    let retry = e["retry_after_secs"].as_u64().unwrap();
    assert!((1..=60).contains(&retry), "retry after {retry}");

    // Typos (empty, malformed) cost nothing; other addresses are unaffected.
    let mut other = socket_from(&server, "198.51.100.7").await;
    for _ in 0..10 {
        assert_eq!(join_error(&mut other, "12").await["code"], "pin_malformed");
    }
    other
        .send(json!({"type": "join", "pin": pin, "name": "Ann"}))
        .await;
    assert_eq!(other.next().await["type"], "joined");

    let metrics = server.metrics(&tess).await;
    assert!(
        metrics.contains("lifeline_pin_failures_total{code=\"pin_unknown\"} 5"),
        "{metrics}"
    );
    assert!(
        metrics.contains("lifeline_pin_failures_total{code=\"rate_limited\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn many_guessers_together_hit_the_server_wide_budget() {
    let server = TestServer::start_with(|c| {
        c.trust_proxy_headers = true;
        c.join_failures_global = signal::throttle::FailureBudget {
            burst: 8,
            per_minute: 4,
        };
    })
    .await;
    let tess = server.signed_in("tess").await;
    let pin = server.pin(&tess).await;
    let wrong = format!("{:06}", (pin.parse::<u32>().unwrap() + 1) % 1_000_000);
    // Each guesser stays within its own budget...
    for i in 0..4 {
        let mut s = socket_from(&server, &format!("203.0.113.{i}")).await;
        for _ in 0..2 {
            assert_eq!(join_error(&mut s, &wrong).await["code"], "pin_unknown");
        }
    }
    // ...but together they used the server's.
    let mut fresh = socket_from(&server, "192.0.2.200").await;
    assert_eq!(join_error(&mut fresh, &wrong).await["code"], "rate_limited");
}

/// A customer socket whose address, as a trusted proxy reports it, is `ip`.
async fn socket_from(server: &TestServer, ip: &str) -> Socket {
    Socket::from_request(common::request_from(server.addr, ip)).await
}
