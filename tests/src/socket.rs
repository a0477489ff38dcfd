//! One `/ws` WebSocket speaking JSON frames from the protocol crate.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use protocol::{ClientMessage, ServerMessage};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::Result;

pub type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens `/ws`. `origin` is sent as a browser would (the server checks it
/// against its allow-list); `cookie` makes it a technician's console.
pub async fn connect(ws_url: &str, origin: Option<&str>, cookie: Option<&str>) -> Result<Socket> {
    let mut request = ws_url.into_client_request()?;
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", HeaderValue::from_str(origin)?);
    }
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("cookie", HeaderValue::from_str(cookie)?);
    }
    // No Nagle, as browsers do for WebSockets: otherwise a small frame
    // written right after another waits for the peer's delayed ACK (~40 ms).
    let (stream, _) = tokio_tungstenite::connect_async_with_config(request, None, true).await?;
    Ok(Socket { stream })
}

/// A connected socket, read and written by one task.
pub struct Socket {
    stream: Stream,
}

impl Socket {
    pub async fn send(&mut self, message: &ClientMessage) -> Result<()> {
        self.stream.send(encode(message)?).await?;
        Ok(())
    }

    /// The next protocol frame, within `within`. Pings are answered by the
    /// library while we read, so a socket that is read stays alive.
    pub async fn recv(&mut self, within: Duration) -> Result<ServerMessage> {
        let next = tokio::time::timeout(within, next_frame(&mut self.stream)).await;
        next.map_err(|_| format!("no frame from the server within {within:?}"))?
    }

    /// Reads until `pick` accepts a frame; frames it declines are dropped,
    /// except errors, which end the wait with the server's message.
    pub async fn recv_until<T>(
        &mut self,
        within: Duration,
        mut pick: impl FnMut(ServerMessage) -> Option<T>,
    ) -> Result<T> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let frame = self.recv(left).await?;
            if let ServerMessage::Error { code, message, .. } = &frame {
                return Err(format!("server refused: {message} ({})", code.as_str()).into());
            }
            if let Some(found) = pick(frame) {
                return Ok(found);
            }
        }
    }

    /// Closes politely and waits (up to `within`) for the server's answer,
    /// so the server has finished with the socket when this returns.
    pub async fn close(self, within: Duration) -> Result<()> {
        close(self.stream, within).await
    }

    /// Splits into the raw halves, for a reader task and a writer task.
    pub fn into_inner(self) -> Stream {
        self.stream
    }

    /// Keeps reading (and so answering pings) until the socket closes,
    /// ignoring what arrives: an idle customer that stays connected.
    pub async fn idle(mut self) {
        while let Some(Ok(_)) = self.stream.next().await {}
    }
}

/// The closing handshake: our close frame, then reading until the server's
/// close frame or the end of the stream. Frames still in flight are dropped.
pub async fn close(mut stream: Stream, within: Duration) -> Result<()> {
    let closing = async {
        stream.close(None).await?;
        while let Some(frame) = stream.next().await {
            if matches!(frame, Err(_) | Ok(Message::Close(_))) {
                break;
            }
        }
        Ok::<_, crate::Error>(())
    };
    tokio::time::timeout(within, closing)
        .await
        .map_err(|_| format!("the server did not close the socket within {within:?}"))?
}

/// A protocol frame as a WebSocket text message.
pub fn encode(message: &ClientMessage) -> Result<Message> {
    Ok(Message::text(serde_json::to_string(message)?))
}

/// The next text frame, parsed; control frames are skipped.
pub async fn next_frame(
    stream: &mut (impl StreamExt<Item = tokio_tungstenite::tungstenite::Result<Message>> + Unpin),
) -> Result<ServerMessage> {
    loop {
        match stream.next().await {
            None => return Err("the server closed the socket".into()),
            Some(Err(e)) => return Err(format!("socket error: {e}").into()),
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(text.as_str())?),
            Some(Ok(Message::Close(frame))) => {
                return Err(format!("the server closed the socket: {frame:?}").into());
            }
            Some(Ok(_)) => continue,
        }
    }
}
