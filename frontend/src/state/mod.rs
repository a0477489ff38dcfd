//! The state behind both pages, as reducers: an `Action` enum and
//! `impl Reducible` per page, and nothing that touches the browser. Every
//! change the UI shows goes through here, so it is all unit-tested natively.
//!
//! - [`customer`]: the customer page, from the PIN form to the end.
//! - [`console`]: the technician console: sign-in, PIN card, queue, tabs.
//! - This file: what both share: the chat transcript and the state of the
//!   direct connection.

pub mod console;
pub mod customer;

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

/// Who wrote a chat line, from this browser's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    Me,
    Peer,
}

/// Something that happened in a session, shown in order in the transcript.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A chat line. `at_ms` is the writer's clock (Unix ms).
    Chat {
        from: Speaker,
        text: String,
        at_ms: f64,
    },
    /// A line the app writes about consent and sharing, so both people
    /// always see what is being shared and since when.
    Notice { event: Notice, at_ms: f64 },
}

/// The session events the transcript records besides chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The customer allowed screen view.
    Allowed,
    /// The customer said no.
    Denied,
    /// Nobody answered in time.
    TimedOut,
    /// Sharing stopped after it was allowed.
    Stopped,
    /// The customer allowed, but the browser could not start capture.
    ShareFailed,
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
