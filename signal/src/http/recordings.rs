//! Session recordings over HTTP: the console starts a recording, uploads
//! its chunks as MediaRecorder produces them and stops it; the session's
//! technician watches or downloads the finished video.
//!
//! - `POST /api/sessions/{id}/recordings` → 201 `{id, bytes_left}`
//! - `POST /api/sessions/{id}/recordings/{rec}/chunks/{seq}` (the chunk's
//!   bytes as the body) → 200 `{seq, stored, bytes}`
//! - `POST /api/sessions/{id}/recordings/{rec}/stop` → 204
//! - `GET /api/sessions/{id}/recordings/{rec}.webm[?download=1]` → the
//!   video, `video/webm`, with Range requests for seeking.
//! - `POST /api/sessions/{id}/recordings/{rec}/chat` `{at_ms, from, text}`
//!   → 204: a chat line said during the recording.
//! - `GET /api/sessions/{id}/recordings/{rec}.vtt[?download=1]` → those
//!   lines as WebVTT subtitles, `text/vtt`.

use std::collections::HashMap;

use protocol::api::RecordedChatLine;
use protocol::{RecordingId, SessionId};
use warp::http::StatusCode;
use warp::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, HeaderValue};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::auth::Technician;
use super::errors::reject;
use super::{Context, body_at_most, json_body, with_ctx};
use crate::recordings::{Folder, MAX_CHUNK_BYTES, Uploader};

fn uploader(technician: &Technician) -> Uploader<'_> {
    Uploader {
        technician: &technician.username,
        login: &technician.login,
    }
}

/// The recording routes; `origin` guards the ones that change state.
pub fn routes(
    ctx: Context,
    origin: impl Filter<Extract = (), Error = Rejection> + Clone + Send + Sync + 'static,
    signed_in: impl Filter<Extract = (Technician,), Error = Rejection> + Clone + Send + Sync + 'static,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let c = with_ctx(ctx.clone());
    let start = warp::path!("api" / "sessions" / i64 / "recordings")
        .and(warp::post())
        .and(origin.clone())
        .and(c.clone())
        .and(signed_in.clone())
        .and_then(start);
    let chunk = warp::path!("api" / "sessions" / i64 / "recordings" / i64 / "chunks" / u64)
        .and(warp::post())
        .and(origin.clone())
        .and(c.clone())
        .and(signed_in.clone())
        .and(body_at_most(MAX_CHUNK_BYTES))
        .and_then(chunk);
    let stop = warp::path!("api" / "sessions" / i64 / "recordings" / i64 / "stop")
        .and(warp::post())
        .and(origin.clone())
        .and(c.clone())
        .and(signed_in.clone())
        .and_then(stop);
    let chat = warp::path!("api" / "sessions" / i64 / "recordings" / i64 / "chat")
        .and(warp::post())
        .and(origin)
        .and(c.clone())
        .and(signed_in.clone())
        .and(json_body::<RecordedChatLine>())
        .and_then(chat);
    let subtitles = warp::path("api")
        .and(warp::path("sessions"))
        .and(warp::path::param::<i64>())
        .and(warp::path("recordings"))
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and_then(subtitles_name)
        .and(warp::get().or(warp::head()).unify())
        .and(c.clone())
        .and(signed_in.clone())
        .and(warp::query::<HashMap<String, String>>())
        .and_then(subtitles);
    let video = warp::path("api")
        .and(warp::path("sessions"))
        .and(warp::path::param::<i64>())
        .and(warp::path("recordings"))
        .and(warp::path::peek().and_then(video_name))
        .and(warp::get().or(warp::head()).unify())
        .and(c)
        .and(signed_in)
        .and_then(may_watch)
        .untuple_one()
        .and(warp::fs::dir(ctx.recordings.folder().dir().to_owned()))
        .and(warp::query::<HashMap<String, String>>())
        .map(video_reply);
    start
        .or(chunk)
        .unify()
        .or(stop)
        .unify()
        .or(chat)
        .unify()
        .or(subtitles)
        .unify()
        .or(video)
        .unify()
}

async fn start(id: i64, ctx: Context, technician: Technician) -> Result<Response, Rejection> {
    let started = ctx
        .recordings
        .start_recording(uploader(&technician), SessionId(id))
        .await
        .map_err(reject)?;
    Ok(warp::reply::with_status(warp::reply::json(&started), StatusCode::CREATED).into_response())
}

async fn chunk(
    id: i64,
    rec: i64,
    seq: u64,
    ctx: Context,
    technician: Technician,
    body: Vec<u8>,
) -> Result<Response, Rejection> {
    let stored = ctx
        .recordings
        .add_chunk(
            uploader(&technician),
            SessionId(id),
            RecordingId(rec),
            seq,
            body,
        )
        .await
        .map_err(reject)?;
    Ok(warp::reply::json(&stored).into_response())
}

async fn stop(
    id: i64,
    rec: i64,
    ctx: Context,
    technician: Technician,
) -> Result<Response, Rejection> {
    ctx.recordings
        .stop_recording(uploader(&technician), SessionId(id), RecordingId(rec))
        .await
        .map_err(reject)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn chat(
    id: i64,
    rec: i64,
    ctx: Context,
    technician: Technician,
    line: RecordedChatLine,
) -> Result<Response, Rejection> {
    ctx.recordings
        .add_chat_line(uploader(&technician), SessionId(id), RecordingId(rec), line)
        .await
        .map_err(reject)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The recording a subtitles path names (`{rec}.vtt`); anything else is
/// not this route.
async fn subtitles_name(id: i64, name: String) -> Result<(i64, i64), Rejection> {
    name.strip_suffix(".vtt")
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| format!("{n}.vtt") == name)
        .map(|rec| (id, rec))
        .ok_or_else(warp::reject::not_found)
}

async fn subtitles(
    (id, rec): (i64, i64),
    ctx: Context,
    technician: Technician,
    query: HashMap<String, String>,
) -> Result<Response, Rejection> {
    let vtt = ctx
        .recordings
        .subtitles(&technician.username, SessionId(id), RecordingId(rec))
        .await
        .map_err(reject)?;
    let mut response = vtt.into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/vtt; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    if query.contains_key("download") {
        let disposition = format!("attachment; filename=\"lifeline-recording-{rec}.vtt\"");
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}

/// The recording a video path names: only a name the server gave
/// (`{rec}.webm`), never another path. Anything else is not this route
/// (a plain 404, so that the other routes' answers win).
async fn video_name(tail: warp::path::Peek) -> Result<i64, Rejection> {
    tail.as_str()
        .strip_suffix(".webm")
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|&n| Folder::file_name(RecordingId(n)) == tail.as_str())
        .ok_or_else(warp::reject::not_found)
}

/// Lets the file through only for the session's own technician.
async fn may_watch(
    id: i64,
    rec: i64,
    ctx: Context,
    technician: Technician,
) -> Result<(), Rejection> {
    ctx.recordings
        .may_read(&technician.username, SessionId(id), RecordingId(rec))
        .await
        .map_err(reject)
}

fn video_reply(file: warp::fs::File, query: HashMap<String, String>) -> Response {
    let name = file
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut response = file.into_response();
    let headers = response.headers_mut();
    // The customer's screen: no shared cache may keep it.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    if query.contains_key("download") {
        let disposition = format!("attachment; filename=\"lifeline-recording-{name}\"");
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(CONTENT_DISPOSITION, value);
        }
    }
    response
}
