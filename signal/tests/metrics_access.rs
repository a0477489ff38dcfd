//! Who may read `/metrics`: this machine only by default, a bearer token
//! when one is set, and only the separate listener when there is one.

mod common;

use common::TestServer;
use reqwest::StatusCode;
use serde_json::Value;
use signal::secret::Secret;

const TOKEN: &str = "a-long-random-metrics-token";

/// GET `url` with extra headers; the status and the body.
async fn get(
    url: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let mut request = reqwest::Client::new().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let res = request.send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.text().await.unwrap())
}

fn is_metrics(body: &str) -> bool {
    body.lines()
        .any(|l| l.starts_with("lifeline_pins_issued_total "))
}

fn code(body: &str) -> String {
    let json: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}"));
    json["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn without_a_token_only_direct_local_requests_get_metrics() {
    // With the app built, so a refusal cannot hide behind its fallback page.
    let app = tempfile::tempdir().unwrap();
    std::fs::write(app.path().join("index.html"), "<title>app</title>").unwrap();
    let dir = app.path().to_owned();
    let server = TestServer::start_with(move |c| c.static_dir = Some(dir)).await;
    let url = server.url("/metrics");

    let (status, _, body) = get(&url, &[]).await;
    assert_eq!(status, 200);
    assert!(is_metrics(&body), "{body}");

    // Through a reverse proxy on this machine the peer is loopback too; the
    // proxy's headers give it away, and it gets the unknown-path answer.
    for (name, value) in [
        ("x-forwarded-for", "192.0.2.1"),
        ("x-forwarded-for", "127.0.0.1"),
        ("forwarded", "for=192.0.2.1"),
        ("x-real-ip", "192.0.2.1"),
    ] {
        let (status, headers, body) = get(&url, &[(name, value)]).await;
        assert_eq!(status, 404, "{name}");
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(code(&body), "not_found");
    }
}

#[tokio::test]
async fn a_token_is_required_once_set() {
    let server = TestServer::start_with(|c| c.metrics_token = Some(Secret::new(TOKEN))).await;
    let url = server.url("/metrics");
    let right = format!("Bearer {TOKEN}");
    let wrong = format!("Bearer {TOKEN}x");
    for auth in [None, Some(wrong.as_str()), Some("Basic dXNlcjpwdw==")] {
        let headers: Vec<(&str, &str)> = auth.map(|a| ("authorization", a)).into_iter().collect();
        let (status, headers, body) = get(&url, &headers).await;
        assert_eq!(status, 401, "{auth:?}");
        assert!(
            headers["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer"),
            "{headers:?}"
        );
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(code(&body), "not_signed_in");
        assert!(body.contains("Bearer"), "{body}");
    }
    let (status, _, body) = get(&url, &[("authorization", &right)]).await;
    assert_eq!(status, 200);
    assert!(is_metrics(&body), "{body}");
    // The token works through a proxy as well.
    let (status, _, _) = get(
        &url,
        &[("authorization", &right), ("x-forwarded-for", "192.0.2.1")],
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_separate_listener_takes_metrics_off_the_main_one() {
    let server = TestServer::start_with_metrics_listener(|_| {}).await;
    let own = server.metrics_addr.unwrap();

    let (status, _, body) = get(&server.url("/metrics"), &[]).await;
    assert_eq!(status, 404);
    assert_eq!(code(&body), "not_found");

    let (status, _, body) = get(&format!("http://{own}/metrics"), &[]).await;
    assert_eq!(status, 200);
    assert!(is_metrics(&body), "{body}");
    // It serves nothing else.
    let (status, _, body) = get(&format!("http://{own}/healthz"), &[]).await;
    assert_eq!(status, 404);
    assert_eq!(code(&body), "not_found");
    let res = reqwest::Client::new()
        .post(format!("http://{own}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);

    // Both listeners stop with the server.
    server.stop().await;
    assert!(tokio::net::TcpStream::connect(own).await.is_err());
}

#[tokio::test]
async fn a_separate_listener_wants_the_token_too() {
    let server =
        TestServer::start_with_metrics_listener(|c| c.metrics_token = Some(Secret::new(TOKEN)))
            .await;
    let own = format!("http://{}/metrics", server.metrics_addr.unwrap());
    let right = format!("Bearer {TOKEN}");
    let (status, _, _) = get(&own, &[]).await;
    assert_eq!(status, 401);
    let (status, _, body) = get(&own, &[("authorization", &right)]).await;
    assert_eq!(status, 200);
    assert!(is_metrics(&body), "{body}");
    // The main listener does not serve them, token or not.
    let (status, _, _) = get(&server.url("/metrics"), &[("authorization", &right)]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_metrics_address_in_use_stops_the_start_with_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut config = signal::Config::new(data.path());
    config.metrics_listen = Some(taken.local_addr().unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = signal::run(listener, config, std::future::pending())
        .await
        .unwrap_err();
    assert!(
        matches!(err, signal::StartError::MetricsListen { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("cannot listen for metrics on 127.0.0.1:"),
        "{err}"
    );
}
