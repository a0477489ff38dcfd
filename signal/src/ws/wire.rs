//! Server-to-client WebSocket frames, encoded by hand (RFC 6455 §5.2).
//!
//! Frames the server sends are never masked and never fragmented, so a
//! header is two to ten bytes in front of the payload. Encoding them here
//! lets a frame go straight to the socket from whichever task produced it
//! (see `hub::outbox`), with no WebSocket library state in between.

use tokio_tungstenite::tungstenite::Bytes;

const FIN: u8 = 0x80;
pub const TEXT: u8 = 0x1;
pub const CLOSE: u8 = 0x8;
pub const PING: u8 = 0x9;
pub const PONG: u8 = 0xA;

/// A frame header: the bytes and how many of them are used.
pub struct Header {
    bytes: [u8; 10],
    len: usize,
}

impl Header {
    pub fn new(opcode: u8, payload_len: usize) -> Header {
        let mut bytes = [0u8; 10];
        bytes[0] = FIN | opcode;
        let len = if payload_len < 126 {
            bytes[1] = payload_len as u8;
            2
        } else if let Ok(short) = u16::try_from(payload_len) {
            bytes[1] = 126;
            bytes[2..4].copy_from_slice(&short.to_be_bytes());
            4
        } else {
            bytes[1] = 127;
            bytes[2..10].copy_from_slice(&(payload_len as u64).to_be_bytes());
            10
        };
        Header { bytes, len }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// A whole frame in one buffer.
pub fn frame(opcode: u8, payload: &[u8]) -> Bytes {
    let header = Header::new(opcode, payload.len());
    let mut out = Vec::with_capacity(header.as_bytes().len() + payload.len());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(payload);
    Bytes::from(out)
}

/// A Close frame: with a code and reason, or empty (`None`), which is how
/// a Close that carried no code is answered.
pub fn close(how: Option<(u16, &str)>) -> Bytes {
    match how {
        None => frame(CLOSE, &[]),
        Some((code, reason)) => {
            // Control frames carry at most 125 bytes (§5.5).
            let reason = truncate_utf8(reason, 123);
            let mut payload = Vec::with_capacity(2 + reason.len());
            payload.extend_from_slice(&code.to_be_bytes());
            payload.extend_from_slice(reason.as_bytes());
            frame(CLOSE, &payload)
        }
    }
}

fn truncate_utf8(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_tungstenite::tungstenite::protocol::frame::FrameHeader;

    /// Our headers read back with the WebSocket library's own parser.
    fn parsed(bytes: &[u8]) -> (FrameHeader, u64) {
        let mut cursor = std::io::Cursor::new(bytes);
        FrameHeader::parse(&mut cursor).unwrap().unwrap()
    }

    #[test]
    fn headers_for_every_length_class() {
        for len in [0usize, 1, 125, 126, 127, 65_535, 65_536, 300_000] {
            let header = Header::new(TEXT, len);
            let (h, n) = parsed(header.as_bytes());
            assert_eq!(n, len as u64, "length {len}");
            assert!(h.is_final);
            assert!(h.mask.is_none());
            assert_eq!(u8::from(h.opcode), TEXT);
        }
    }

    #[test]
    fn close_frames_carry_code_and_a_short_reason() {
        let bytes = close(Some((1008, "signed out")));
        assert_eq!(&bytes[..2], &[0x88, 12]);
        assert_eq!(&bytes[2..4], &1008u16.to_be_bytes());
        assert_eq!(&bytes[4..], b"signed out");
        assert_eq!(&close(None)[..], &[0x88, 0]);
        let long = "ø".repeat(100);
        assert!(close(Some((1000, &long))).len() <= 2 + 125);
    }
}
