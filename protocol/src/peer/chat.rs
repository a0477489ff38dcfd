//! The chat channel's messages: JSON text, one object per message, told
//! apart by `type`.

use serde::{Deserialize, Deserializer, Serialize};

use super::{CHAT, Channel, ChannelMessage, DecodeError, Frame, decode_json, encode_json};

/// One message on the chat channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatMessage {
    /// A chat line: `{"type":"chat","text":"Hello","sent_at_ms":1763805600000}`.
    /// `text` is 1 to [`MAX_CHAT_CHARS`](crate::limits::MAX_CHAT_CHARS)
    /// characters; `sent_at_ms` is the sender's clock in whole Unix
    /// milliseconds, shown as the time the line was written.
    Chat {
        text: String,
        #[serde(deserialize_with = "whole_ms")]
        sent_at_ms: u64,
    },
}

impl ChannelMessage for ChatMessage {
    const CHANNEL: &'static Channel = &CHAT;

    fn encode(&self) -> Frame {
        encode_json(self)
    }

    fn decode(frame: Frame) -> Result<Self, DecodeError> {
        decode_json(frame)
    }
}

/// Reads a millisecond time. Older consoles sent a float
/// (`1796285024140.0`); it is still read, rounded down.
fn whole_ms<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Millis {
        Whole(u64),
        Float(f64),
    }
    match Millis::deserialize(deserializer)? {
        Millis::Whole(ms) => Ok(ms),
        Millis::Float(ms) if ms.is_finite() && ms >= 0.0 => Ok(ms as u64),
        Millis::Float(_) => Err(serde::de::Error::custom("sent_at_ms out of range")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_goes_as_json_with_whole_milliseconds() {
        let msg = ChatMessage::Chat {
            text: "Hello".into(),
            sent_at_ms: 1_763_805_600_000,
        };
        let Frame::Text(text) = msg.encode() else {
            panic!("chat is text");
        };
        assert_eq!(
            text,
            r#"{"type":"chat","text":"Hello","sent_at_ms":1763805600000}"#
        );
        assert_eq!(ChatMessage::decode(Frame::Text(text)).unwrap(), msg);
    }

    #[test]
    fn older_float_times_are_still_read() {
        let text = r#"{"type":"chat","text":"Hi","sent_at_ms":1796285024140.0}"#;
        let msg = ChatMessage::decode(Frame::Text(text.into())).unwrap();
        assert_eq!(
            msg,
            ChatMessage::Chat {
                text: "Hi".into(),
                sent_at_ms: 1_796_285_024_140
            }
        );
    }

    #[test]
    fn unknown_types_and_binary_frames_are_errors_to_ignore() {
        let unknown = Frame::Text(r#"{"type":"typing"}"#.into());
        assert!(ChatMessage::decode(unknown).is_err());
        assert!(matches!(
            ChatMessage::decode(Frame::Binary(vec![1])),
            Err(DecodeError::NotText)
        ));
    }
}
