//! `--tls-cert`/`--tls-key`: HTTPS from the server itself. The WebSocket
//! upgrade rides on the same connections, so WSS needs nothing more.

mod common;

use common::TestServer;
use serde_json::json;
use signal::config::TlsFiles;

#[tokio::test]
async fn serves_https_with_secure_cookies_and_links() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();

    let server = TestServer::start_with(|c| {
        c.tls = Some(TlsFiles {
            cert: cert_path,
            key: key_path,
        })
    })
    .await;
    let base = format!("https://localhost:{}", server.addr.port());
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .resolve("localhost", server.addr)
        .cookie_store(true)
        .build()
        .unwrap();
    let res = client
        .post(format!("{base}/api/login"))
        .json(&json!({"username": "tess", "password": common::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("; Secure"),
        "cookies are Secure over HTTPS: {cookie}"
    );
    let issued: serde_json::Value = client
        .post(format!("{base}/api/pins"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = issued["link"].as_str().unwrap();
    assert!(link.starts_with("https://"), "{link}");

    // Plain HTTP on the TLS port gets nowhere.
    assert!(reqwest::get(server.url("/healthz")).await.is_err());
}
