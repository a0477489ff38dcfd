//! Finishing a stored recording: what MediaRecorder leaves out, written in
//! place so that browsers show its length and can seek in it.
//!
//! The Clusters are scanned (headers only: block payloads are skipped) for
//! their positions and the last frame's time. The file is cut after the
//! last complete element (a crash mid-upload leaves at most a partial
//! one), Cues listing every Cluster are appended, and the room
//! [`super::head::prepare`] kept is filled: Duration in Info, a SeekHead pointing
//! at Info, Tracks and Cues, and the Segment's size. Finishing twice gives
//! the same file: the scan stops at the Cues of the first time.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::ebml::{self, Header, id};
use super::head::{LAYOUT_BYTES, Layout, SEEK_HEAD_ROOM};

/// What finishing found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished {
    pub duration_ms: u64,
    /// Size of the finished file.
    pub bytes: u64,
}

/// One Cluster, for the Cues.
#[derive(Debug, Clone, Copy)]
struct ClusterMark {
    /// From the start of the Segment's payload.
    position: u64,
    timecode: u64,
    /// The track of its first block; 0 while it has none.
    track: u64,
}

/// What the scan learned.
#[derive(Debug, Default)]
struct Scan {
    clusters: Vec<ClusterMark>,
    /// End of the last complete element.
    end: u64,
    /// Per track: the last block's time and the gap before it, so the last
    /// frame can be given the length of the one before (or its own
    /// BlockDuration).
    tracks: HashMap<u64, (u64, u64)>,
}

impl Scan {
    /// The time the last frame ends, in ticks.
    fn last_tick(&self) -> u64 {
        self.tracks
            .values()
            .map(|&(at, gap)| at + gap)
            .max()
            .unwrap_or(0)
    }

    fn note_block(&mut self, cluster: usize, block: &[u8], duration: Option<u64>) {
        let Some((track, relative)) = block_track_and_time(block) else {
            return;
        };
        let mark = &mut self.clusters[cluster];
        if mark.track == 0 {
            mark.track = track;
        }
        let at = (mark.timecode as i64 + relative).max(0) as u64;
        let entry = self.tracks.entry(track).or_insert((at, 0));
        if at > entry.0 {
            *entry = (at, at - entry.0);
        }
        if let Some(d) = duration {
            entry.1 = d;
        }
    }
}

/// Finishes the recording at `path` (see the module doc).
pub fn finish(path: &Path) -> io::Result<Finished> {
    let mut file = OpenOptions::new().read(true).write(true).open(path)?;
    let len = file.metadata()?.len();
    let mut head = vec![0; LAYOUT_BYTES.min(len as usize)];
    file.read_exact(&mut head)?;
    let layout = Layout::read(&head).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let scan = scan(&mut file, &layout, len)?;

    file.set_len(scan.end)?;
    let cues_at = scan.end;
    write_at(&mut file, cues_at, &cues(&scan.clusters))?;
    let end = file.stream_position()?;

    let last_tick = scan.last_tick();
    let duration_ms = last_tick.saturating_mul(layout.timecode_scale) / 1_000_000;
    let mut duration = ebml::id_bytes(id::DURATION);
    duration.push(0x88);
    duration.extend((last_tick as f64).to_be_bytes());
    write_at(&mut file, layout.duration_at, &duration)?;
    write_at(&mut file, layout.seek_head_at, &seek_head(&layout, cues_at))?;
    let segment_size = end - layout.segment_data_at;
    write_at(
        &mut file,
        layout.segment_size_at,
        &ebml::size_bytes(segment_size, 8),
    )?;
    file.sync_all()?;
    Ok(Finished {
        duration_ms,
        bytes: end,
    })
}

fn write_at(file: &mut File, at: u64, bytes: &[u8]) -> io::Result<()> {
    file.seek(SeekFrom::Start(at))?;
    file.write_all(bytes)
}

/// Reads Cluster after Cluster until the file ends, something else starts
/// (the Cues of an earlier finish), or an element is cut short.
fn scan(file: &mut File, layout: &Layout, len: u64) -> io::Result<Scan> {
    let mut reader = Reader::at(file, layout.clusters_at, len)?;
    let mut scan = Scan {
        end: layout.clusters_at,
        ..Scan::default()
    };
    // The Cluster being read, and where it ends if its size is known.
    let mut current: Option<(usize, Option<u64>)> = None;
    while let Some(h) = reader.header()? {
        let start = reader.at - h.len as u64;
        if current.is_some_and(|(_, end)| end.is_some_and(|end| start >= end)) {
            current = None;
        }
        if h.id == id::CLUSTER {
            if h.size.is_some_and(|size| reader.at + size > len) {
                break;
            }
            scan.clusters.push(ClusterMark {
                position: start - layout.segment_data_at,
                timecode: 0,
                track: 0,
            });
            current = Some((scan.clusters.len() - 1, h.size.map(|size| reader.at + size)));
            continue;
        }
        let (Some(size), Some((cluster, _))) = (h.size, current) else {
            break;
        };
        if reader.at + size > len || is_top_level(h.id) {
            break;
        }
        match h.id {
            id::TIMECODE => scan.clusters[cluster].timecode = ebml::read_uint(&reader.bytes(size)?),
            id::SIMPLE_BLOCK => {
                let block = reader.bytes(size.min(16))?;
                reader.skip(size - block.len() as u64)?;
                scan.note_block(cluster, &block, None);
            }
            id::BLOCK_GROUP => {
                let group = reader.bytes(size)?;
                if let (Some(block), duration) = block_of_group(&group) {
                    scan.note_block(cluster, block, duration);
                }
            }
            _ => reader.skip(size)?,
        }
        scan.end = reader.at;
    }
    // A Cluster cut before its first block is dropped with the cut.
    scan.clusters
        .retain(|c| c.track != 0 && c.position + layout.segment_data_at < scan.end);
    Ok(scan)
}

