//! The WebSocket endpoint `/ws`.
//!
//! - `frames`: reading a text frame into a `ClientMessage`, with a precise
//!   error for everything that is not one.
//! - `connection`: one socket's life: heartbeats, limits, dispatch to the hub.

mod connection;
mod frames;

use std::net::IpAddr;

use protocol::limits::MAX_FRAME_BYTES;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use crate::http::auth::{self, Technician};
use crate::http::{ApiRejection, Context};

/// Frames above our own limit are still read (up to this size) so the
/// client can be told why it is being disconnected; beyond it the
/// WebSocket library drops the connection by itself.
const HARD_FRAME_LIMIT: usize = 16 * MAX_FRAME_BYTES;

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
        .and(warp::ws())
        .and_then(
            |origin: Option<String>,
             ip: IpAddr,
             token: Option<String>,
             ctx: Context,
             ws: warp::ws::Ws| async move {
                if let Some(origin) = &origin
                    && !ctx.origin_allowed(origin)
                {
                    tracing::info!(origin, "refused a WebSocket from a foreign origin");
                    return Err(warp::reject::custom(ApiRejection::new(
                        protocol::ErrorCode::ForbiddenOrigin,
                    )));
                }
                let technician: Option<Technician> =
                    auth::technician_from_token(&ctx, token.as_deref());
                let hub = ctx.hub.clone();
                Ok(ws
                    .max_message_size(HARD_FRAME_LIMIT)
                    .max_frame_size(HARD_FRAME_LIMIT)
                    .on_upgrade(move |socket| connection::run(socket, hub, ip, technician))
                    .into_response())
            },
        )
}
