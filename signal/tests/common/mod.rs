//! A real server on a free port, and the real clients that talk to it.
//!
//! Every test starts `signal::run` on 127.0.0.1:0 with its own data folder,
//! signs in over HTTP and speaks WebSocket with tokio-tungstenite. Waiting
//! is always "poll until this frame arrives, or fail after a deadline".

#![allow(dead_code)] // each test file uses a different part of this

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use signal::{Clock, Config};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long any expected frame or state may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(10);

pub const PASSWORD: &str = "correct horse battery";

pub struct TestServer {
    pub addr: SocketAddr,
    /// The `--metrics-listen` address, for servers started with one.
    pub metrics_addr: Option<SocketAddr>,
    pub clock: Clock,
    pub data: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl TestServer {
    /// A server with default settings and technicians "tess" and "tom".
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let data = tempfile::tempdir().unwrap();
        add_technician(data.path(), "tess");
        add_technician(data.path(), "tom");
        let mut config = Config::new(data.path());
        tweak(&mut config);
        Self::start_in(data, config).await
    }

    /// Starts on an existing data folder (restart tests).
    pub async fn start_in(data: tempfile::TempDir, config: Config) -> Self {
        Self::launch(data, config, None).await
    }

    /// A server that serves `/metrics` on a second port of its own
    /// (`--metrics-listen`), found in `metrics_addr`.
    pub async fn start_with_metrics_listener(tweak: impl FnOnce(&mut Config)) -> Self {
        let data = tempfile::tempdir().unwrap();
        add_technician(data.path(), "tess");
        let mut config = Config::new(data.path());
        tweak(&mut config);
        let metrics = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::launch(data, config, Some(metrics)).await
    }

