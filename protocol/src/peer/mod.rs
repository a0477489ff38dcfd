//! What the two browsers say to each other over WebRTC data channels. The
//! server never sees any of it; it lives here so both sides share one type.
//!
//! One channel per purpose, so a large transfer never delays a chat line
//! and a pointer move never waits behind a lost packet. Each channel is
//! declared once, as a [`Channel`] (label and delivery options), and each
//! message type names its channel through [`ChannelMessage`]:
//!
//! - [`CHAT`] with [`chat::ChatMessage`]: reliable, ordered, JSON text.
//! - [`SCREEN`] with [`screen::ScreenMessage`]: reliable, ordered, JSON
//!   text; the technician showing their own screen, and which stream it is.
//! - [`FILES`] with [`files::FileMessage`]: reliable, ordered; files,
//!   folders and text, JSON text for everything but file data, which goes
//!   in binary [`chunk::Chunk`]s. Senders pace themselves on the
//!   channel's buffered amount; [`offer`] holds the rules an offer keeps.
//! - [`CONTROL`] with [`control::PointerMove`]: unordered and never
//!   retransmitted; pointer moves for remote control, where a late move is
//!   worth less than the next one.
//! - [`INPUT`] with [`input::InputMessage`]: reliable, ordered, JSON text;
//!   clicks, keys, text, monitors and clipboard for remote control.
//!   [`keys`] maps `KeyboardEvent.code` to the USB usages keys travel as.
//!
//! CHAT, SCREEN and FILES join the two browsers. CONTROL and INPUT join
//! the technician's console to the Lifeline Helper on the customer's
//! computer, on a peer connection of their own.
//!
//! The technician's side creates every channel (in-band, announced to the
//! other side); a channel whose label a client does not know is left
//! alone, and a message whose `type` it does not know is ignored.

pub mod chat;
pub mod chunk;
pub mod control;
pub mod files;
pub mod input;
pub mod keys;
pub mod offer;
pub mod screen;

/// A data channel's label and delivery options, as passed to
/// `RTCPeerConnection.createDataChannel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channel {
    /// The label both sides know the channel by.
    pub label: &'static str,
    /// Messages arrive in the order they were sent.
    pub ordered: bool,
    /// `None`: reliable (retransmitted until delivered). `Some(n)`: given
    /// up after `n` retransmissions.
    pub max_retransmits: Option<u16>,
    /// Messages are binary frames (`ArrayBuffer`) rather than text.
    pub binary: bool,
}

/// Chat lines: every one must arrive, in order.
pub const CHAT: Channel = Channel {
    label: "chat",
    ordered: true,
    max_retransmits: None,
    binary: false,
};

/// The technician's screen shown to the customer: which stream it is,
/// when it stops, and the customer closing it. Rare and must all arrive.
pub const SCREEN: Channel = Channel {
    label: "screen",
    ordered: true,
    max_retransmits: None,
    binary: false,
};

/// File transfer: reliable and ordered like chat, but binary, and on its
/// own channel so a large file does not hold chat lines back.
pub const FILES: Channel = Channel {
    label: "files",
    ordered: true,
    max_retransmits: None,
    binary: true,
};

/// Remote control: a pointer move that comes late is stale, so nothing is
/// retransmitted or held back for order.
pub const CONTROL: Channel = Channel {
    label: "control",
    ordered: false,
    max_retransmits: Some(0),
    binary: true,
};

/// Remote control's clicks, keys, text, monitors and clipboard: every one
/// must arrive, in order (a key released before it was pressed sticks).
pub const INPUT: Channel = Channel {
    label: "input",
    ordered: true,
    max_retransmits: None,
    binary: false,
};

/// One message as it travels on a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A text message (UTF-8).
    Text(String),
    /// A binary message.
    Binary(Vec<u8>),
}

/// Why a received frame was not a message of the expected type. The
/// receiver ignores such frames, so a newer peer's messages do no harm.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("a binary frame where text was expected")]
    NotText,
    #[error("a text frame where binary was expected")]
    NotBinary,
    #[error("not a known message: {0}")]
    Json(#[from] serde_json::Error),
    #[error("malformed binary message")]
    Malformed,
}

/// A message type and the channel it travels on.
pub trait ChannelMessage: Sized {
    /// The one channel this type is sent on.
    const CHANNEL: &'static Channel;
    /// The frame to send.
    fn encode(&self) -> Frame;
    /// Reads a received frame.
    fn decode(frame: Frame) -> Result<Self, DecodeError>;
}

/// Encoding for channels that carry JSON text messages.
pub fn encode_json<T: serde::Serialize>(message: &T) -> Frame {
    // Serializing plain data types to a string cannot fail.
    Frame::Text(serde_json::to_string(message).unwrap_or_default())
}

/// Decoding for channels that carry JSON text messages.
pub fn decode_json<T: serde::de::DeserializeOwned>(frame: Frame) -> Result<T, DecodeError> {
    match frame {
        Frame::Text(text) => Ok(serde_json::from_str(&text)?),
        Frame::Binary(_) => Err(DecodeError::NotText),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_has_its_own_label() {
        let labels = [
            CHAT.label,
            SCREEN.label,
            FILES.label,
            CONTROL.label,
            INPUT.label,
        ];
        for (i, label) in labels.iter().enumerate() {
            assert!(!labels[i + 1..].contains(label), "{label} twice");
        }
    }

    #[test]
    fn only_control_may_lose_messages() {
        assert!(CHAT.ordered && CHAT.max_retransmits.is_none());
        assert!(SCREEN.ordered && SCREEN.max_retransmits.is_none());
        assert!(FILES.ordered && FILES.max_retransmits.is_none() && FILES.binary);
        assert!(!CONTROL.ordered && CONTROL.max_retransmits == Some(0));
        assert!(INPUT.ordered && INPUT.max_retransmits.is_none());
    }
}
