//! The WebSocket to the Lifeline server: connect (wss with Mozilla's
//! roots built in, since a customer's machine may have no CA bundle), and
//! JSON frames both ways.

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use protocol::ws::{ClientMessage, ServerMessage};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use crate::Error;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What reading the socket gave.
pub enum Received {
    Frame(ServerMessage),
    /// A frame we could not read (a newer server): ignored.
    Unknown,
    /// Closed, or failed: the server is gone.
    Closed,
}

fn tls() -> Result<Connector, Error> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Connector::Rustls(Arc::new(config)))
}

/// Connects to `url` (`ws://` or `wss://`). No Origin header: the server
/// tells a helper from a browser by it.
pub async fn connect(url: &str) -> Result<Socket, Error> {
    let (socket, _) =
        tokio_tungstenite::connect_async_tls_with_config(url, None, false, Some(tls()?)).await?;
    Ok(socket)
}

pub async fn send(socket: &mut Socket, message: &ClientMessage) -> Result<(), Error> {
    let text = serde_json::to_string(message)?;
    socket.send(Message::text(text)).await?;
    Ok(())
}

/// The next frame. Pings are answered by tungstenite as it reads.
pub async fn receive(socket: &mut Socket) -> Received {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => {
                return match serde_json::from_str(&text) {
                    Ok(frame) => Received::Frame(frame),
                    Err(_) => Received::Unknown,
                };
            }
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Received::Closed,
            Some(Ok(_)) => {}
        }
    }
}
