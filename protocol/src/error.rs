//! The error vocabulary. Every error the server sends, over HTTP or the
//! WebSocket, carries one of these codes plus a sentence for a person; clients
//! branch on the code and may show their own translated sentence instead.

use serde::{Deserialize, Serialize};

use crate::pin::PinError;

/// Stable, snake_case error codes. New codes may be added; clients must treat
/// an unknown code as [`ErrorCode::Unknown`] rather than fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The customer pressed Connect without a PIN.
    PinEmpty,
    /// The PIN is not 6 digits.
    PinMalformed,
    /// No such PIN was issued (or it was forgotten long ago).
    PinUnknown,
    /// The PIN was issued but its time ran out before anyone joined.
    PinExpired,
    /// Someone already joined with this PIN; PINs are single use.
    PinUsed,
    /// The technician created another PIN in place of this one.
    PinSuperseded,
    /// Too many failed attempts from this address; see `retry_after_secs`.
    RateLimited,
    /// The customer did not give a name.
    NameRequired,
    /// A text field is longer than its limit.
    TooLong,
    /// Wrong username or password.
    InvalidCredentials,
    /// The action needs a signed-in technician.
    NotSignedIn,
    /// The request came from a web page this server does not trust.
    ForbiddenOrigin,
    /// The session does not exist, or is not this technician's.
    SessionNotFound,
    /// The session exists but its state does not allow this action
    /// (signal before start, start twice, join twice...).
    OutOfOrder,
    /// A WebSocket frame exceeded `MAX_FRAME_BYTES`.
    FrameTooLarge,
    /// The frame or body was not the JSON this endpoint expects.
    MalformedMessage,
    /// The frame's `type` is not one the server knows.
    UnknownType,
    /// The request was well-formed but not acceptable (bad field values).
    BadRequest,
    /// No such page or resource.
    NotFound,
    /// The server failed; nothing the client did caused it.
    Internal,
    /// The server is at one of its capacity limits (open connections,
    /// queued sign-ins); trying again shortly usually works.
    ServerBusy,
    /// This address (IPv6: its /64) already has as many connections open
    /// as one network may have.
    TooManyConnections,
    /// A recording upload would take the session past its recorded-bytes
    /// limit; nothing of it was kept.
    RecordingTooLarge,
    /// The session already has as many recordings as one session may.
    TooManyRecordings,
    /// No helper was offered with this token (mistyped, or from another
    /// server).
    HelperTokenUnknown,
    /// A helper already joined with this token; tokens are single use.
    HelperTokenUsed,
    /// The token's ten minutes ran out, or its session or permission ended.
    HelperTokenExpired,
    /// This server has no helper for the platform asked for.
    HelperNotAvailable,
    /// A code this client version does not know.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The default English sentence for a person, used by the server.
    pub fn message(self) -> &'static str {
        match self {
            ErrorCode::PinEmpty => "Please enter the 6-digit PIN your technician gave you.",
            ErrorCode::PinMalformed => "A PIN is exactly 6 digits, like 123456.",
            ErrorCode::PinUnknown => {
                "That PIN is not valid. Please check the digits or ask your technician for a new one."
            }
            ErrorCode::PinExpired => {
                "That PIN has expired. Please ask your technician for a new one."
            }
            ErrorCode::PinUsed => {
                "That PIN has already been used. Please ask your technician for a new one."
            }
            ErrorCode::PinSuperseded => {
                "That PIN was replaced by a newer one. Please use the latest PIN your technician gave you."
            }
            ErrorCode::RateLimited => "Too many attempts. Please wait a moment and try again.",
            ErrorCode::NameRequired => {
                "Please enter your name so the technician knows who you are."
            }
            ErrorCode::TooLong => "That text is too long.",
            ErrorCode::InvalidCredentials => "Wrong username or password.",
            ErrorCode::NotSignedIn => "Please sign in first.",
            ErrorCode::ForbiddenOrigin => "This page is not allowed to talk to this server.",
            ErrorCode::SessionNotFound => "That support session does not exist or has ended.",
            ErrorCode::OutOfOrder => "That action is not possible at this point of the session.",
            ErrorCode::FrameTooLarge => "The message was too large.",
            ErrorCode::MalformedMessage => "The message could not be read.",
            ErrorCode::UnknownType => "The message type is not known to this server.",
            ErrorCode::BadRequest => "The request was not acceptable.",
            ErrorCode::NotFound => "Not found.",
            ErrorCode::Internal => "Something went wrong on the server. Please try again.",
            ErrorCode::ServerBusy => {
                "The server is very busy right now. Please try again in a minute."
            }
            ErrorCode::TooManyConnections => {
                "Too many Lifeline windows are open from your network. Please close some and try again."
            }
            ErrorCode::RecordingTooLarge => {
                "The recording has reached the size limit for one session; it was stopped."
            }
            ErrorCode::TooManyRecordings => {
                "This session already has as many recordings as one session may have."
            }
            ErrorCode::HelperTokenUnknown => {
                "This Lifeline Helper does not belong to any support session. Download it again from the support page."
            }
            ErrorCode::HelperTokenUsed => {
                "This Lifeline Helper was already used. Ask your technician to request remote control again."
            }
            ErrorCode::HelperTokenExpired => {
                "This Lifeline Helper has expired. Ask your technician to request remote control again."
            }
            ErrorCode::HelperNotAvailable => {
                "The Lifeline Helper is not available for this computer yet."
            }
            ErrorCode::Unknown => "Something went wrong.",
        }
    }

    /// True for the codes a customer gets for the PIN they typed.
    pub fn is_pin_error(self) -> bool {
        matches!(
            self,
            ErrorCode::PinEmpty
                | ErrorCode::PinMalformed
                | ErrorCode::PinUnknown
                | ErrorCode::PinExpired
                | ErrorCode::PinUsed
                | ErrorCode::PinSuperseded
        )
    }

    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::PinEmpty => "pin_empty",
            ErrorCode::PinMalformed => "pin_malformed",
            ErrorCode::PinUnknown => "pin_unknown",
            ErrorCode::PinExpired => "pin_expired",
            ErrorCode::PinUsed => "pin_used",
            ErrorCode::PinSuperseded => "pin_superseded",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::NameRequired => "name_required",
            ErrorCode::TooLong => "too_long",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::NotSignedIn => "not_signed_in",
            ErrorCode::ForbiddenOrigin => "forbidden_origin",
            ErrorCode::SessionNotFound => "session_not_found",
            ErrorCode::OutOfOrder => "out_of_order",
            ErrorCode::FrameTooLarge => "frame_too_large",
            ErrorCode::MalformedMessage => "malformed_message",
            ErrorCode::UnknownType => "unknown_type",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Internal => "internal",
            ErrorCode::ServerBusy => "server_busy",
            ErrorCode::TooManyConnections => "too_many_connections",
            ErrorCode::RecordingTooLarge => "recording_too_large",
            ErrorCode::TooManyRecordings => "too_many_recordings",
            ErrorCode::HelperTokenUnknown => "helper_token_unknown",
            ErrorCode::HelperTokenUsed => "helper_token_used",
            ErrorCode::HelperTokenExpired => "helper_token_expired",
            ErrorCode::HelperNotAvailable => "helper_not_available",
            ErrorCode::Unknown => "unknown",
        }
    }
}

