//! Signing in and out, idle logout, and the throttle on password guessing.

mod common;

use std::time::Duration;

use common::{PASSWORD, Socket, TestServer};
use serde_json::{Value, json};

async fn login(
    server: &TestServer,
    client: &reqwest::Client,
    user: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(server.url("/api/login"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn sign_in_sign_out() {
    let server = TestServer::start().await;
    let client = server.http();
    let res = client.get(server.url("/api/me")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "not_signed_in");
    assert!(!body["message"].as_str().unwrap().is_empty());

    let res = login(&server, &client, "tess", "wrong password").await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "invalid_credentials"
    );
    let res = login(&server, &client, "nobody", PASSWORD).await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "invalid_credentials"
    );

    assert_eq!(
        login(&server, &client, "tess", PASSWORD).await.status(),
        200
    );
    let me: Value = client
        .get(server.url("/api/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me, json!({"username": "tess"}));

    let res = client.post(server.url("/api/logout")).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(server.status_of(&client, "/api/me").await, 401);
    let res = client.post(server.url("/api/pins")).send().await.unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn signing_out_closes_that_logins_consoles() {
    let server = TestServer::start().await;
    let cookie = common::login_cookie(&server, "tess").await;
    let mut console = Socket::connect(server.addr, Some(&cookie), None).await;
    assert_eq!(console.next().await["type"], "welcome");
    let res = reqwest::Client::new()
        .post(server.url("/api/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    loop {
        if console.next_or_close().await.is_err() {
            break;
        }
    }
    // The old cookie no longer makes a console.
    let mut anon = Socket::connect(server.addr, Some(&cookie), None).await;
    anon.send(json!({"type": "start", "session": 1})).await;
    assert_eq!(anon.next_error().await["code"], "not_signed_in");
}

#[tokio::test]
async fn idle_logins_expire_after_eight_hours() {
    let server = TestServer::start().await;
    let client = server.signed_in("tess").await;
    server.clock.advance(Duration::from_secs(7 * 3600));
    assert_eq!(server.status_of(&client, "/api/me").await, 200);
    // That request counted as activity: seven more hours are still fine.
    server.clock.advance(Duration::from_secs(7 * 3600));
    assert_eq!(server.status_of(&client, "/api/me").await, 200);
    server.clock.advance(Duration::from_secs(8 * 3600 + 60));
    assert_eq!(server.status_of(&client, "/api/me").await, 401);
}

#[tokio::test]
async fn password_guessing_is_throttled() {
    let server = TestServer::start().await;
    let client = server.http();
    for _ in 0..5 {
        assert_eq!(login(&server, &client, "tess", "guess").await.status(), 401);
    }
    // Now even the right password waits, and says for how long.
    let res = login(&server, &client, "tess", PASSWORD).await;
    assert_eq!(res.status(), 429);
    let retry_header: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");
    assert_eq!(body["retry_after_secs"].as_u64().unwrap(), retry_header);
    // Tom signs in from elsewhere... this test has one address, so the
    // per-address budget blocks him too: the throttle is per address AND
    // per username.
    assert_eq!(login(&server, &client, "tom", PASSWORD).await.status(), 429);
}

#[tokio::test]
async fn bad_bodies_get_json_errors() {
    let server = TestServer::start().await;
    let client = server.signed_in("tess").await;
    let res = client
        .post(server.url("/api/login"))
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "malformed_message"
    );

    let res = client
        .post(server.url("/api/pins"))
        .json(&json!({"notes": "x".repeat(20_000)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "too_long");

    let res = client
        .post(server.url("/api/pins"))
        .json(&json!({"notes": "x".repeat(5000)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "too_long");
    assert!(body["message"].as_str().unwrap().contains("Notes"));

    let res = client
        .patch(server.url("/api/sessions/999"))
        .json(&json!({"notes": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "session_not_found"
    );

    let res = client.get(server.url("/api/unknown")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "not_found");
    let res = client.delete(server.url("/api/pins")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "bad_request");
}
