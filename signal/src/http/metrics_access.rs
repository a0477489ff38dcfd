//! Who may read `/metrics`, on the main listener and on its own
//! (`--metrics-listen`).
//!
//! The numbers are not secrets, but they tell an outsider how busy the desk
//! is, how many PINs are live and whether a guessing attack is being
//! throttled. So:
//! - with `--metrics-listen`, metrics are served only there, and the main
//!   listener answers 404 as for any unknown path;
//! - with `--metrics-token`, whichever listener serves them wants
//!   `Authorization: Bearer TOKEN`, and answers 401 without it;
//! - with neither, the main listener serves them to this machine only: the
//!   TCP peer must be loopback and the request must not have come through
//!   a proxy (no `X-Forwarded-For`, `Forwarded` or `X-Real-IP`), since a
//!   reverse proxy on this machine is a loopback peer too. Everyone else
//!   gets the 404 of an unknown path: nothing to see, nothing to guess at.
//!
//! The peer is the TCP connection's (`serve::PeerAddr`), never a header:
//! headers are what a client chooses to say.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use protocol::ErrorCode;
use protocol::api::ApiError;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use warp::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use warp::http::{HeaderMap, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::{Context, errors, ops};
use crate::config::Config;
use crate::serve::PeerAddr;

/// Headers a reverse proxy adds; their presence means the loopback peer is
/// a proxy relaying someone else.
const PROXY_HEADERS: [&str; 3] = ["x-forwarded-for", "forwarded", "x-real-ip"];

/// What a listener does with a `/metrics` request.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Access {
    /// SHA-256 of the token, when one is required. Comparing digests keeps
    /// the comparison constant-time whatever length the caller sends.
    token: Option<[u8; 32]>,
    /// Who may read without a token.
    without_token: Audience,
}

/// Who may read the metrics when no token is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    /// Nobody here: metrics live on their own listener.
    Nobody,
    /// Only direct connections from this machine.
    ThisMachine,
    /// Whoever can reach this listener (the admin chose its address).
    Anyone,
}

/// The answer to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Allow,
    NotFound,
    Unauthorized,
}

impl Access {
    /// The main listener's rules.
    fn main(config: &Config) -> Self {
        Access {
            token: token_digest(config),
            without_token: if config.metrics_listen.is_some() {
                Audience::Nobody
            } else {
                Audience::ThisMachine
            },
        }
    }

    /// The `--metrics-listen` listener's rules.
    fn own(config: &Config) -> Self {
        Access {
            token: token_digest(config),
            without_token: Audience::Anyone,
        }
    }

    fn judge(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Verdict {
        if self.without_token == Audience::Nobody {
            return Verdict::NotFound;
        }
        if let Some(expected) = &self.token {
            let sent = bearer(headers).map(|t| Sha256::digest(t.as_bytes()));
            return match sent {
                Some(sent) if bool::from(sent.as_slice().ct_eq(expected)) => Verdict::Allow,
                _ => Verdict::Unauthorized,
            };
        }
        match self.without_token {
            Audience::Anyone => Verdict::Allow,
            Audience::ThisMachine => {
                let local = peer.is_some_and(|p| p.ip().to_canonical().is_loopback());
                let proxied = PROXY_HEADERS.iter().any(|h| headers.contains_key(*h));
                if local && !proxied {
                    Verdict::Allow
                } else {
                    Verdict::NotFound
                }
            }
            Audience::Nobody => Verdict::NotFound,
        }
    }
}

fn token_digest(config: &Config) -> Option<[u8; 32]> {
    config
        .metrics_token
        .as_ref()
        .map(|t| Sha256::digest(t.expose().as_bytes()).into())
}

/// The token of `Authorization: Bearer TOKEN` (the scheme in any case).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// `GET /metrics` under `access`.
fn guarded(
    ctx: Context,
    access: Access,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let access = Arc::new(access);
    warp::path!("metrics")
        .and(warp::get())
        .and(warp::ext::optional::<PeerAddr>())
        .and(warp::header::headers_cloned())
        .map(move |peer: Option<PeerAddr>, headers: HeaderMap| {
            match access.judge(peer.map(|p| p.0), &headers) {
                Verdict::Allow => ops::metrics(&ctx),
                Verdict::NotFound => not_found(),
                Verdict::Unauthorized => unauthorized(),
            }
        })
}

/// `/metrics` on the main listener. Refusals are answered here rather than
/// rejected, or the web app's fallback would serve its page in their place.
pub fn on_main_listener(
    ctx: Context,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let config = ctx.hub.config();
    if config.trust_proxy_headers
        && config.metrics_token.is_none()
        && config.metrics_listen.is_none()
    {
        tracing::warn!(
            "/metrics answers loopback requests without proxy headers; if your proxy forwards it without X-Forwarded-For, set --metrics-token or --metrics-listen"
        );
    }
    let access = Access::main(config);
    guarded(ctx, access)
}

/// Everything the `--metrics-listen` listener serves: `/metrics`, and JSON
/// errors for anything else.
pub fn own_listener(
    ctx: Context,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    let access = Access::own(ctx.hub.config());
    guarded(ctx, access).recover(errors::recover).unify()
}

/// The same 404 as any unknown path.
fn not_found() -> Response {
    error_response(StatusCode::NOT_FOUND, ApiError::new(ErrorCode::NotFound))
}

fn unauthorized() -> Response {
    let body = ApiError {
        message: "Reading the metrics needs the server's metrics token, sent as `Authorization: Bearer TOKEN`.".to_owned(),
        ..ApiError::new(ErrorCode::NotSignedIn)
    };
    let mut response = error_response(StatusCode::UNAUTHORIZED, body);
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"metrics\""),
    );
    response
}

