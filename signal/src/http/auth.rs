//! Signing technicians in and out, and the filter that requires it.
//!
//! The cookie holds 32 random bytes; the database holds their SHA-256, so a
//! leaked database does not sign anyone in. The cookie is HttpOnly (no page
//! script can read it) and SameSite=Strict (no other site can make the
//! browser send it), and Secure whenever the server is reached over HTTPS.

use std::net::IpAddr;

use protocol::ErrorCode;
use protocol::api::{LoginRequest, Me};
use protocol::limits::MAX_CREDENTIAL_BYTES;
use rand::RngCore;
use sha2::{Digest, Sha256};
use warp::http::StatusCode;
use warp::http::header::SET_COOKIE;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::Context;
use super::errors::{ApiRejection, reject};
use crate::client_addr::AddrKey;
use crate::hub::Refusal;
use crate::password::{Busy, Lane};

/// Name of the login cookie.
pub const COOKIE: &str = "lifeline_session";

/// A signed-in technician, as handlers see them.
#[derive(Debug, Clone)]
pub struct Technician {
    pub username: String,
    /// SHA-256 of the cookie token: identifies this login.
    pub login: String,
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Resolves a cookie token to a technician, refreshing the idle timer.
/// `Ok(None)`: no cookie, or not a valid login.
pub async fn technician_from_token(
    ctx: &Context,
    token: Option<&str>,
) -> Result<Option<Technician>, Refusal> {
    let Some(token) = token else {
        return Ok(None);
    };
    let login = token_hash(token);
    let config = ctx.hub.config();
    let now = config.clock.now();
    let idle = config.idle_logout.as_secs() as i64;
    let key = login.clone();
    let found = ctx
        .hub
        .db()
        .call(move |store| store.use_login(&key, now, idle))
        .await?;
    Ok(found.map(|s| Technician {
        username: s.username,
        login,
    }))
}

/// Requires a signed-in technician.
pub fn technician(ctx: Context) -> impl Filter<Extract = (Technician,), Error = Rejection> + Clone {
    warp::cookie::optional::<String>(COOKIE).and_then(move |token: Option<String>| {
        let ctx = ctx.clone();
        async move {
            technician_from_token(&ctx, token.as_deref())
                .await
                .map_err(reject)?
                .ok_or_else(|| reject(ApiRejection::new(ErrorCode::NotSignedIn)))
        }
    })
}

/// How long a caller turned away by a full verifier queue should wait.
const BUSY_RETRY_SECS: u64 = 2;

/// `POST /api/login`
///
/// The attempt is charged to the address's and the username's budgets
/// before the password is checked and refunded if it was right, so parallel
/// attempts can never exceed the budget.
pub async fn login(ctx: Context, ip: IpAddr, body: LoginRequest) -> Result<Response, Rejection> {
    if body.username.len() > MAX_CREDENTIAL_BYTES || body.password.len() > MAX_CREDENTIAL_BYTES {
        return Err(reject(ApiRejection::new(ErrorCode::InvalidCredentials)));
    }
    let addr = AddrKey::of(ip);
    let user = body.username.trim().to_owned();
    let (by_addr, by_user) = (&ctx.inner.login_by_addr, &ctx.inner.login_by_user);
    let lane = if by_addr.failed_recently(&addr) || by_user.failed_recently(&user) {
        Lane::Suspect
    } else {
        Lane::Clean
    };
    if let Err(retry) = by_addr.charge(&addr) {
        return Err(reject(Refusal::retry_after(
            ErrorCode::RateLimited,
            retry.secs(),
        )));
    }
    if let Err(retry) = by_user.charge(&user) {
        by_addr.refund(&addr);
        return Err(reject(Refusal::retry_after(
            ErrorCode::RateLimited,
            retry.secs(),
        )));
    }
    let refund = || {
        by_addr.refund(&addr);
        by_user.refund(&user);
    };
    let name = user.clone();
    let stored = match ctx
        .hub
        .db()
        .call(move |store| store.password_hash(&name))
        .await
    {
        Ok(stored) => stored,
        Err(e) => {
            refund();
            return Err(reject(Refusal::from(e)));
        }
    };
    let verdict = ctx
        .inner
        .passwords
        .verify(body.password, stored, lane)
        .await;
    let ok = match verdict {
        Ok(ok) => ok,
        Err(Busy) => {
            refund();
            ctx.hub.metrics().login_busy.inc();
            tracing::warn!(%ip, "sign-in refused: too many sign-ins waiting to be checked");
            return Err(reject(
                Refusal::new(ErrorCode::ServerBusy)
                    .saying("Too many sign-ins at once. Please try again in a few seconds.")
                    .with_retry_after(BUSY_RETRY_SECS),
            ));
        }
    };
    if !ok {
        ctx.hub.metrics().login_failures.inc();
        tracing::info!(username = user, %ip, "sign-in refused");
        return Err(reject(ApiRejection::new(ErrorCode::InvalidCredentials)));
    }
    refund();
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = hex::encode(raw);
    let now = ctx.hub.config().clock.now();
    let (hash, name) = (token_hash(&token), user.clone());
    ctx.hub
        .db()
        .call(move |store| store.create_login(&hash, &name, now))
        .await
        .map_err(|e| reject(Refusal::from(e)))?;
    tracing::info!(username = user, %ip, "signed in");
    let mut response = warp::reply::json(&Me { username: user }).into_response();
    let cookie = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}",
        if ctx.inner.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    );
    if let Ok(value) = cookie.parse() {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    Ok(response)
}

/// `POST /api/logout`: forgets the login and closes its consoles.
pub async fn logout(ctx: Context, token: Option<String>) -> Result<Response, Rejection> {
    if let Some(token) = token {
        let login = token_hash(&token);
        let key = login.clone();
        ctx.hub
            .db()
            .call(move |store| store.delete_login(&key))
            .await
            .map_err(|e| reject(Refusal::from(e)))?;
        ctx.hub.close_consoles_of_login(&login);
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let expired = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    if let Ok(value) = expired.parse() {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    Ok(response)
}

/// `GET /api/me`
pub async fn me(technician: Technician) -> Result<Response, Rejection> {
    Ok(warp::reply::json(&Me {
        username: technician.username,
    })
    .into_response())
}
