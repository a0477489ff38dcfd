//! The few EBML (Matroska/WebM) primitives the recordings need: element
//! IDs, sizes (variable-length integers) and whole elements.
//!
//! A browser's MediaRecorder writes WebM as a stream: the Segment and its
//! Clusters have "unknown" sizes and nothing says how long the video is.
//! Making it seekable means reading those headers and writing a handful of
//! elements; a whole Matroska library would be far more than that.

/// Element IDs used here, with their marker bits as written in the file.
pub mod id {
    pub const EBML: u32 = 0x1A45_DFA3;
    pub const SEGMENT: u32 = 0x1853_8067;
    pub const SEEK_HEAD: u32 = 0x114D_9B74;
    pub const SEEK: u32 = 0x4DBB;
    pub const SEEK_ID: u32 = 0x53AB;
    pub const SEEK_POSITION: u32 = 0x53AC;
    pub const INFO: u32 = 0x1549_A966;
    pub const TIMECODE_SCALE: u32 = 0x2A_D7B1;
    pub const DURATION: u32 = 0x4489;
    pub const TRACKS: u32 = 0x1654_AE6B;
    pub const CLUSTER: u32 = 0x1F43_B675;
    pub const TIMECODE: u32 = 0xE7;
    pub const SIMPLE_BLOCK: u32 = 0xA3;
    pub const BLOCK_GROUP: u32 = 0xA0;
    pub const BLOCK: u32 = 0xA1;
    pub const BLOCK_DURATION: u32 = 0x9B;
    pub const CUES: u32 = 0x1C53_BB6B;
    pub const CUE_POINT: u32 = 0xBB;
    pub const CUE_TIME: u32 = 0xB3;
    pub const CUE_TRACK_POSITIONS: u32 = 0xB7;
    pub const CUE_TRACK: u32 = 0xF7;
    pub const CUE_CLUSTER_POSITION: u32 = 0xF1;
    pub const VOID: u32 = 0xEC;
}

/// An element's header: its ID, its size (`None`: unknown, "until the
/// parent ends or an element of a higher level starts") and how many bytes
/// the header took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub id: u32,
    pub size: Option<u64>,
    pub len: usize,
}

/// Reads an element header at the start of `bytes`; `None` if the bytes
/// end before it does or it is not valid EBML.
pub fn read_header(bytes: &[u8]) -> Option<Header> {
    let (_, id_len) = read_vint(bytes, 4)?;
    let (size, size_len) = read_vint(bytes.get(id_len..)?, 8)?;
    let all_ones = (1u64 << (7 * size_len)) - 1;
    Some(Header {
        // The ID keeps its marker bit: IDs are compared as written.
        id: bytes[..id_len]
            .iter()
            .fold(0, |a, &b| (a << 8) | u32::from(b)),
        size: (size != all_ones).then_some(size),
        len: id_len + size_len,
    })
}

/// A variable-length integer of at most `max_len` bytes, without its
/// length marker, and its length.
fn read_vint(bytes: &[u8], max_len: usize) -> Option<(u64, usize)> {
    let first = *bytes.first()?;
    let len = first.leading_zeros() as usize + 1;
    if len > max_len || bytes.len() < len {
        return None;
    }
    let mut value = u64::from(first) & ((1u64 << (8 - len)) - 1);
    for &b in &bytes[1..len] {
        value = (value << 8) | u64::from(b);
    }
    Some((value, len))
}

/// The bytes of an element ID (IDs carry their own length marker).
pub fn id_bytes(id: u32) -> Vec<u8> {
    let bytes = id.to_be_bytes();
    let skip = (id.leading_zeros() / 8) as usize;
    bytes[skip.min(3)..].to_vec()
}

/// `value` as a size of exactly `width` bytes (1..=8).
pub fn size_bytes(value: u64, width: usize) -> Vec<u8> {
    debug_assert!((1..=8).contains(&width) && value < (1u64 << (7 * width)) - 1);
    let marked = value | (1u64 << (7 * width));
    marked.to_be_bytes()[8 - width..].to_vec()
}

/// The shortest width that holds `value` as a known size.
fn size_width(value: u64) -> usize {
    (1..=8)
        .find(|&w| value < (1u64 << (7 * w)) - 1)
        .unwrap_or(8)
}

/// A whole element: ID, shortest size, payload.
pub fn element(id: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = id_bytes(id);
    out.extend(size_bytes(
        payload.len() as u64,
        size_width(payload.len() as u64),
    ));
    out.extend_from_slice(payload);
    out
}

/// An unsigned integer element, in as few bytes as it needs.
pub fn uint_element(id: u32, value: u64) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let skip = ((value.leading_zeros() / 8) as usize).min(7);
    element(id, &bytes[skip..])
}

/// A Void element of exactly `total` bytes (at least 2), the filler that
/// reserves room to be overwritten later.
pub fn void(total: usize) -> Vec<u8> {
    debug_assert!((2..=127).contains(&total));
    let mut out = vec![id::VOID as u8, 0x80 | (total - 2) as u8];
    out.resize(total, 0);
    out
}

/// The big-endian unsigned value of an integer element's payload.
pub fn read_uint(payload: &[u8]) -> u64 {
    payload
        .iter()
        .take(8)
        .fold(0, |a, &b| (a << 8) | u64::from(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_read_back() {
        let cluster = [
            0x1F, 0x43, 0xB6, 0x75, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ];
        assert_eq!(
            read_header(&cluster),
            Some(Header {
                id: id::CLUSTER,
                size: None,
                len: 12
            })
        );
        let timecode = [0xE7, 0x81, 0x00];
        assert_eq!(
            read_header(&timecode),
            Some(Header {
                id: id::TIMECODE,
                size: Some(1),
                len: 2
            })
        );
        assert_eq!(read_header(&[0x1F, 0x43]), None, "cut short");
        assert_eq!(read_header(&[0x00, 0x81]), None, "no marker bit");
    }

    #[test]
    fn elements_round_trip() {
        for value in [0u64, 1, 126, 127, 300, 1 << 20, 1 << 40] {
            let e = uint_element(id::CUE_CLUSTER_POSITION, value);
            let h = read_header(&e).unwrap();
            assert_eq!(h.id, id::CUE_CLUSTER_POSITION);
            assert_eq!(h.size, Some((e.len() - h.len) as u64));
            assert_eq!(read_uint(&e[h.len..]), value);
        }
        assert_eq!(id_bytes(id::SEGMENT), vec![0x18, 0x53, 0x80, 0x67]);
        assert_eq!(id_bytes(id::DURATION), vec![0x44, 0x89]);
        assert_eq!(size_bytes(5, 8), vec![1, 0, 0, 0, 0, 0, 0, 5]);
        let v = void(11);
        assert_eq!(v.len(), 11);
        assert_eq!(
            read_header(&v),
            Some(Header {
                id: id::VOID,
                size: Some(9),
                len: 2
            })
        );
    }
}
