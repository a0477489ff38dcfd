//! A WebSocket carrying untyped JSON text frames: peerjs-server's protocol
//! (which the protocol crate does not know) and the idle sockets of both
//! servers, which only need to stay open and answer.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::Result;
use crate::socket::{self, Stream};

/// One connected socket, read and written by one task.
pub struct JsonSocket {
    stream: Stream,
}

impl JsonSocket {
    /// Opens `url`, sending `origin` as a browser would (Lifeline checks
    /// it; peerjs-server does not look).
    pub async fn connect(url: &str, origin: Option<&str>) -> Result<JsonSocket> {
        let mut request = url.into_client_request()?;
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", HeaderValue::from_str(origin)?);
        }
        // No Nagle, as browsers do for WebSockets: otherwise a small frame
        // written right after another waits for the peer's delayed ACK (~40 ms).
        let (stream, _) = tokio_tungstenite::connect_async_with_config(request, None, true).await?;
        Ok(JsonSocket { stream })
    }

    pub async fn send(&mut self, value: &Value) -> Result<()> {
        self.stream
            .send(Message::text(serde_json::to_string(value)?))
            .await?;
        Ok(())
    }

    /// The next text frame, parsed, within `within`; control frames are
    /// skipped (pings are answered by the library as we read).
    pub async fn recv(&mut self, within: Duration) -> Result<Value> {
        let next = async {
            loop {
                match self.stream.next().await {
                    None => return Err("the server closed the socket".into()),
                    Some(Err(e)) => return Err(format!("socket error: {e}").into()),
                    Some(Ok(Message::Text(text))) => {
                        return Ok(serde_json::from_str(text.as_str())?);
                    }
                    Some(Ok(Message::Close(frame))) => {
                        return Err(format!("the server closed the socket: {frame:?}").into());
                    }
                    Some(Ok(_)) => continue,
                }
            }
        };
        tokio::time::timeout(within, next)
            .await
            .map_err(|_| format!("no frame from the server within {within:?}"))?
    }

    /// Reads until `pick` accepts a frame; frames it declines are dropped.
    pub async fn recv_until<T>(
        &mut self,
        within: Duration,
        mut pick: impl FnMut(Value) -> Result<Option<T>>,
    ) -> Result<T> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if let Some(found) = pick(self.recv(left).await?)? {
                return Ok(found);
            }
        }
    }

    /// Sends a WebSocket ping and waits for the pong: proof that the server
    /// still serves this socket, for sockets that get no frame of their own
    /// (Lifeline says nothing to a socket until it joins).
    pub async fn ping(&mut self, within: Duration) -> Result<()> {
        self.stream.send(Message::Ping(Vec::new().into())).await?;
        let pong = async {
            loop {
                match self.stream.next().await {
                    Some(Ok(Message::Pong(_))) => return Ok(()),
                    Some(Ok(Message::Close(_))) | None => {
                        return Err("the server closed the socket".into());
                    }
                    Some(Err(e)) => return Err(format!("socket error: {e}").into()),
                    Some(Ok(_)) => continue,
                }
            }
        };
        tokio::time::timeout(within, pong)
            .await
            .map_err(|_| format!("no pong within {within:?}"))?
    }

    /// The closing handshake (see [`socket::close`]).
    pub async fn close(self, within: Duration) -> Result<()> {
        socket::close(self.stream, within).await
    }

    /// The raw stream, for a task that keeps the socket open.
    pub fn into_inner(self) -> Stream {
        self.stream
    }
}
