//! JSON bodies of the HTTP API under `/api`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorCode;
use crate::ids::{RecordingId, Role, SessionId};
use crate::pin::Pin;
use crate::ws::{ConsentScope, EndReason, SessionStatus};

/// `POST /api/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// `POST /api/login` (200) and `GET /api/me`: who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
}

/// `POST /api/pins`. Both fields are optional; an empty body is fine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinRequest {
    /// Free text that starts the session report's notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// "Create another PIN": the PIN this one replaces. The old PIN then
    /// answers `pin_superseded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
}

/// `POST /api/pins` (201).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinIssued {
    pub pin: Pin,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// The link to send the customer: `<public-url>/?code=<pin>`.
    pub link: String,
}

/// `PATCH /api/sessions/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotesUpdate {
    pub notes: String,
}

/// `PATCH /api/pins/{pin}` (200): where notes typed on the PIN card went.
/// While the PIN is live they wait on it; once a customer has joined with
/// it they are the session's notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinNotesSaved {
    pub notes: String,
    /// The session the PIN started, if a customer has joined with it.
    pub session: Option<SessionId>,
}

/// One row of `GET /api/sessions`: everything the server remembers about a
/// support session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionReport {
    pub id: SessionId,
    pub technician: String,
    pub customer: String,
    /// Last two digits of the PIN; the PIN itself is a secret and is not kept.
    pub pin_suffix: String,
    #[serde(with = "time::serde::rfc3339")]
    pub pin_created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub joined_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub started_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub ended_at: Option<OffsetDateTime>,
    /// From start to end (or from join to end when never started).
    pub duration_secs: Option<i64>,
    pub status: SessionStatus,
    pub end_reason: Option<EndReason>,
    pub notes: String,
    pub consent: Vec<ConsentEvent>,
    /// File transfers in the session, oldest first, as its console reported
    /// them. Absent from older servers' reports.
    #[serde(default)]
    pub transfers: Vec<crate::activity::TransferEntry>,
    /// The session's screen recordings, oldest first. Empty when it was
    /// not recorded (and from servers that do not record).
    #[serde(default)]
    pub recordings: Vec<RecordingSummary>,
    /// When the technician showed their own screen to the customer,
    /// oldest first. Empty when they did not (and from older servers).
    #[serde(default)]
    pub screen_shown: Vec<ScreenShownPeriod>,
    /// When the technician had Control (not View only) of the customer's
    /// computer through the Lifeline Helper, oldest first. Empty when they
    /// never did (and from older servers).
    #[serde(default)]
    pub control_periods: Vec<ControlPeriod>,
}

/// One stretch of time in a session: the technician's screen shown to the
/// customer, or remote control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// `None` while it goes on; a session's end ends it.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub stopped_at: Option<OffsetDateTime>,
}

/// One stretch of the technician showing their screen to the customer.
pub type ScreenShownPeriod = Period;

/// One stretch of remote control: from the helper joining or the
/// technician choosing Control, to View only, the helper leaving or the
/// session's end.
pub type ControlPeriod = Period;

/// `POST /api/sessions/{id}/recordings/{rec}/chat`: one chat line said
/// while the recording ran, kept as a subtitle of the video.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedChatLine {
    /// Milliseconds from the start of the recording.
    pub at_ms: u64,
    /// Who wrote it; the server puts the person's name on the subtitle.
    pub from: Role,
    /// The line as sent, 1 to `MAX_CHAT_CHARS` characters.
    pub text: String,
}

/// One recording of a session, as the report lists it. The video itself is
/// `GET /api/sessions/{session}/recordings/{id}.webm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingSummary {
    pub id: RecordingId,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// When the server finished the file (stopped, the session ended, or
    /// no upload for a while); `None` while it is still being recorded.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    /// Length of the video, known once it is finished.
    pub duration_ms: Option<u64>,
    /// Size of the stored file so far.
    pub bytes: u64,
}

