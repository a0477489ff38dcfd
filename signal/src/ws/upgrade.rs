//! The WebSocket handshake, done here rather than by warp so that the
//! socket's buffers can be sized (warp 0.4 keeps tungstenite's 128 KiB read
//! buffer per socket, which made an idle socket cost ~140 KiB).
//!
//! [`handshake`] is a filter that checks the upgrade request; the route
//! decides whether to accept it, and [`Handshake::accept`] answers `101`
//! and hands the upgraded connection's reading half to tokio-tungstenite.
//! The writing half is kept apart ([`Sink`]): on plain TCP the server
//! writes frames itself, straight from whichever task produced them.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use protocol::ErrorCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::writer::Sink;
use crate::http::ApiRejection;
use crate::serve::UpgradeSlot;

/// The reading side every `/ws` connection becomes.
pub type Socket = WebSocketStream<ReadOnly>;

/// A connection's reading half, as the WebSocket library sees it. What the
/// library would write on its own (automatic Pong and Close replies) is
/// dropped here: `connection` answers those itself through the outbox, so
/// that every byte to the client goes out in one order.
pub struct ReadOnly(Pin<Box<dyn AsyncRead + Send>>);

impl AsyncRead for ReadOnly {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.0.as_mut().poll_read(cx, buf)
    }
}

impl AsyncWrite for ReadOnly {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Splits an upgraded connection into the reading half and the [`Sink`],
/// with any bytes hyper had already read past the request.
fn split(upgraded: Upgraded) -> (ReadOnly, Vec<u8>, Sink) {
    match upgraded.downcast::<TokioIo<TcpStream>>() {
        Ok(parts) => {
            let (read, write) = parts.io.into_inner().into_split();
            (
                ReadOnly(Box::pin(read)),
                parts.read_buf.to_vec(),
                Sink::Tcp(Arc::new(write)),
            )
        }
        Err(upgraded) => {
            let (read, write) = tokio::io::split(TokioIo::new(upgraded));
            (ReadOnly(Box::pin(read)), Vec::new(), Sink::Stream(write))
        }
    }
}

/// A valid upgrade request, not yet answered.
pub struct Handshake {
    accept_key: String,
    slot: UpgradeSlot,
}

/// Checks the headers of a WebSocket upgrade (RFC 6455 §4.2.1). A plain
/// `GET /ws` is told, in words, that this address is for WebSockets.
pub fn handshake() -> impl Filter<Extract = (Handshake,), Error = Rejection> + Clone {
    warp::get()
        .and(warp::header::optional::<String>("upgrade"))
        .and(warp::header::optional::<String>("connection"))
        .and(warp::header::optional::<String>("sec-websocket-version"))
        .and(warp::header::optional::<String>("sec-websocket-key"))
        .and(warp::ext::optional::<UpgradeSlot>())
        .and_then(
            |upgrade: Option<String>,
             connection: Option<String>,
             version: Option<String>,
             key: Option<String>,
             slot: Option<UpgradeSlot>| async move {
                let is_upgrade = upgrade.is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
                    && connection.is_some_and(|c| {
                        c.split(',')
                            .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
                    });
                let (Some(key), Some(slot), true) = (key, slot, is_upgrade) else {
                    return Err(bad("This address is for WebSocket connections."));
                };
                if version.as_deref() != Some("13") {
                    return Err(bad("Only WebSocket version 13 is supported."));
                }
                Ok(Handshake {
                    accept_key: derive_accept_key(key.trim().as_bytes()),
                    slot,
                })
            },
        )
}

fn bad(message: &str) -> Rejection {
    warp::reject::custom(ApiRejection::saying(
        StatusCode::BAD_REQUEST,
        ErrorCode::BadRequest,
        message.to_owned(),
    ))
}

impl Handshake {
    /// Answers `101 Switching Protocols`; once hyper has handed over the
    /// connection, `run` gets its two halves in a task of its own.
    pub fn accept<F, Fut>(self, config: WebSocketConfig, run: F) -> Response
    where
        F: FnOnce(Socket, Sink) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Some(upgrade) = self.slot.take() else {
            // Only if the request was handed to us twice; say so plainly.
            let refusal = ApiRejection::new(ErrorCode::BadRequest);
            return warp::reply::with_status(warp::reply::json(&refusal.body), refusal.status)
                .into_response();
        };
        tokio::spawn(async move {
            match upgrade.await {
                Ok(upgraded) => {
                    let (read, already_read, sink) = split(upgraded);
                    let socket = WebSocketStream::from_partially_read(
                        read,
                        already_read,
                        Role::Server,
                        Some(config),
                    )
                    .await;
                    run(socket, sink).await;
                }
                Err(e) => tracing::debug!("WebSocket upgrade failed: {e}"),
            }
        });
        let mut response = Response::default();
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        if let Ok(value) = HeaderValue::from_str(&self.accept_key) {
            headers.insert(header::SEC_WEBSOCKET_ACCEPT, value);
        }
        response
    }
}