    async fn launch(
        data: tempfile::TempDir,
        mut config: Config,
        metrics_listener: Option<TcpListener>,
    ) -> Self {
        config.data_dir = data.path().to_owned();
        let clock = config.clock.clone();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let metrics_addr = metrics_listener.as_ref().map(|l| l.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            signal::run_with_metrics_listener(listener, metrics_listener, config, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        TestServer {
            addr,
            metrics_addr,
            clock,
            data,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the server (as SIGTERM would) and hands back its data folder.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(DEADLINE, task).await.unwrap().unwrap();
        }
        let placeholder = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.data, placeholder)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// An HTTP client with its own cookie jar.
    pub fn http(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap()
    }

    /// An HTTP client signed in as `username`.
    pub async fn signed_in(&self, username: &str) -> reqwest::Client {
        let client = self.http();
        let res = client
            .post(self.url("/api/login"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "sign-in as {username}");
        client
    }

    /// Issues a PIN as the signed-in client; returns the response body.
    pub async fn new_pin(&self, client: &reqwest::Client, body: Value) -> Value {
        let res = client
            .post(self.url("/api/pins"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        res.json().await.unwrap()
    }

    /// Just the digits of a new PIN without notes.
    pub async fn pin(&self, client: &reqwest::Client) -> String {
        self.new_pin(client, json!({})).await["pin"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The signed-in client's session reports, newest first.
    pub async fn reports(&self, client: &reqwest::Client) -> Value {
        let res = client.get(self.url("/api/sessions")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// Tess's report of session `id`.
    pub async fn tess_report(&self, id: i64) -> Value {
        let reports = self.reports(&self.signed_in("tess").await).await;
        reports
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .expect("the session is in tess's reports")
            .clone()
    }

    /// The `/metrics` text.
    pub async fn metrics(&self, client: &reqwest::Client) -> String {
        self.text(client, "/metrics").await
    }

    /// The body of a GET, as text.
    pub async fn text(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The HTTP status of a GET.
    pub async fn status_of(&self, client: &reqwest::Client, path: &str) -> u16 {
        client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// A customer socket (no cookie).
    pub async fn customer(&self) -> Socket {
        Socket::connect(self.addr, None, None).await
    }

    /// A console socket for `username`: signs in and carries the cookie.
    pub async fn console(&self, username: &str) -> Socket {
        let cookie = login_cookie(self, username).await;
        let mut socket = Socket::connect(self.addr, Some(&cookie), None).await;
        let welcome = socket.next_of("welcome").await;
        assert_eq!(welcome["technician"], username);
        socket
    }

    /// A session `tech` started for `customer`: (console, customer, id).
    pub async fn started_session(&self, tech: &str, customer: &str) -> (Socket, Socket, i64) {
        let client = self.signed_in(tech).await;
        let mut console = self.console(tech).await;
        let pin = self.pin(&client).await;
        let (mut cust, id) = self.joined_customer(&pin, customer).await;
        console.send(json!({"type": "start", "session": id})).await;
        console.next_of("started").await;
        cust.next_of("started").await;
        (console, cust, id)
    }

    /// The value of one `/metrics` sample (`name` with its labels), or 0.
    pub async fn metric(&self, client: &reqwest::Client, sample: &str) -> f64 {
        let text = self.metrics(client).await;
        text.lines()
            .find_map(|line| {
                let (name, value) = line.rsplit_once(' ')?;
                (name == sample).then(|| value.parse().unwrap_or(0.0))
            })
            .unwrap_or(0.0)
    }

    /// Customer joins with `pin` as `name` and expects `joined`.
    pub async fn joined_customer(&self, pin: &str, name: &str) -> (Socket, i64) {
        let mut customer = self.customer().await;
        customer
            .send(json!({"type": "join", "pin": pin, "name": name}))
            .await;
        let joined = customer.next_of("joined").await;
        (customer, joined["session"].as_i64().unwrap())
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn add_technician(dir: &std::path::Path, name: &str) {
    let store = signal::store::Store::open(dir).unwrap();
    let hash = signal::password::hash(PASSWORD).unwrap();
    store
        .add_technician(name, &hash, Clock::system().now())
        .unwrap();
}

/// Signs in over HTTP and returns the `Cookie` header value.
pub async fn login_cookie(server: &TestServer, username: &str) -> String {
    let res = reqwest::Client::new()
        .post(server.url("/api/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    set_cookie.split(';').next().unwrap().to_owned()
}

/// A WebSocket client that reads JSON frames with a deadline.
pub struct Socket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Socket {
    pub async fn connect(addr: SocketAddr, cookie: Option<&str>, origin: Option<&str>) -> Socket {
        Self::try_connect(addr, cookie, origin).await.unwrap()
    }

    pub async fn try_connect(
        addr: SocketAddr,
        cookie: Option<&str>,
        origin: Option<&str>,
    ) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
        let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
        if let Some(cookie) = cookie {
            request
                .headers_mut()
                .insert("cookie", HeaderValue::from_str(cookie).unwrap());
        }
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", HeaderValue::from_str(origin).unwrap());
        }
        let (ws, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(Socket { ws })
    }

    pub async fn from_request(
        request: tokio_tungstenite::tungstenite::handshake::client::Request,
    ) -> Socket {
        let (ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        Socket { ws }
    }

    pub async fn send(&mut self, value: Value) {
        self.send_text(&value.to_string()).await;
    }

    pub async fn send_binary(&mut self, bytes: Vec<u8>) {
        self.ws.send(Message::binary(bytes)).await.unwrap();
    }

    /// Sends unless the connection is already gone.
    pub async fn try_send_text(&mut self, text: &str) -> bool {
        self.ws.send(Message::text(text)).await.is_ok()
    }

    pub async fn send_text(&mut self, text: &str) {
        self.ws.send(Message::text(text)).await.unwrap();
    }

    /// The next JSON frame; fails the test at the deadline or on close.
    pub async fn next(&mut self) -> Value {
        match self.next_or_close().await {
            Ok(v) => v,
            Err(close) => panic!("socket closed while a frame was expected: {close:?}"),
        }
    }

    /// The next JSON frame, or the close frame's (code, reason).
    pub async fn next_or_close(&mut self) -> Result<Value, Option<(u16, String)>> {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let msg = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .expect("no frame before the deadline");
            match msg {
                Some(Ok(Message::Text(text))) => {
                    return Ok(serde_json::from_str(text.as_str()).unwrap());
                }
                Some(Ok(Message::Close(frame))) => {
                    return Err(frame.map(|f| (u16::from(f.code), f.reason.to_string())));
                }
                // tungstenite queues the pong; flushing sends it, as a
                // browser would, so the server's heartbeat sees us alive.
                Some(Ok(Message::Ping(_))) => {
                    let _ = self.ws.flush().await;
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Err(None),
            }
        }
    }

    /// Skips frames until one of type `kind` arrives (queue updates, for
    /// instance, arrive at many points and are not what every test is about).
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.next().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// The next frame, which must be an error; returns its code.
    pub async fn next_error(&mut self) -> Value {
        let frame = self.next().await;
        assert_eq!(frame["type"], "error", "expected an error, got {frame}");
        frame
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }

    /// Sends a Close frame and returns the server's Close reply, if one
    /// came before the connection ended (RFC 6455 §5.5.1 says it must).
    pub async fn close_and_read_reply(mut self) -> Option<Message> {
        self.ws.send(Message::Close(None)).await.ok()?;
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Ok(Some(Ok(msg @ Message::Close(_)))) => return Some(msg),
                Ok(Some(Ok(_))) => continue,
                _ => return None,
            }
        }
    }

    /// A socket whose owner reads nothing: a tiny receive buffer, so what
    /// the server sends piles up on the server's side.
    pub async fn connect_never_reading(addr: SocketAddr) -> Socket {
        let tcp = tokio::net::TcpSocket::new_v4().unwrap();
        tcp.set_recv_buffer_size(4096).unwrap();
        let stream = tcp.connect(addr).await.unwrap();
        let request = format!("ws://{addr}/ws").into_client_request().unwrap();
        let (ws, _) = tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream))
            .await
            .unwrap();
        Socket { ws }
    }
}

/// A WebSocket upgrade request that a trusted proxy says came from `ip`.
pub fn request_from(
    addr: SocketAddr,
    ip: &str,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
    request.headers_mut().insert(
        "x-forwarded-for",
        format!("10.0.0.1, {ip}").parse().unwrap(),
    );
    request
}

/// Proves a started session still works: a relay each way.
pub async fn still_works(console: &mut Socket, customer: &mut Socket, id: i64) {
    console
        .send(json!({"type": "signal", "session": id, "data": "ping"}))
        .await;
    assert_eq!(customer.next_of("signal").await["data"], "ping");
    customer
        .send(json!({"type": "signal", "data": "pong"}))
        .await;
    assert_eq!(console.next_of("signal").await["data"], "pong");
}

/// Polls `check` until it returns `Some`, failing after the deadline.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
