//! The state behind both pages, as reducers: an `Action` enum and
//! `impl Reducible` per page, and nothing that touches the browser. Every
//! change the UI shows goes through here, so it is all unit-tested natively.
//!
//! - [`customer`]: the customer page, from the PIN form to the end.
//! - [`console`]: the technician console, split by concern: sign-in, PIN
//!   card, queue, one tab per session, reports.
//! - [`transcript`]: a session's chat and notices, shared by both pages.
//! - [`control`]: the Lifeline Helper's presence, shared by both pages'
//!   remote-control state.
//! - [`transfers`]: files, folders and text sent either way, shared by
//!   both pages.
//! - This file: what else both share: problems to show, the state of the
//!   direct connection, and how a chat line is cleaned up before sending.

pub mod console;
pub mod control;
pub mod customer;
pub mod transcript;
pub mod transfers;

pub use transcript::{Entry, Notice, Speaker, Transcript};

use protocol::ErrorCode;

/// Why something a person asked for did not happen, shown beside the field
/// or button concerned. The i18n module turns it into a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The server (or our own check, which uses the same codes) refused.
    Refused {
        code: ErrorCode,
        /// With `rate_limited`: how long to wait, shown in the sentence.
        retry_after_secs: Option<u64>,
    },
    /// The server could not be reached at all.
    Unreachable,
}

impl Problem {
    pub fn code(code: ErrorCode) -> Self {
        Problem::Refused {
            code,
            retry_after_secs: None,
        }
    }
}

/// The state of the direct (WebRTC) connection, as
/// `RTCPeerConnection.connectionState` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeerStatus {
    /// No connection yet: the session has not started.
    #[default]
    New,
    Connecting,
    Connected,
    /// Lost for a moment; the browser is trying to restore it.
    Disconnected,
    /// Gave up: chat and screen no longer reach the other side.
    Failed,
    Closed,
}

impl PeerStatus {
    /// Reads a `connectionState` value; unknown future values count as
    /// still connecting rather than as a failure.
    pub fn from_state_name(name: &str) -> PeerStatus {
        match name {
            "new" => PeerStatus::New,
            "connected" => PeerStatus::Connected,
            "disconnected" => PeerStatus::Disconnected,
            "failed" => PeerStatus::Failed,
            "closed" => PeerStatus::Closed,
            _ => PeerStatus::Connecting,
        }
    }
}

/// Trims a chat line and caps it at the protocol's limit; `None` when
/// nothing is left to send.
pub fn chat_text(raw: &str) -> Option<String> {
    let text = raw.trim();
    if text.is_empty() {
        return None;
    }
    Some(
        text.chars()
            .take(protocol::limits::MAX_CHAT_CHARS)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_states_by_name() {
        assert_eq!(
            PeerStatus::from_state_name("connected"),
            PeerStatus::Connected
        );
        assert_eq!(PeerStatus::from_state_name("failed"), PeerStatus::Failed);
        assert_eq!(
            PeerStatus::from_state_name("checking"),
            PeerStatus::Connecting
        );
    }

    #[test]
    fn chat_text_is_trimmed_and_capped() {
        assert_eq!(chat_text("  hi \n"), Some("hi".into()));
        assert_eq!(chat_text(" \n "), None);
        let long = "é".repeat(protocol::limits::MAX_CHAT_CHARS + 10);
        assert_eq!(
            chat_text(&long).unwrap().chars().count(),
            protocol::limits::MAX_CHAT_CHARS
        );
    }
}
