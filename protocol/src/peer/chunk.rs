//! A file's bytes on the `files` channel: a binary frame with a 17-byte
//! header. Binary because a chunk is almost all data, and JSON (base64)
//! would cost a third more bytes and a pass over each of them.
//!
//! | bytes | field |
//! | --- | --- |
//! | 0 | kind: `1` (a chunk; other values are reserved and ignored) |
//! | 1–4 | transfer id, u32 big-endian |
//! | 5–8 | file index in the offer, u32 big-endian |
//! | 9–16 | offset of the first data byte in the file, u64 big-endian |
//! | 17– | data, at most [`CHUNK_DATA_BYTES`] |

use super::DecodeError;
use crate::limits::MAX_FILE_FRAME_BYTES;

/// The kind byte of a chunk frame.
pub const CHUNK_KIND: u8 = 1;

/// Bytes before a chunk's data.
pub const CHUNK_HEADER_BYTES: usize = 17;

/// Most data bytes in one chunk: the frame stays within
/// [`MAX_FILE_FRAME_BYTES`].
pub const CHUNK_DATA_BYTES: usize = MAX_FILE_FRAME_BYTES - CHUNK_HEADER_BYTES;

/// One piece of one file of one transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The transfer, as its offer numbered it.
    pub id: u32,
    /// The file's index in the offer's list (from 0).
    pub file: u32,
    /// Where `data` starts in the file.
    pub offset: u64,
    pub data: Vec<u8>,
}

impl Chunk {
    /// The frame for a chunk of `data`, written in one allocation.
    pub fn frame(id: u32, file: u32, offset: u64, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(CHUNK_HEADER_BYTES + data.len());
        out.push(CHUNK_KIND);
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&file.to_be_bytes());
        out.extend_from_slice(&offset.to_be_bytes());
        out.extend_from_slice(data);
        out
    }

    /// Reads a chunk frame. Frames of another kind, too short or too long
    /// are [`DecodeError::Malformed`].
    pub fn parse(mut bytes: Vec<u8>) -> Result<Chunk, DecodeError> {
        if bytes.len() < CHUNK_HEADER_BYTES
            || bytes.len() > MAX_FILE_FRAME_BYTES
            || bytes[0] != CHUNK_KIND
        {
            return Err(DecodeError::Malformed);
        }
        let u32_at =
            |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let id = u32_at(1);
        let file = u32_at(5);
        let mut offset = [0u8; 8];
        offset.copy_from_slice(&bytes[9..17]);
        // The data moves down in place: no second buffer per chunk.
        bytes.drain(..CHUNK_HEADER_BYTES);
        Ok(Chunk {
            id,
            file,
            offset: u64::from_be_bytes(offset),
            data: bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_round_trips_with_its_header() {
        let frame = Chunk::frame(7, 2, 1 << 33, b"hello");
        assert_eq!(frame.len(), CHUNK_HEADER_BYTES + 5);
        assert_eq!(&frame[..5], &[1, 0, 0, 0, 7]);
        let chunk = Chunk::parse(frame).unwrap();
        assert_eq!(
            chunk,
            Chunk {
                id: 7,
                file: 2,
                offset: 1 << 33,
                data: b"hello".to_vec()
            }
        );
    }

    #[test]
    fn short_long_and_unknown_frames_are_malformed() {
        assert!(Chunk::parse(vec![1; 10]).is_err());
        assert!(Chunk::parse(vec![1; MAX_FILE_FRAME_BYTES + 1]).is_err());
        let mut other = Chunk::frame(1, 0, 0, b"x");
        other[0] = 2;
        assert!(Chunk::parse(other).is_err());
        // A full chunk is fine, and so is an empty one.
        assert!(Chunk::parse(Chunk::frame(1, 0, 0, &[0; CHUNK_DATA_BYTES])).is_ok());
        assert!(Chunk::parse(Chunk::frame(1, 0, 0, &[])).is_ok());
    }
}