/// Elements that end an unknown-size Cluster.
fn is_top_level(id: u32) -> bool {
    const TAGS: u32 = 0x1254_C367;
    const CHAPTERS: u32 = 0x1043_A770;
    matches!(
        id,
        id::CLUSTER | id::CUES | id::SEEK_HEAD | id::INFO | id::TRACKS | TAGS | CHAPTERS
    )
}

/// A block's track number and time relative to its Cluster.
fn block_track_and_time(block: &[u8]) -> Option<(u64, i64)> {
    let first = *block.first()?;
    let track_len = first.leading_zeros() as usize + 1;
    if track_len > 8 {
        return None;
    }
    let mut track = u64::from(first) & ((1u64 << (8 - track_len)) - 1);
    for &b in block.get(1..track_len)? {
        track = (track << 8) | u64::from(b);
    }
    let time = block.get(track_len..track_len + 2)?;
    Some((track, i64::from(i16::from_be_bytes([time[0], time[1]]))))
}

/// The Block and BlockDuration inside a BlockGroup's payload.
fn block_of_group(group: &[u8]) -> (Option<&[u8]>, Option<u64>) {
    let (mut block, mut duration, mut at) = (None, None, 0);
    while let Some(h) = group.get(at..).and_then(ebml::read_header) {
        let Some(size) = h.size else { break };
        let start = at + h.len;
        let Some(payload) = group.get(start..start + size as usize) else {
            break;
        };
        match h.id {
            id::BLOCK => block = Some(payload),
            id::BLOCK_DURATION => duration = Some(ebml::read_uint(payload)),
            _ => {}
        }
        at = start + size as usize;
    }
    (block, duration)
}

/// Cues: one CuePoint per Cluster.
fn cues(clusters: &[ClusterMark]) -> Vec<u8> {
    let mut points = Vec::new();
    for c in clusters {
        let mut positions = ebml::uint_element(id::CUE_TRACK, c.track.max(1));
        positions.extend(ebml::uint_element(id::CUE_CLUSTER_POSITION, c.position));
        let mut point = ebml::uint_element(id::CUE_TIME, c.timecode);
        point.extend(ebml::element(id::CUE_TRACK_POSITIONS, &positions));
        points.extend(ebml::element(id::CUE_POINT, &point));
    }
    ebml::element(id::CUES, &points)
}

/// A SeekHead for Info, Tracks and Cues, padded with a Void to fill the
/// room kept for it exactly.
fn seek_head(layout: &Layout, cues_at: u64) -> Vec<u8> {
    let mut entries = Vec::new();
    for (target, at) in [
        (id::INFO, layout.info_at),
        (id::TRACKS, layout.tracks_at),
        (id::CUES, cues_at),
    ] {
        let mut seek = ebml::element(id::SEEK_ID, &ebml::id_bytes(target));
        let position = (at - layout.segment_data_at).to_be_bytes();
        seek.extend(ebml::element(id::SEEK_POSITION, &position));
        entries.extend(ebml::element(id::SEEK, &seek));
    }
    let mut out = ebml::element(id::SEEK_HEAD, &entries);
    out.extend(ebml::void(SEEK_HEAD_ROOM - out.len()));
    out
}

/// A buffered reader that knows its offset and the file's length.
struct Reader<'a> {
    inner: BufReader<&'a mut File>,
    at: u64,
    len: u64,
}

impl<'a> Reader<'a> {
    fn at(file: &'a mut File, at: u64, len: u64) -> io::Result<Self> {
        let mut inner = BufReader::with_capacity(64 * 1024, file);
        inner.seek(SeekFrom::Start(at))?;
        Ok(Reader { inner, at, len })
    }

    /// The next element header, or `None` at the end or a cut-short one.
    fn header(&mut self) -> io::Result<Option<Header>> {
        let want = (self.len.saturating_sub(self.at)).min(12) as usize;
        if self.inner.buffer().len() < want {
            // Seeking drops the buffer; the refill starts at the header.
            self.inner.seek(SeekFrom::Start(self.at))?;
            self.inner.fill_buf()?;
        }
        let available = &self.inner.buffer()[..want.min(self.inner.buffer().len())];
        let Some(h) = ebml::read_header(available) else {
            return Ok(None);
        };
        self.inner.consume(h.len);
        self.at += h.len as u64;
        Ok(Some(h))
    }

    fn bytes(&mut self, size: u64) -> io::Result<Vec<u8>> {
        let mut out = vec![0; size as usize];
        self.inner.read_exact(&mut out)?;
        self.at += size;
        Ok(out)
    }

    fn skip(&mut self, size: u64) -> io::Result<()> {
        self.inner.seek_relative(size as i64)?;
        self.at += size;
        Ok(())
    }
}