fn error_response(status: StatusCode, body: ApiError) -> Response {
    warp::reply::with_status(warp::reply::json(&body), status).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn peer(text: &str) -> Option<SocketAddr> {
        Some(text.parse().unwrap())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn config(token: Option<&str>, own_listener: bool) -> Config {
        let mut config = Config::new("/tmp/x");
        config.metrics_token = token.map(Secret::new);
        config.metrics_listen = own_listener.then(|| "127.0.0.1:9090".parse().unwrap());
        config
    }

    #[test]
    fn without_a_token_only_this_machine_reads_the_main_listener() {
        let access = Access::main(&config(None, false));
        let none = HeaderMap::new();
        for local in [
            "127.0.0.1:1",
            "127.0.0.2:1",
            "[::1]:1",
            "[::ffff:127.0.0.1]:1",
        ] {
            assert_eq!(access.judge(peer(local), &none), Verdict::Allow, "{local}");
        }
        for remote in ["192.0.2.1:1", "10.0.0.1:1", "[2001:db8::1]:1", "0.0.0.0:1"] {
            assert_eq!(
                access.judge(peer(remote), &none),
                Verdict::NotFound,
                "{remote}"
            );
        }
        assert_eq!(access.judge(None, &none), Verdict::NotFound);
        // A header cannot make a remote peer local...
        let claims_local = headers(&[("x-forwarded-for", "127.0.0.1")]);
        assert_eq!(
            access.judge(peer("192.0.2.1:1"), &claims_local),
            Verdict::NotFound
        );
        // ...and a local proxy relaying someone is not this machine.
        for name in PROXY_HEADERS {
            let relayed = headers(&[(name, "for=192.0.2.1")]);
            assert_eq!(
                access.judge(peer("127.0.0.1:1"), &relayed),
                Verdict::NotFound,
                "{name}"
            );
        }
    }

    #[test]
    fn a_token_is_required_from_everyone_once_set() {
        let access = Access::main(&config(Some("s3cret"), false));
        for who in ["127.0.0.1:1", "192.0.2.1:1"] {
            for (auth, verdict) in [
                (None, Verdict::Unauthorized),
                (Some("Bearer s3cret"), Verdict::Allow),
                (Some("bearer   s3cret "), Verdict::Allow),
                (Some("Bearer s3cret2"), Verdict::Unauthorized),
                (Some("Bearer s3cre"), Verdict::Unauthorized),
                (Some("Bearer "), Verdict::Unauthorized),
                (Some("Basic s3cret"), Verdict::Unauthorized),
                (Some("s3cret"), Verdict::Unauthorized),
            ] {
                let map = match auth {
                    Some(a) => headers(&[("authorization", a)]),
                    None => HeaderMap::new(),
                };
                assert_eq!(access.judge(peer(who), &map), verdict, "{who} {auth:?}");
            }
        }
    }

    #[test]
    fn with_its_own_listener_the_main_one_hides_metrics() {
        for token in [None, Some("s3cret")] {
            let main = Access::main(&config(token, true));
            let auth = headers(&[("authorization", "Bearer s3cret")]);
            assert_eq!(main.judge(peer("127.0.0.1:1"), &auth), Verdict::NotFound);
        }
        let own = Access::own(&config(None, true));
        assert_eq!(
            own.judge(peer("192.0.2.1:1"), &HeaderMap::new()),
            Verdict::Allow
        );
        let own = Access::own(&config(Some("s3cret"), true));
        assert_eq!(
            own.judge(peer("127.0.0.1:1"), &HeaderMap::new()),
            Verdict::Unauthorized
        );
    }
}
