//! Filters that describe the caller: its address and its page's origin.

use std::net::IpAddr;

use protocol::ErrorCode;
use warp::{Filter, Rejection};

use super::Context;
use super::errors::{ApiRejection, reject};
use crate::client_addr::client_ip;
use crate::serve::PeerAddr;

/// The client's IP address (see `client_addr` for proxies).
pub fn ip(ctx: Context) -> impl Filter<Extract = (IpAddr,), Error = Rejection> + Clone {
    warp::ext::optional::<PeerAddr>()
        .and(warp::header::optional::<String>("x-forwarded-for"))
        .map(move |peer: Option<PeerAddr>, xff: Option<String>| {
            client_ip(
                peer.map(|p| p.0),
                xff.as_deref(),
                ctx.hub.config().trust_proxy_headers,
            )
        })
}

/// Refuses requests from web pages on other origins. Requests without an
/// `Origin` header are not from a browser page and carry no ambient
/// cookies worth protecting, so they pass.
pub fn trusted_origin(ctx: Context) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::header::optional::<String>("origin")
        .and_then(move |origin: Option<String>| {
            let ctx = ctx.clone();
            async move {
                match origin {
                    Some(o) if !ctx.origin_allowed(&o) => {
                        tracing::info!(origin = o, "refused a request from a foreign origin");
                        Err(reject(ApiRejection::new(ErrorCode::ForbiddenOrigin)))
                    }
                    _ => Ok(()),
                }
            }
        })
        .untuple_one()
}
