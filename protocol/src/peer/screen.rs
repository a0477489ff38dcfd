//! The screen channel's messages: the technician showing their own screen
//! to the customer. JSON text, one object per message, told apart by `type`.
//!
//! Both sides may send a screen on the one peer connection at once (the
//! customer's to the technician, the technician's to the customer), so the
//! technician names the `MediaStream` it shows: its id is the stream id in
//! the SDP's `a=msid` line, which is what the customer's `track` event
//! reports as `streams[0].id`. The customer shows that stream, and only
//! while it has been announced.

use serde::{Deserialize, Serialize};

use super::{Channel, ChannelMessage, DecodeError, Frame, SCREEN, decode_json, encode_json};

/// Longest stream id accepted; browsers make 36-character UUIDs.
pub const MAX_STREAM_ID_CHARS: usize = 64;

/// One message on the screen channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ScreenMessage {
    /// Technician → customer: `{"type":"showing","stream":"…"}`. The
    /// technician's screen is on its way in the stream with this id.
    Showing { stream: String },
    /// Technician → customer: `{"type":"stopped"}`. No longer shown (Stop
    /// showing, the browser's own stop button, or after `closed`).
    Stopped,
    /// Customer → technician: `{"type":"closed"}`. The customer closed
    /// the technician's screen; the technician's side stops sending it.
    Closed,
}

impl ScreenMessage {
    /// True when a received `showing` names a stream id a browser could
    /// have made; others are ignored like unknown messages.
    pub fn is_sane(&self) -> bool {
        match self {
            ScreenMessage::Showing { stream } => {
                !stream.is_empty() && stream.chars().count() <= MAX_STREAM_ID_CHARS
            }
            ScreenMessage::Stopped | ScreenMessage::Closed => true,
        }
    }
}

impl ChannelMessage for ScreenMessage {
    const CHANNEL: &'static Channel = &SCREEN;

    fn encode(&self) -> Frame {
        encode_json(self)
    }

    fn decode(frame: Frame) -> Result<Self, DecodeError> {
        decode_json(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_the_documented_shape() {
        let cases = [
            (
                ScreenMessage::Showing {
                    stream: "a1b2".into(),
                },
                r#"{"type":"showing","stream":"a1b2"}"#,
            ),
            (ScreenMessage::Stopped, r#"{"type":"stopped"}"#),
            (ScreenMessage::Closed, r#"{"type":"closed"}"#),
        ];
        for (message, text) in cases {
            assert_eq!(message.encode(), Frame::Text(text.into()));
            assert_eq!(
                ScreenMessage::decode(Frame::Text(text.into())).unwrap(),
                message
            );
        }
    }

    #[test]
    fn odd_stream_ids_are_not_sane() {
        let ok = ScreenMessage::Showing {
            stream: "x".repeat(MAX_STREAM_ID_CHARS),
        };
        let long = ScreenMessage::Showing {
            stream: "x".repeat(MAX_STREAM_ID_CHARS + 1),
        };
        let empty = ScreenMessage::Showing {
            stream: String::new(),
        };
        assert!(ok.is_sane() && !long.is_sane() && !empty.is_sane());
        assert!(ScreenMessage::decode(Frame::Text(r#"{"type":"showing"}"#.into())).is_err());
    }
}
