//! Budgets against guessing must not become lock-outs: parallel sign-ins
//! cannot exceed the budget, a flood of wrong passwords cannot keep a real
//! technician out, and guessers cannot keep a customer with a link out.

mod common;

use common::{PASSWORD, Socket, TestServer, request_from};
use serde_json::{Value, json};

async fn sign_in(server: &TestServer, from: &str, user: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(server.url("/api/login"))
        .header("x-forwarded-for", from)
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn fifty_parallel_sign_ins_check_at_most_the_budget() {
    let server = TestServer::start().await;
    let attempts = (0..50).map(|_| {
        let server = &server;
        async move {
            sign_in(server, "", "tess", "wrong password")
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429 || **s == 503).count();
    assert_eq!(checked + refused, 50, "{statuses:?}");
    assert!(
        checked <= 5,
        "{checked} passwords were checked, the budget is 5"
    );
    let failures = server
        .metric(&server.http(), "lifeline_login_failures_total")
        .await;
    assert!(failures <= 5.0, "{failures} failures were counted");
}

#[tokio::test]
async fn a_flood_of_wrong_passwords_does_not_keep_a_technician_out() {
    let server = TestServer::start_with(|c| c.trust_proxy_headers = true).await;
    // Forty addresses have each failed once: their next tries are suspect.
    for i in 0..40 {
        let res = sign_in(
            &server,
            &format!("198.51.100.{i}"),
            &format!("admin{i}"),
            "x",
        )
        .await;
        assert_eq!(res.status(), 401);
    }
    // They flood, all at once, while Tess signs in from her own address.
    let flood = (0..40)
        .flat_map(|i| (0..4).map(move |j| (i, j)))
        .map(|(i, j)| {
            let server = &server;
            async move {
                sign_in(server, &format!("198.51.100.{i}"), &format!("root{j}"), "x")
                    .await
                    .status()
                    .as_u16()
            }
        });
    let flood = futures_util::future::join_all(flood);
    let tess = sign_in(&server, "203.0.113.9", "tess", PASSWORD);
    let (statuses, tess) = tokio::join!(flood, tess);
    assert_eq!(tess.status(), 200, "the technician was kept out");
    // The flood was answered, not queued without end: some were turned
    // away at once with a reason and a time to come back.
    assert!(
        statuses.iter().all(|s| [401, 429, 503].contains(s)),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn customers_with_the_link_join_while_the_guessing_budget_is_spent() {
    let server = TestServer::start_with(|c| {
        c.trust_proxy_headers = true;
        c.join_failures_global = signal::throttle::FailureBudget {
            burst: 3,
            per_minute: 1,
        };
    })
    .await;
    let tess = server.signed_in("tess").await;
    let issued = server.new_pin(&tess, json!({})).await;
    let pin = issued["pin"].as_str().unwrap().to_owned();
    let key = issued["link"]
        .as_str()
        .unwrap()
        .rsplit_once("key=")
        .unwrap()
        .1
        .to_owned();
    let wrong = format!("{:06}", (pin.parse::<u32>().unwrap() + 1) % 1_000_000);

    // Strangers spend the server-wide budget from many addresses.
    for i in 0..3 {
        let mut guesser =
            Socket::from_request(request_from(server.addr, &format!("203.0.113.{i}"))).await;
        guesser
            .send(json!({"type": "join", "pin": wrong, "name": "x"}))
            .await;
        assert_eq!(guesser.next_error().await["code"], "pin_unknown");
    }
    // A customer typing the right PIN is turned away for now...
    let mut typed = Socket::from_request(request_from(server.addr, "192.0.2.10")).await;
    typed
        .send(json!({"type": "join", "pin": pin, "name": "Ann"}))
        .await;
    let refused: Value = typed.next_error().await;
    assert_eq!(refused["code"], "rate_limited");
    // ...and so is one with a made-up key...
    let mut forged = Socket::from_request(request_from(server.addr, "192.0.2.11")).await;
    forged
        .send(json!({"type": "join", "pin": pin, "name": "Ann", "key": "00112233445566778899aabbccddeeff"}))
        .await;
    assert_eq!(forged.next_error().await["code"], "rate_limited");
    // ...but the customer who opened the link gets in.
    let mut linked = Socket::from_request(request_from(server.addr, "192.0.2.12")).await;
    linked
        .send(json!({"type": "join", "pin": pin, "name": "Ann", "key": key}))
        .await;
    assert_eq!(linked.next_of("joined").await["technician"], "tess");
    assert!(
        server
            .metric(&tess, "lifeline_pin_budget_exhausted_total")
            .await
            >= 1.0
    );
}
