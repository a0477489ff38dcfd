//! `POST /api/pins`: "New PIN" and "Create another PIN".

use protocol::api::{NotesUpdate, PinRequest};
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Rejection, Reply};

use super::Context;
use super::auth::Technician;
use super::errors::reject;

pub async fn create(
    ctx: Context,
    technician: Technician,
    body: Option<PinRequest>,
) -> Result<Response, Rejection> {
    let issued = ctx
        .hub
        .issue_pin(&technician.username, body.unwrap_or_default())
        .await
        .map_err(reject)?;
    Ok(warp::reply::with_status(warp::reply::json(&issued), StatusCode::CREATED).into_response())
}

/// `PATCH /api/pins/{pin}`: notes typed on the PIN card after "New PIN".
pub async fn patch_notes(
    pin: String,
    ctx: Context,
    technician: Technician,
    body: NotesUpdate,
) -> Result<Response, Rejection> {
    let saved = ctx
        .hub
        .update_pin_notes(&technician.username, &pin, &body.notes)
        .await
        .map_err(reject)?;
    Ok(warp::reply::json(&saved).into_response())
}
