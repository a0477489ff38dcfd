//! The HTTP API under `/api`, same origin, so the login cookie travels
//! with every request by itself. Every failure becomes an [`ApiFailure`]
//! the pages can show as a sentence.

use gloo::net::http::{Request, Response};
use protocol::api::{
    ApiError, LoginRequest, Me, NotesUpdate, PinIssued, PinNotesSaved, PinRequest,
    RecordingStarted, SessionReport,
};
use protocol::{ErrorCode, RecordingId, SessionId};
use serde::de::DeserializeOwned;

use crate::state::Problem;

/// Why a request did not succeed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// The server answered with an error body.
    Refused(ApiError),
    /// No answer at all, or one that is not ours (a proxy's error page).
    Unreachable,
}

impl ApiFailure {
    /// What to show the person.
    pub fn problem(&self) -> Problem {
        match self {
            ApiFailure::Refused(e) => Problem::Refused {
                code: e.code,
                retry_after_secs: e.retry_after_secs,
            },
            ApiFailure::Unreachable => Problem::Unreachable,
        }
    }

    /// True when the server no longer knows who we are.
    pub fn is_signed_out(&self) -> bool {
        matches!(self, ApiFailure::Refused(e) if e.code == ErrorCode::NotSignedIn)
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|_| ApiFailure::Unreachable);
    }
    Err(failure(response).await)
}

async fn failure(response: Response) -> ApiFailure {
    match response.json::<ApiError>().await {
        Ok(error) => ApiFailure::Refused(error),
        Err(_) if response.status() == 401 => {
            ApiFailure::Refused(ApiError::new(ErrorCode::NotSignedIn))
        }
        Err(_) if response.status() == 429 => {
            ApiFailure::Refused(ApiError::new(ErrorCode::RateLimited))
        }
        Err(_) => ApiFailure::Unreachable,
    }
}

/// `GET /api/me`: who is signed in, `None` if nobody.
pub async fn me() -> Result<Option<Me>, ApiFailure> {
    let response = Request::get("/api/me")
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    if response.status() == 401 {
        return Ok(None);
    }
    read(response).await.map(Some)
}

/// `POST /api/login`: sets the session cookie.
pub async fn login(username: &str, password: &str) -> Result<Me, ApiFailure> {
    let body = LoginRequest {
        username: username.to_owned(),
        password: password.to_owned(),
    };
    let response = Request::post("/api/login")
        .json(&body)
        .map_err(|_| ApiFailure::Unreachable)?
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    read(response).await
}

/// `POST /api/logout`.
pub async fn logout() -> Result<(), ApiFailure> {
    let response = Request::post("/api/logout")
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    if response.ok() {
        Ok(())
    } else {
        Err(failure(response).await)
    }
}

/// `POST /api/pins`.
pub async fn create_pin(request: &PinRequest) -> Result<PinIssued, ApiFailure> {
    let response = Request::post("/api/pins")
        .json(request)
        .map_err(|_| ApiFailure::Unreachable)?
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    read(response).await
}

/// `PATCH /api/pins/{pin}`: the PIN card's notes, kept on the PIN while it
/// is live and written to its session once a customer joined with it.
pub async fn save_pin_notes(pin: &str, notes: &str) -> Result<PinNotesSaved, ApiFailure> {
    patch_notes(&format!("/api/pins/{pin}"), notes).await
}

/// `GET /api/sessions`, newest first.
pub async fn sessions() -> Result<Vec<SessionReport>, ApiFailure> {
    let response = Request::get("/api/sessions")
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    read(response).await
}

/// `PATCH /api/sessions/{id}`: the report's notes.
pub async fn save_notes(session: SessionId, notes: &str) -> Result<SessionReport, ApiFailure> {
    patch_notes(&format!("/api/sessions/{session}"), notes).await
}

/// `PATCH` of `{"notes": ...}` to `path`: PINs and sessions take the same body.
async fn patch_notes<T: DeserializeOwned>(path: &str, notes: &str) -> Result<T, ApiFailure> {
    let body = NotesUpdate {
        notes: notes.to_owned(),
    };
    let response = Request::patch(path)
        .json(&body)
        .map_err(|_| ApiFailure::Unreachable)?
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    read(response).await
}

/// `POST /api/sessions/{id}/recordings`: a new recording of the session.
pub async fn start_recording(session: SessionId) -> Result<RecordingStarted, ApiFailure> {
    let response = Request::post(&format!("/api/sessions/{session}/recordings"))
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    read(response).await
}

/// `POST .../recordings/{rec}/chunks/{seq}`: one MediaRecorder chunk.
pub async fn upload_chunk(
    session: SessionId,
    recording: RecordingId,
    seq: u64,
    chunk: &web_sys::Blob,
) -> Result<(), ApiFailure> {
    let path = format!("/api/sessions/{session}/recordings/{recording}/chunks/{seq}");
    let response = Request::post(&path)
        .header("content-type", "video/webm")
        .body(chunk.clone())
        .map_err(|_| ApiFailure::Unreachable)?
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    empty(response).await
}

/// `POST .../recordings/{rec}/stop`: the last chunk is in.
pub async fn stop_recording(session: SessionId, recording: RecordingId) -> Result<(), ApiFailure> {
    let path = format!("/api/sessions/{session}/recordings/{recording}/stop");
    let response = Request::post(&path)
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    empty(response).await
}

/// `POST .../recordings/{rec}/chat`: a chat line said during the recording.
pub async fn upload_chat_line(
    session: SessionId,
    recording: RecordingId,
    line: &protocol::api::RecordedChatLine,
) -> Result<(), ApiFailure> {
    let path = format!("/api/sessions/{session}/recordings/{recording}/chat");
    let response = Request::post(&path)
        .json(line)
        .map_err(|_| ApiFailure::Unreachable)?
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    empty(response).await
}

/// Success without a body we need.
async fn empty(response: Response) -> Result<(), ApiFailure> {
    if response.ok() {
        Ok(())
    } else {
        Err(failure(response).await)
    }
}
