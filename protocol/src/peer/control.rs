//! Pointer moves on the [`CONTROL`](super::CONTROL) channel: the console
//! to the Lifeline Helper, binary, unordered, never retransmitted.
//!
//! A move is `[0x01, seq: u32 LE, x: u16 LE, y: u16 LE]` (9 bytes). `x`
//! and `y` are normalised to the monitor being shown: 0 is its left/top
//! edge, 65535 its right/bottom edge, whatever its size in pixels, so a
//! scaled-down video and a HiDPI screen need no agreement on sizes. `seq`
//! grows by one per move; the helper drops a move older than the last one
//! it applied, since the channel may reorder them.

use super::{CONTROL, Channel, ChannelMessage, DecodeError, Frame};

const KIND_MOVE: u8 = 0x01;
const MOVE_LEN: usize = 9;

/// Where the technician's pointer is over the video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointerMove {
    pub seq: u32,
    pub x: u16,
    pub y: u16,
}

impl ChannelMessage for PointerMove {
    const CHANNEL: &'static Channel = &CONTROL;

    fn encode(&self) -> Frame {
        let mut out = Vec::with_capacity(MOVE_LEN);
        out.push(KIND_MOVE);
        out.extend_from_slice(&self.seq.to_le_bytes());
        out.extend_from_slice(&self.x.to_le_bytes());
        out.extend_from_slice(&self.y.to_le_bytes());
        Frame::Binary(out)
    }

    fn decode(frame: Frame) -> Result<Self, DecodeError> {
        let Frame::Binary(bytes) = frame else {
            return Err(DecodeError::NotBinary);
        };
        if bytes.len() != MOVE_LEN || bytes[0] != KIND_MOVE {
            return Err(DecodeError::Malformed);
        }
        let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
        Ok(PointerMove {
            seq: u32::from_le_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]),
            x: u16_at(5),
            y: u16_at(7),
        })
    }
}

/// A coordinate in `0..=size` pixels as the wire's `0..=65535`.
pub fn normalise(pixel: f64, size: f64) -> u16 {
    if size <= 0.0 {
        return 0;
    }
    ((pixel / size).clamp(0.0, 1.0) * 65535.0).round() as u16
}

/// The wire's `0..=65535` as a pixel of a monitor `size` pixels across.
pub fn to_pixel(value: u16, size: u32) -> u32 {
    if size == 0 {
        return 0;
    }
    ((value as u64 * (size as u64 - 1) + 32767) / 65535) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_round_trips_in_nine_bytes() {
        let m = PointerMove {
            seq: 70_000,
            x: 1,
            y: 65535,
        };
        let frame = m.encode();
        assert!(matches!(&frame, Frame::Binary(b) if b.len() == MOVE_LEN));
        assert_eq!(PointerMove::decode(frame).unwrap(), m);
    }

    #[test]
    fn bad_moves_are_refused() {
        assert!(PointerMove::decode(Frame::Text("{}".into())).is_err());
        assert!(PointerMove::decode(Frame::Binary(vec![0x01, 0, 0])).is_err());
        assert!(PointerMove::decode(Frame::Binary(vec![0x02; MOVE_LEN])).is_err());
    }

    #[test]
    fn edges_map_to_edge_pixels() {
        assert_eq!(to_pixel(normalise(0.0, 1280.0), 1280), 0);
        assert_eq!(to_pixel(normalise(1280.0, 1280.0), 1280), 1279);
        assert_eq!(to_pixel(normalise(640.0, 1280.0), 1280), 640);
        // A point on a video shown at half size lands on the same pixel.
        assert_eq!(to_pixel(normalise(300.0, 640.0), 1280), 600);
        assert_eq!(normalise(5.0, 0.0), 0);
    }
}
