//! `GET /helper/<platform>/<token>`: the Lifeline Helper's download.
//!
//! The file goes out as it is on disk, followed by its trailer
//! (`protocol::helper::Trailer`): the token, and the origin this request
//! came to, so the helper finds its way back to this very server without
//! the customer typing anything. The token is in the path only because a
//! browser download cannot carry it otherwise; nothing here logs paths.

use std::net::SocketAddr;

use futures_util::stream;
use protocol::ErrorCode;
use protocol::helper::Trailer;
use tokio::io::AsyncReadExt;
use warp::http::HeaderValue;
use warp::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::Context;
use super::errors::{ApiRejection, reject};
use crate::client_addr::{AddrKey, TrustedProxies};
use crate::serve::PeerAddr;

/// Bytes read from the file at a time.
const CHUNK: usize = 64 * 1024;

pub fn route(ctx: Context) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let with_ctx = super::with_ctx(ctx.clone());
    warp::path!("helper" / String / String)
        .and(warp::get())
        .and(with_ctx)
        .and(super::client_ip(ctx))
        .and(warp::ext::optional::<PeerAddr>())
        .and(warp::header::optional::<String>("host"))
        .and(warp::header::optional::<String>("x-forwarded-proto"))
        .and_then(download)
}

async fn download(
    platform: String,
    token: String,
    ctx: Context,
    ip: std::net::IpAddr,
    peer: Option<PeerAddr>,
    host: Option<String>,
    forwarded_proto: Option<String>,
) -> Result<Response, Rejection> {
    let found = ctx.hub.helper_file(&platform).map_err(reject)?;
    let file = tokio::fs::File::open(&found.file)
        .await
        .map_err(|_| not_available())?;
    let size = file
        .metadata()
        .await
        .ok()
        .filter(|m| m.is_file())
        .ok_or_else(not_available)?
        .len();
    ctx.hub
        .check_helper_token(AddrKey::of(ip), &token)
        .map_err(reject)?;
    let server = origin(
        &ctx,
        peer.map(|p| p.0),
        host.as_deref(),
        forwarded_proto.as_deref(),
    )?;
    let trailer = Trailer { server, token }.to_bytes();
    let total = size + trailer.len() as u64;
    // Exactly `size` bytes of the file, then the trailer: the length is
    // known up front, so the browser can show progress, and a file that
    // shrinks meanwhile breaks the download rather than the trailer.
    let body = stream::unfold(
        (Some(file), size, Some(trailer)),
        |(file, left, trailer)| async move {
            match file {
                Some(mut f) if left > 0 => {
                    let mut buf = vec![0u8; CHUNK.min(usize::try_from(left).unwrap_or(CHUNK))];
                    match f.read(&mut buf).await {
                        Ok(0) => Some((Err(truncated()), (None, 0, None))),
                        Ok(n) => {
                            buf.truncate(n);
                            Some((Ok(buf), (Some(f), left - n as u64, trailer)))
                        }
                        Err(e) => Some((Err(e), (None, 0, None))),
                    }
                }
                _ => trailer.map(|t| (Ok(t), (None, 0, None))),
            }
        },
    );
    let mut response = warp::reply::stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"lifeline-helper\""),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(total));
    tracing::info!(platform = found.platform, "helper downloaded");
    Ok(response)
}

/// `http(s)://<Host>`: where the customer's browser reached this server,
/// which is where the helper must connect. HTTPS when this server speaks
/// TLS itself, or when a trusted proxy (`--trust-proxy-headers`) says the
/// browser used it (`X-Forwarded-Proto`; the last value is the nearest
/// proxy's).
fn origin(
    ctx: &Context,
    peer: Option<SocketAddr>,
    host: Option<&str>,
    forwarded_proto: Option<&str>,
) -> Result<String, Rejection> {
    let config = ctx.hub.config();
    let host = host.filter(|h| is_host(h)).ok_or_else(|| {
        reject(ApiRejection::saying(
            warp::http::StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            "The request has no usable Host header.".into(),
        ))
    })?;
    let proxy_says_https = || {
        let from_proxy = peer.is_some_and(|p| TrustedProxies::of(config).contains(p.ip()));
        from_proxy
            && forwarded_proto
                .and_then(|v| v.rsplit(',').next())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
    };
    let scheme = if config.tls.is_some() || proxy_says_https() {
        "https"
    } else {
        "http"
    };
    Ok(format!("{scheme}://{host}"))
}

/// A host name or address with an optional port, and nothing else: it goes
/// into a program the customer runs.
fn is_host(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 255
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

fn not_available() -> Rejection {
    reject(ApiRejection::new(ErrorCode::HelperNotAvailable))
}

fn truncated() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "the helper file got shorter while it was sent",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_hosts_make_an_origin() {
        for good in [
            "support.example.org",
            "127.0.0.1:8080",
            "[::1]:443",
            "a-b.c",
        ] {
            assert!(is_host(good), "{good}");
        }
        for bad in [
            "",
            "evil.org/path",
            "a b",
            "x\"y",
            "user@host",
            &"a".repeat(256),
        ] {
            assert!(!is_host(bad), "{bad:?}");
        }
    }
}
