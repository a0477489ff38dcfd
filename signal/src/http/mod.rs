//! HTTP routes: the JSON API, health and metrics, the WebSocket upgrade
//! and the web app, assembled into one filter.
//!
//! - `auth`: sign-in, sign-out, the signed-in-technician filter.
//! - `pins`: `POST /api/pins`.
//! - `sessions`: reports as JSON and CSV, notes.
//! - `recordings`: starting, uploading, stopping and watching recordings.
//! - `helper`: `GET /helper/<platform>/<token>`, the Lifeline Helper's download.
//! - `ops`: `/healthz`, `/metrics`.
//! - `metrics_access`: who may read `/metrics`; its own listener's routes.
//! - `client`: caller address and origin checks.
//! - `errors`: every rejection as JSON `{code, message}`.
//! - `static_files`: the built app with SPA fallback.

pub mod auth;
mod client;
mod errors;
mod helper;
mod metrics_access;
mod ops;
mod pins;
mod recordings;
mod sessions;
mod static_files;

use std::convert::Infallible;
use std::sync::Arc;

use futures_util::StreamExt;
use protocol::ErrorCode;
use serde::de::DeserializeOwned;
use warp::Buf;
use warp::http::header::{HeaderMap, HeaderValue};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use crate::capacity::Capacity;
use crate::client_addr::AddrKey;
use crate::hub::Hub;
use crate::throttle::FailureThrottle;

pub use client::ip as client_ip;
pub use errors::{ApiRejection, reject};
pub use metrics_access::own_listener as metrics_routes;

/// Largest JSON body accepted by the API.
const MAX_BODY_BYTES: usize = 16 * 1024;

/// What every handler may need; cheap to clone.
#[derive(Clone)]
pub struct Context {
    pub hub: Hub,
    pub recordings: crate::recordings::Recordings,
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// Exact browser origins allowed to use the API and the socket.
    pub(crate) origins: Vec<String>,
    pub(crate) login_by_addr: FailureThrottle<AddrKey>,
    pub(crate) login_by_user: FailureThrottle<String>,
    /// Mark the cookie Secure (the public URL is HTTPS).
    pub(crate) secure_cookies: bool,
    /// Argon2 checks, on their own thread.
    pub(crate) passwords: crate::password::Verifier,
    /// Caps on open WebSockets, server-wide and per address.
    pub(crate) sockets: Capacity,
}

impl Context {
    pub fn new(
        hub: Hub,
        recordings: crate::recordings::Recordings,
        origins: Vec<String>,
        secure_cookies: bool,
        sockets: Capacity,
    ) -> Self {
        let budget = hub.config().login_failures;
        Context {
            hub,
            recordings,
            inner: Arc::new(Inner {
                origins,
                login_by_addr: FailureThrottle::new(budget),
                login_by_user: FailureThrottle::new(budget),
                secure_cookies,
                passwords: crate::password::Verifier::start(),
                sockets,
            }),
        }
    }

    pub fn sockets(&self) -> &Capacity {
        &self.inner.sockets
    }

    /// Lets the password thread end (the server is stopping).
    pub fn stop(&self) {
        self.inner.passwords.stop();
    }

    pub fn origin_allowed(&self, origin: &str) -> bool {
        self.inner
            .origins
            .iter()
            .any(|o| o.eq_ignore_ascii_case(origin))
    }
}

fn with_ctx(ctx: Context) -> impl Filter<Extract = (Context,), Error = Infallible> + Clone {
    warp::any().map(move || ctx.clone())
}

/// The request body, refused past [`MAX_BODY_BYTES`] whether or not a
/// Content-Length was sent (a bodiless `POST` often has none).
fn limited_body() -> impl Filter<Extract = (Vec<u8>,), Error = Rejection> + Clone {
    body_at_most(MAX_BODY_BYTES)
}

/// The request body, refused past `limit` bytes.
fn body_at_most(limit: usize) -> impl Filter<Extract = (Vec<u8>,), Error = Rejection> + Clone {
    warp::body::stream().and_then(move |stream| collect_limited(stream, limit))
}

async fn collect_limited<S, B>(stream: S, limit: usize) -> Result<Vec<u8>, Rejection>
where
    S: futures_util::Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let mut stream = std::pin::pin!(stream);
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let mut chunk =
            chunk.map_err(|_| errors::reject(ApiRejection::new(ErrorCode::BadRequest)))?;
        if body.len() + chunk.remaining() > limit {
            return Err(errors::reject(ApiRejection::saying(
                warp::http::StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::TooLong,
                "The request body is too large.".into(),
            )));
        }
        while chunk.has_remaining() {
            let piece = chunk.chunk();
            let n = piece.len();
            body.extend_from_slice(piece);
            chunk.advance(n);
        }
    }
    Ok(body)
}

