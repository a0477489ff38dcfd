//! `--tls-cert`/`--tls-key`: HTTPS from the server itself. The WebSocket
//! upgrade rides on the same connections, so WSS needs nothing more.

mod common;

use common::TestServer;
use serde_json::json;
use signal::config::TlsFiles;

/// A server on HTTPS with a fresh self-signed certificate for `localhost`.
struct HttpsServer {
    server: TestServer,
    cert: rcgen::CertifiedKey<rcgen::KeyPair>,
    _files: tempfile::TempDir,
}

impl HttpsServer {
    async fn start() -> HttpsServer {
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let files = tempfile::tempdir().unwrap();
        let (cert_path, key_path) = (files.path().join("cert.pem"), files.path().join("key.pem"));
        std::fs::write(&cert_path, cert.cert.pem()).unwrap();
        std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
        let server = TestServer::start_with(|c| {
            c.tls = Some(TlsFiles {
                cert: cert_path,
                key: key_path,
            })
        })
        .await;
        HttpsServer {
            server,
            cert,
            _files: files,
        }
    }

    fn base(&self) -> String {
        format!("https://localhost:{}", self.server.addr.port())
    }

    /// A client that trusts the certificate and finds `localhost` here.
    fn client(&self) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .add_root_certificate(
                reqwest::Certificate::from_pem(self.cert.cert.pem().as_bytes()).unwrap(),
            )
            .resolve("localhost", self.server.addr)
    }
}

#[tokio::test]
async fn serves_https_with_secure_cookies_and_links() {
    let https = HttpsServer::start().await;
    let (server, base) = (&https.server, https.base());
    let client = https.client().cookie_store(true).build().unwrap();
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

/// A whole session over WSS: on TLS the server cannot write to the TCP
/// socket directly, so every frame takes the writer task's path.
#[tokio::test]
async fn a_session_runs_over_wss() {
    use futures_util::{SinkExt, StreamExt};
    use std::sync::Arc;
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let https = HttpsServer::start().await;
    let (server, base, cert) = (&https.server, https.base(), &https.cert);
    let http = https.client().build().unwrap();
    let res = http
        .post(format!("{base}/api/login"))
        .json(&json!({"username": "tess", "password": common::PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let issued: serde_json::Value = http
        .post(format!("{base}/api/pins"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pin = issued["pin"].as_str().unwrap().to_owned();

    let mut roots = RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let tls = Arc::new(
        ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    let connect = |cookie: Option<String>| {
        let tls = tls.clone();
        let addr = server.addr;
        async move {
            let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
            let name = "localhost".try_into().unwrap();
            let stream = tokio_rustls::TlsConnector::from(tls)
                .connect(name, tcp)
                .await
                .unwrap();
            let mut request = format!("wss://localhost:{}/ws", addr.port())
                .into_client_request()
                .unwrap();
            if let Some(cookie) = cookie {
                request
                    .headers_mut()
                    .insert("cookie", cookie.parse().unwrap());
            }
            tokio_tungstenite::client_async(request, stream)
                .await
                .unwrap()
                .0
        }
    };
    async fn next_of<S>(
        ws: &mut tokio_tungstenite::WebSocketStream<S>,
        kind: &str,
    ) -> serde_json::Value
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    {
        loop {
            let msg = tokio::time::timeout(common::DEADLINE, ws.next())
                .await
                .expect("a frame before the deadline")
                .expect("the socket is open")
                .unwrap();
            if let Message::Text(text) = msg {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                if v["type"] == kind {
                    return v;
                }
            }
        }
    }

    let mut console = connect(Some(cookie)).await;
    next_of(&mut console, "welcome").await;
    let mut customer = connect(None).await;
    let join = json!({"type": "join", "pin": pin, "name": "Ola"});
    customer
        .send(Message::text(join.to_string()))
        .await
        .unwrap();
    let id = next_of(&mut customer, "joined").await["session"].clone();
    console
        .send(Message::text(
            json!({"type": "start", "session": id}).to_string(),
        ))
        .await
        .unwrap();
    next_of(&mut customer, "started").await;
    let signal = json!({"type": "signal", "data": {"sdp": "offer"}});
    customer
        .send(Message::text(signal.to_string()))
        .await
        .unwrap();
    let relayed = next_of(&mut console, "signal").await;
    assert_eq!(relayed["data"]["sdp"], "offer");

    // Pings are answered, and a Close gets its reply, over TLS too.
    customer.send(Message::Ping("hi".into())).await.unwrap();
    let pong = loop {
        match tokio::time::timeout(common::DEADLINE, customer.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Pong(data))) => break data,
            Some(Ok(_)) => continue,
            other => panic!("no pong: {other:?}"),
        }
    };
    assert_eq!(&pong[..], b"hi");
    customer.send(Message::Close(None)).await.unwrap();
    let reply = loop {
        match tokio::time::timeout(common::DEADLINE, customer.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("no Close reply: {other:?}"),
        }
    };
    assert!(
        reply.is_none(),
        "an empty Close is answered with an empty one"
    );
    next_of(&mut console, "ended").await;
}
