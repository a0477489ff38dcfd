//! The WebSocket endpoint `/ws`.
//!
//! - `upgrade`: the handshake, with buffers sized for many idle sockets.
//! - `frames`: reading a text frame into a `ClientMessage`, with a precise
//!   error for everything that is not one.
//! - `connection`: one socket's life: heartbeats, limits, the join
//!   deadline.
//! - `dispatch`: what each side's frames do: relays, a helper's join,
//!   messages for the hub.
//! - `writer`: the socket's writing half, in its own task.
//! - `wire`: server frames encoded for writing straight to the socket.

mod connection;
mod dispatch;
mod frames;
mod upgrade;
pub mod wire;
mod writer;

use std::net::IpAddr;

use protocol::ErrorCode;
use protocol::limits::MAX_FRAME_BYTES;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use warp::reply::Response;
use warp::{Filter, Rejection};

use crate::capacity::Full;
use crate::client_addr::AddrKey;
use crate::http::auth::{self, Technician};
use crate::http::{ApiRejection, Context};
use crate::hub::Refusal;
use crate::serve::ConnectionPermit;

/// Frames above our own limit are still read (up to this size) so the
/// client can be told why it is being disconnected; beyond it the
/// WebSocket library refuses the frame and the socket is closed with 1009.
const HARD_FRAME_LIMIT: usize = 2 * MAX_FRAME_BYTES;

/// Bytes read from the network at a time. Signalling frames are a few KiB,
/// and the buffer is allocated for every open socket, idle or not: the
/// library's default (128 KiB) was nearly all of an idle socket's cost.
const READ_BUFFER: usize = 2 * 1024;

/// How long a refused client should wait before trying again.
const BUSY_RETRY_SECS: u64 = 30;

fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        // The library only reads: frames are written by `hub::outbox` and
        // `writer`, so it never needs a write buffer.
        .write_buffer_size(0)
        .max_message_size(Some(HARD_FRAME_LIMIT))
        .max_frame_size(Some(HARD_FRAME_LIMIT))
}

/// `GET /ws` (upgrade). A valid login cookie makes it a console socket;
/// otherwise it is a customer socket until it joins.
pub fn route(ctx: Context) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let ctx_filter = {
        let ctx = ctx.clone();
        warp::any().map(move || ctx.clone())
    };
    warp::path("ws")
        .and(warp::path::end())
        .and(warp::header::optional::<String>("origin"))
        .and(crate::http::client_ip(ctx.clone()))
        .and(warp::cookie::optional::<String>(auth::COOKIE))
        .and(ctx_filter)
        .and(warp::ext::optional::<ConnectionPermit>())
        .and(upgrade::handshake())
        .and_then(
            |origin: Option<String>,
             ip: IpAddr,
             token: Option<String>,
             ctx: Context,
             connection: Option<ConnectionPermit>,
             handshake: upgrade::Handshake| async move {
                if let Some(origin) = &origin
                    && !ctx.origin_allowed(origin)
                {
                    tracing::info!(origin, "refused a WebSocket from a foreign origin");
                    return Err(warp::reject::custom(ApiRejection::new(
                        ErrorCode::ForbiddenOrigin,
                    )));
                }
                let permit = match ctx.sockets().admit(Some(AddrKey::of(ip))) {
                    Ok(permit) => permit,
                    Err(full) => {
                        ctx.hub.metrics().connection_refused(full, "websocket");
                        tracing::info!(%ip, ?full, "refused a WebSocket: at capacity");
                        return Err(crate::http::reject(refusal_for(full)));
                    }
                };
                let technician: Option<Technician> =
                    auth::technician_from_token(&ctx, token.as_deref())
                        .await
                        .map_err(crate::http::reject)?;
                let hub = ctx.hub.clone();
                Ok(handshake.accept(socket_config(), move |socket, sink| {
                    connection::run(socket, sink, hub, ip, technician, (permit, connection))
                }))
            },
        )
}

fn refusal_for(full: Full) -> Refusal {
    match full {
        Full::Server => Refusal::new(ErrorCode::ServerBusy)
            .saying(
                "The server has as many connections as it can take. Please try again in a minute.",
            )
            .with_retry_after(BUSY_RETRY_SECS),
        Full::Address => {
            Refusal::new(ErrorCode::TooManyConnections).with_retry_after(BUSY_RETRY_SECS)
        }
    }
}
