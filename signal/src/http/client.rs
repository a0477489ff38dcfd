//! Filters that describe the caller: its address and its page's origin.

use std::net::IpAddr;
use std::sync::Arc;

use protocol::ErrorCode;
use warp::http::HeaderMap;
use warp::{Filter, Rejection};

use super::Context;
use super::errors::{ApiRejection, reject};
use crate::client_addr::{TrustedProxies, client_ip};
use crate::serve::PeerAddr;

/// The client's IP address (see `client_addr` for proxies).
pub fn ip(ctx: Context) -> impl Filter<Extract = (IpAddr,), Error = Rejection> + Clone {
    let trusted = Arc::new(TrustedProxies::of(ctx.hub.config()));
    warp::ext::optional::<PeerAddr>()
        .and(warp::header::headers_cloned())
        .and_then(move |peer: Option<PeerAddr>, headers: HeaderMap| {
            let ip = client_ip(
                peer.map(|p| p.0),
                forwarded_for(&headers).as_deref(),
                &trusted,
            );
            // Never fails; `Rejection` keeps the filter's type what callers expect.
            async move { Ok::<_, Rejection>(ip) }
        })
}

/// Every `X-Forwarded-For` header, joined with commas in order. A request
/// may carry several (a client's own, then its proxy's), and HTTP says they
/// mean the same as one comma-separated list; reading only the first would
/// read only what the client wrote.
fn forwarded_for(headers: &HeaderMap) -> Option<String> {
    let mut values = headers.get_all("x-forwarded-for").iter().peekable();
    values.peek()?;
    // A value that is not text cannot be read, and an unreadable entry ends
    // the walk in `client_ip` just as it should.
    let joined: Vec<&str> = values.map(|v| v.to_str().unwrap_or("?")).collect();
    Some(joined.join(","))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_forwarded_for_header_counts() {
        let mut headers = HeaderMap::new();
        assert_eq!(forwarded_for(&headers), None);
        headers.append("x-forwarded-for", "6.6.6.6".parse().unwrap());
        assert_eq!(forwarded_for(&headers).as_deref(), Some("6.6.6.6"));
        headers.append("x-forwarded-for", "203.0.113.7, 10.0.0.2".parse().unwrap());
        assert_eq!(
            forwarded_for(&headers).as_deref(),
            Some("6.6.6.6,203.0.113.7, 10.0.0.2")
        );
    }
}
