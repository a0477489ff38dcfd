//! The `files` channel's messages: files, folders and text, either way.
//!
//! Everything but file data is one JSON text frame per message, told apart
//! by `type`; file data goes in binary [`Chunk`] frames. A transfer goes:
//!
//! 1. the sender: `offer` (then `offer_more` while the list is long);
//! 2. the receiver: `accept` or `decline` — nothing is sent before `accept`;
//! 3. the sender, for each file in the offer's order: its chunks in
//!    order, then `file_done` with the file's SHA-256;
//! 4. the receiver checks each file as it ends and, after the last,
//!    answers `complete`, or `error` at the first problem.
//!
//! Either side may send `cancel` at any time; chunks already on their way
//! are dropped by the receiver. Transfer ids are chosen by the offering
//! side — odd on the technician's side, even on the customer's — so an id
//! names one transfer of the session whichever way it goes.

use serde::{Deserialize, Serialize};

use super::chunk::Chunk;
use super::{Channel, ChannelMessage, DecodeError, FILES, Frame, decode_json, encode_json};

/// One message on the `files` channel.
#[derive(Debug, Clone, PartialEq)]
pub enum FileMessage {
    /// Everything but file data, as JSON text.
    Control(FileControl),
    /// File data, binary.
    Chunk(Chunk),
}

/// The JSON messages of the `files` channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FileControl {
    /// Sender: here is what I would send. `count` files of `total_bytes`
    /// in all; `files` lists the first of them (the rest follow in
    /// `offer_more` so no frame grows past what a channel carries).
    /// `folder`: the folder's name when a whole folder is offered (paths
    /// then start below it).
    Offer {
        id: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        folder: Option<String>,
        count: u32,
        total_bytes: u64,
        files: Vec<OfferedFile>,
    },
    /// Sender: the next entries of a long offer's list.
    OfferMore { id: u32, files: Vec<OfferedFile> },
    /// Receiver: send it.
    Accept { id: u32 },
    /// Receiver: no, thanks. The transfer is over.
    Decline { id: u32 },
    /// Either side: stop now. The transfer is over; nothing partial is kept.
    Cancel { id: u32 },
    /// Sender: every chunk of file `file` has been sent; `sha256` is the
    /// hash of its bytes, 64 lowercase hex digits.
    FileDone { id: u32, file: u32, sha256: String },
    /// Receiver: every file arrived whole and matched its hash.
    Complete { id: u32 },
    /// Either side: the transfer failed for `reason`; it is over.
    /// `file` names the file concerned, when one is.
    Error {
        id: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<u32>,
        reason: TransferProblem,
    },
    /// A piece of text for the other side to copy (Send text).
    Text { text: String, sent_at_ms: u64 },
}

/// One file of an offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedFile {
    /// The file's name, or its path below the offered folder, with `/`
    /// between segments (see [`super::offer::check_path`]).
    pub path: String,
    /// Its length in bytes.
    pub size: u64,
}

/// Why a transfer failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferProblem {
    /// The offer broke a rule: a bad path, counts that do not add up.
    BadOffer,
    /// The offer had more files than [`crate::limits::MAX_OFFER_FILES`].
    TooManyFiles,
    /// A file's bytes did not match its `sha256`: it is not kept.
    HashMismatch,
    /// A file's bytes were more or fewer than offered, or out of order.
    SizeMismatch,
    /// A chunk for a transfer that was not accepted.
    UnexpectedChunk,
    /// The sender could not read a file (moved, deleted, unreadable).
    ReadFailed,
    /// The receiver could not keep what arrived.
    SaveFailed,
    /// Any other reason; kept when a newer peer sends one we do not know.
    #[serde(other)]
    Other,
}

impl ChannelMessage for FileMessage {
    const CHANNEL: &'static Channel = &FILES;

    fn encode(&self) -> Frame {
        match self {
            FileMessage::Control(control) => encode_json(control),
            FileMessage::Chunk(c) => Frame::Binary(Chunk::frame(c.id, c.file, c.offset, &c.data)),
        }
    }

    fn decode(frame: Frame) -> Result<Self, DecodeError> {
        match frame {
            Frame::Binary(bytes) => Ok(FileMessage::Chunk(Chunk::parse(bytes)?)),
            text => Ok(FileMessage::Control(decode_json(text)?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(control: FileControl) -> serde_json::Value {
        let message = FileMessage::Control(control);
        let Frame::Text(text) = message.encode() else {
            panic!("control messages are text");
        };
        assert_eq!(
            FileMessage::decode(Frame::Text(text.clone())).unwrap(),
            message
        );
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn an_offer_has_the_documented_shape() {
        let value = round_trip(FileControl::Offer {
            id: 3,
            folder: Some("photos".into()),
            count: 2,
            total_bytes: 15,
            files: vec![OfferedFile {
                path: "2024/a.jpg".into(),
                size: 10,
            }],
        });
        assert_eq!(
            value,
            json!({"type": "offer", "id": 3, "folder": "photos", "count": 2, "total_bytes": 15,
                   "files": [{"path": "2024/a.jpg", "size": 10}]})
        );
    }

    #[test]
    fn every_control_message_round_trips() {
        round_trip(FileControl::OfferMore {
            id: 3,
            files: vec![OfferedFile {
                path: "b".into(),
                size: 5,
            }],
        });
        round_trip(FileControl::Accept { id: 3 });
        round_trip(FileControl::Decline { id: 3 });
        round_trip(FileControl::Cancel { id: 3 });
        let done = round_trip(FileControl::FileDone {
            id: 3,
            file: 1,
            sha256: "ab".repeat(32),
        });
        assert_eq!(done["type"], "file_done");
        round_trip(FileControl::Complete { id: 3 });
        let error = round_trip(FileControl::Error {
            id: 3,
            file: Some(0),
            reason: TransferProblem::HashMismatch,
        });
        assert_eq!(error["reason"], "hash_mismatch");
        round_trip(FileControl::Text {
            text: "C:\\Users".into(),
            sent_at_ms: 1_763_805_600_000,
        });
    }

    #[test]
    fn chunks_are_binary_and_unknown_things_are_errors_to_ignore() {
        let chunk = FileMessage::Chunk(Chunk {
            id: 1,
            file: 0,
            offset: 0,
            data: vec![9; 3],
        });
        let frame = chunk.encode();
        assert!(matches!(frame, Frame::Binary(_)));
        assert_eq!(FileMessage::decode(frame).unwrap(), chunk);
        assert!(FileMessage::decode(Frame::Text(r#"{"type":"resume","id":1}"#.into())).is_err());
        assert!(FileMessage::decode(Frame::Text("not json".into())).is_err());
        // A reason from a newer peer is still an error the receiver shows.
        let newer = r#"{"type":"error","id":1,"reason":"disk_on_fire"}"#;
        assert_eq!(
            FileMessage::decode(Frame::Text(newer.into())).unwrap(),
            FileMessage::Control(FileControl::Error {
                id: 1,
                file: None,
                reason: TransferProblem::Other
            })
        );
    }
}