impl From<PinError> for ErrorCode {
    fn from(e: PinError) -> Self {
        match e {
            PinError::Empty => ErrorCode::PinEmpty,
            PinError::Malformed => ErrorCode::PinMalformed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde() {
        for code in [
            ErrorCode::PinEmpty,
            ErrorCode::PinSuperseded,
            ErrorCode::RateLimited,
            ErrorCode::FrameTooLarge,
            ErrorCode::Internal,
            ErrorCode::ServerBusy,
            ErrorCode::TooManyConnections,
            ErrorCode::RecordingTooLarge,
            ErrorCode::TooManyRecordings,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
    }

    #[test]
    fn unknown_codes_do_not_break_old_clients() {
        let code: ErrorCode = serde_json::from_str("\"some_future_code\"").unwrap();
        assert_eq!(code, ErrorCode::Unknown);
    }

    #[test]
    fn pin_errors_map_to_their_codes() {
        assert_eq!(ErrorCode::from(PinError::Empty), ErrorCode::PinEmpty);
        assert_eq!(
            ErrorCode::from(PinError::Malformed),
            ErrorCode::PinMalformed
        );
        assert!(ErrorCode::PinUsed.is_pin_error());
        assert!(!ErrorCode::RateLimited.is_pin_error());
    }
}