impl RecordingSummary {
    /// True once the file is complete and seekable.
    pub fn is_finished(&self) -> bool {
        self.finished_at.is_some()
    }
}

/// `POST /api/sessions/{id}/recordings` (201): a recording was opened;
/// upload its chunks to `.../recordings/{id}/chunks/{seq}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingStarted {
    pub id: RecordingId,
    /// Most bytes the session's recordings may still take.
    pub bytes_left: u64,
}

/// A consent request, answer or stop, as the report keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub scope: ConsentScope,
    pub event: ConsentEventKind,
}

/// What happened to consent at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentEventKind {
    Requested,
    Allowed,
    Denied,
    TimedOut,
    Stopped,
}

/// Every HTTP error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

impl ApiError {
    /// An error body with the code's default sentence.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: code.message().to_owned(),
            retry_after_secs: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pin_request_accepts_empty_object() {
        let req: PinRequest = serde_json::from_value(json!({})).unwrap();
        assert_eq!(req, PinRequest::default());
        let req: PinRequest =
            serde_json::from_value(json!({"replaces": "123456", "notes": "n"})).unwrap();
        assert_eq!(req.replaces.as_deref(), Some("123456"));
    }

    #[test]
    fn pin_issued_shape() {
        let issued = PinIssued {
            pin: Pin::parse("123456").unwrap(),
            expires_at: time::macros::datetime!(2026-11-22 10:20 UTC),
            link: "https://help.example/?code=123456".into(),
        };
        let value = serde_json::to_value(&issued).unwrap();
        assert_eq!(
            value,
            json!({"pin": "123456", "expires_at": "2026-11-22T10:20:00Z", "link": "https://help.example/?code=123456"})
        );
        assert_eq!(serde_json::from_value::<PinIssued>(value).unwrap(), issued);
    }

    #[test]
    fn report_round_trips() {
        let at = time::macros::datetime!(2026-11-22 10:00 UTC);
        let report = SessionReport {
            id: SessionId(3),
            technician: "tess".into(),
            customer: "Ann".into(),
            pin_suffix: "56".into(),
            pin_created_at: at,
            joined_at: at,
            started_at: Some(at),
            ended_at: None,
            duration_secs: None,
            status: SessionStatus::Active,
            end_reason: None,
            notes: String::new(),
            consent: vec![ConsentEvent {
                at,
                scope: ConsentScope::ScreenView,
                event: ConsentEventKind::Allowed,
            }],
            recordings: vec![RecordingSummary {
                id: RecordingId(2),
                started_at: at,
                finished_at: Some(at),
                duration_ms: Some(61_500),
                bytes: 1_234_567,
            }],
            transfers: vec![],
            screen_shown: vec![ScreenShownPeriod {
                started_at: at,
                stopped_at: None,
            }],
            control_periods: vec![ControlPeriod {
                started_at: at,
                stopped_at: Some(at),
            }],
        };
        let text = serde_json::to_string(&report).unwrap();
        assert_eq!(
            serde_json::from_str::<SessionReport>(&text).unwrap(),
            report
        );
    }

    #[test]
    fn reports_from_older_servers_have_no_recordings() {
        let report: SessionReport = serde_json::from_value(json!({
            "id": 1, "technician": "tess", "customer": "Ann", "pin_suffix": "56",
            "pin_created_at": "2026-11-22T10:00:00Z", "joined_at": "2026-11-22T10:00:00Z",
            "started_at": null, "ended_at": null, "duration_secs": null,
            "status": "waiting", "end_reason": null, "notes": "", "consent": []
        }))
        .unwrap();
        assert!(report.recordings.is_empty());
    }

    #[test]
    fn api_error_shape() {
        assert_eq!(
            serde_json::to_value(ApiError::new(ErrorCode::InvalidCredentials)).unwrap(),
            json!({"code": "invalid_credentials", "message": "Wrong username or password."})
        );
    }
}
