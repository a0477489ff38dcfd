//! The start of a stored recording: the browser's WebM header, rewritten
//! once when the first chunk arrives so that finishing the file later only
//! overwrites bytes in place and appends, never moves the video.
//!
//! The browser writes `EBML, Segment(unknown size) { Info, Tracks,
//! Cluster... }`. Stored, it becomes `EBML, Segment(8-byte size, still
//! unknown) { Void (room for a SeekHead), Info { ..., Void (room for
//! Duration) }, Tracks, Cluster... }`.

use super::ebml::{self, Header, id};

/// Bytes kept at the top of the Segment for the SeekHead (three entries).
pub const SEEK_HEAD_ROOM: usize = 96;
/// Bytes kept inside Info for Duration: a 2-byte ID, a 1-byte size and an
/// 8-byte float.
pub const DURATION_ROOM: usize = 11;
/// The Segment's size field, 8 bytes wide so any size fits in place.
const UNKNOWN_SIZE_8: [u8; 8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
/// A first chunk whose header is longer than this is not a recording.
const MAX_HEAD: usize = 64 * 1024;

/// Why a first chunk cannot start a recording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the first chunk is not the start of a WebM recording: {0}")]
pub struct NotWebm(pub &'static str);

/// Where things are in a stored recording, absolute file offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// The Segment's 8-byte size field.
    pub segment_size_at: u64,
    /// First byte of the Segment's payload: SeekHead positions count from here.
    pub segment_data_at: u64,
    /// The Void reserved for the SeekHead.
    pub seek_head_at: u64,
    pub info_at: u64,
    /// The Void reserved for Duration, inside Info.
    pub duration_at: u64,
    /// Ticks of Info's TimecodeScale, in nanoseconds.
    pub timecode_scale: u64,
    pub tracks_at: u64,
    /// The first Cluster.
    pub clusters_at: u64,
}

/// Rewrites the browser's first chunk for storage (see the module doc).
pub fn prepare(first: &[u8]) -> Result<Vec<u8>, NotWebm> {
    let ebml = header_at(first, 0).filter(|h| h.id == id::EBML && h.size.is_some());
    let ebml = ebml.ok_or(NotWebm("no EBML header"))?;
    let ebml_end = ebml.len + ebml.size.unwrap_or(0) as usize;
    let segment = header_at(first, ebml_end).filter(|h| h.id == id::SEGMENT);
    let segment = segment.ok_or(NotWebm("no Segment"))?;
    let mut out = first.get(..ebml_end).ok_or(NotWebm("cut short"))?.to_vec();
    out.extend(ebml::id_bytes(id::SEGMENT));
    out.extend(UNKNOWN_SIZE_8);
    out.extend(ebml::void(SEEK_HEAD_ROOM));
    let mut at = ebml_end + segment.len;
    let mut seen_info = false;
    loop {
        let child = header_at(first, at).ok_or(NotWebm("header cut short"))?;
        if child.id == id::CLUSTER {
            break;
        }
        let size = child
            .size
            .ok_or(NotWebm("header element of unknown size"))? as usize;
        let end = at + child.len + size;
        let payload = first.get(at + child.len..end).ok_or(NotWebm("cut short"))?;
        match child.id {
            id::INFO => {
                out.extend(info_with_room(payload)?);
                seen_info = true;
            }
            // Our own reservations replace any the browser made.
            id::SEEK_HEAD | id::VOID => {}
            _ => out.extend_from_slice(&first[at..end]),
        }
        at = end;
        if at > MAX_HEAD {
            return Err(NotWebm("no Cluster in the first 64 KiB"));
        }
    }
    if !seen_info {
        return Err(NotWebm("no Info"));
    }
    out.extend_from_slice(&first[at..]);
    Ok(out)
}

/// Info's children without any Duration, then the room for one.
fn info_with_room(payload: &[u8]) -> Result<Vec<u8>, NotWebm> {
    let mut children = Vec::with_capacity(payload.len() + DURATION_ROOM);
    for (child, bytes) in children_of(payload)? {
        if child.id != id::DURATION && child.id != id::VOID {
            children.extend_from_slice(bytes);
        }
    }
    children.extend(ebml::void(DURATION_ROOM));
    Ok(ebml::element(id::INFO, &children))
}

/// The complete child elements of a payload, with their bytes.
fn children_of(payload: &[u8]) -> Result<Vec<(Header, &[u8])>, NotWebm> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < payload.len() {
        let h = header_at(payload, at).ok_or(NotWebm("bad child element"))?;
        let end = at + h.len + h.size.ok_or(NotWebm("child of unknown size"))? as usize;
        out.push((h, payload.get(at..end).ok_or(NotWebm("child cut short"))?));
        at = end;
    }
    Ok(out)
}

fn header_at(bytes: &[u8], at: usize) -> Option<Header> {
    ebml::read_header(bytes.get(at..)?)
}

impl Layout {
    /// Reads the layout [`prepare`] wrote, from the first bytes of a stored
    /// recording (finished or not).
    pub fn read(head: &[u8]) -> Result<Layout, NotWebm> {
        let ebml = header_at(head, 0).filter(|h| h.id == id::EBML);
        let ebml = ebml.ok_or(NotWebm("no EBML header"))?;
        let segment_at = ebml.len + ebml.size.unwrap_or(0) as usize;
        let segment = header_at(head, segment_at).filter(|h| h.id == id::SEGMENT && h.len == 12);
        let segment = segment.ok_or(NotWebm("not a stored recording"))?;
        let segment_data_at = segment_at + segment.len;
        let mut layout = Layout {
            segment_size_at: (segment_at + 4) as u64,
            segment_data_at: segment_data_at as u64,
            seek_head_at: segment_data_at as u64,
            info_at: 0,
            duration_at: 0,
            timecode_scale: 1_000_000,
            tracks_at: 0,
            clusters_at: 0,
        };
        let mut at = segment_data_at + SEEK_HEAD_ROOM;
        loop {
            let child = header_at(head, at).ok_or(NotWebm("header cut short"))?;
            match child.id {
                id::CLUSTER => break,
                id::INFO => {
                    layout.info_at = at as u64;
                    let start = at + child.len;
                    let payload = head
                        .get(start..start + child.size.unwrap_or(0) as usize)
                        .ok_or(NotWebm("Info cut short"))?;
                    let mut offset = start;
                    for (h, bytes) in children_of(payload)? {
                        match h.id {
                            id::VOID | id::DURATION if bytes.len() == DURATION_ROOM => {
                                layout.duration_at = offset as u64;
                            }
                            id::TIMECODE_SCALE => {
                                layout.timecode_scale = ebml::read_uint(&bytes[h.len..]).max(1);
                            }
                            _ => {}
                        }
                        offset += bytes.len();
                    }
                }
                id::TRACKS => layout.tracks_at = at as u64,
                _ => {}
            }
            at += child.len + child.size.ok_or(NotWebm("unknown size"))? as usize;
        }
        layout.clusters_at = at as u64;
        if layout.duration_at == 0 || layout.tracks_at == 0 {
            return Err(NotWebm("not a stored recording"));
        }
        Ok(layout)
    }
}

/// How many bytes of a stored recording [`Layout::read`] may need.
pub const LAYOUT_BYTES: usize = MAX_HEAD + SEEK_HEAD_ROOM + DURATION_ROOM + 64;