fn malformed(e: serde_json::Error) -> Rejection {
    errors::reject(ApiRejection::saying(
        warp::http::StatusCode::BAD_REQUEST,
        ErrorCode::MalformedMessage,
        format!("The request body is not the JSON this endpoint expects: {e}"),
    ))
}

/// A JSON body, where an empty body means "nothing given".
fn json_or_default<T: DeserializeOwned + Send>()
-> impl Filter<Extract = (Option<T>,), Error = Rejection> + Clone {
    limited_body().and_then(|bytes: Vec<u8>| async move {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&bytes).map(Some).map_err(malformed)
    })
}

/// A required JSON body.
fn json_body<T: DeserializeOwned + Send>() -> impl Filter<Extract = (T,), Error = Rejection> + Clone
{
    limited_body()
        .and_then(|bytes: Vec<u8>| async move { serde_json::from_slice(&bytes).map_err(malformed) })
}

/// Headers on every response. `no-referrer` keeps the PIN in `?code=` from
/// leaking to other sites; refusing frames keeps the consent dialog from
/// being overlaid by a hostile page (clickjacking).
fn security_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("frame-ancestors 'none'"),
    );
    h
}

/// Every route, with errors turned into JSON. Paths are matched before
/// methods so that an unknown path is a 404, not a 405.
pub fn routes(ctx: Context) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    let origin = client::trusted_origin(ctx.clone());
    let c = with_ctx(ctx.clone());
    let signed_in = auth::technician(ctx.clone());

    let login = warp::path!("api" / "login")
        .and(warp::post())
        .and(origin.clone())
        .and(c.clone())
        .and(client::ip(ctx.clone()))
        .and(json_body())
        .and_then(auth::login);
    let logout = warp::path!("api" / "logout")
        .and(warp::post())
        .and(origin.clone())
        .and(c.clone())
        .and(warp::cookie::optional::<String>(auth::COOKIE))
        .and_then(auth::logout);
    let me = warp::path!("api" / "me")
        .and(warp::get())
        .and(signed_in.clone())
        .and_then(auth::me);
    let create_pin = warp::path!("api" / "pins")
        .and(warp::post())
        .and(origin.clone())
        .and(c.clone())
        .and(signed_in.clone())
        .and(json_or_default())
        .and_then(pins::create);
    let pin_notes = warp::path!("api" / "pins" / String)
        .and(warp::patch())
        .and(origin.clone())
        .and(c.clone())
        .and(signed_in.clone())
        .and(json_body())
        .and_then(pins::patch_notes);
    let list_sessions = warp::path!("api" / "sessions")
        .and(warp::get())
        .and(c.clone())
        .and(signed_in.clone())
        .and(warp::query())
        .and_then(sessions::list);
    let sessions_csv = warp::path!("api" / "sessions.csv")
        .and(warp::get())
        .and(c.clone())
        .and(signed_in.clone())
        .and(warp::query())
        .and_then(sessions::csv);
    let recordings = recordings::routes(ctx.clone(), origin.clone(), signed_in.clone());
    let patch_notes = warp::path!("api" / "sessions" / i64)
        .and(warp::patch())
        .and(origin)
        .and(c)
        .and(signed_in)
        .and(json_body())
        .and_then(sessions::patch_notes);

    let healthz = warp::path!("healthz").and(warp::get()).map(ops::healthz);
    let helper_download = helper::route(ctx.clone());
    let metrics = metrics_access::on_main_listener(ctx.clone());

    let socket = crate::ws::route(ctx.clone());
    let app = static_files::routes(ctx.hub.config().static_dir.as_deref());

    // Boxing the API half keeps the filter type shallow enough for the
    // compiler's trait solver in release builds.
    let api = login
        .or(logout)
        .unify()
        .or(me)
        .unify()
        .or(create_pin)
        .unify()
        .or(pin_notes)
        .unify()
        .or(sessions_csv)
        .unify()
        .or(list_sessions)
        .unify()
        .or(patch_notes)
        .unify()
        .or(recordings)
        .unify()
        .boxed();

    api.or(healthz)
        .unify()
        .or(helper_download)
        .unify()
        .or(metrics)
        .unify()
        .or(socket)
        .unify()
        .or(app)
        .unify()
        .recover(errors::recover)
        .unify()
        .with(warp::reply::with::headers(security_headers()))
        .map(Reply::into_response)
}
