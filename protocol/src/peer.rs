//! What the two browsers say to each other over the WebRTC data channel.
//! The server never sees these; they are here so both sides share one type.

use serde::{Deserialize, Serialize};

/// Label of the reliable, ordered data channel every session opens.
pub const DATA_CHANNEL_LABEL: &str = "lifeline";

/// One data-channel message (JSON text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PeerMessage {
    /// A chat line. `sent_at_ms` is the sender's clock (Unix milliseconds),
    /// shown as the time the line was written.
    Chat { text: String, sent_at_ms: f64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_round_trips() {
        let msg = PeerMessage::Chat {
            text: "Hello".into(),
            sent_at_ms: 1_700_000_000_000.0,
        };
        let text = serde_json::to_string(&msg).unwrap();
        assert!(text.contains("\"type\":\"chat\""));
        assert_eq!(serde_json::from_str::<PeerMessage>(&text).unwrap(), msg);
    }
}
