//! The header rewrite and finishing, on a real MediaRecorder recording
//! (`tests/fixtures/chrome-vp8-11s`).

use std::path::Path;

use super::ebml::{self, Header, id};
use super::finish::finish;
use super::head::{NotWebm, prepare};

fn fixture_chunks() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chrome-vp8-11s");
    (0..6)
        .map(|i| std::fs::read(dir.join(format!("chunk-{i:03}.webm"))).unwrap())
        .collect()
}

/// The chunks as the server stores them: the first rewritten, the rest
/// appended as they came.
fn stored(chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut file = prepare(&chunks[0]).unwrap();
    for chunk in &chunks[1..] {
        file.extend_from_slice(chunk);
    }
    file
}

fn finish_bytes(bytes: &[u8]) -> (Vec<u8>, super::Finished) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("1.webm");
    std::fs::write(&path, bytes).unwrap();
    let done = finish(&path).unwrap();
    let out = std::fs::read(&path).unwrap();
    assert_eq!(out.len() as u64, done.bytes);
    (out, done)
}

fn header(bytes: &[u8], at: usize) -> Header {
    ebml::read_header(&bytes[at..]).unwrap()
}

/// The Segment's children (their IDs and offsets from its payload), after
/// checking that its size is known and ends with the file.
fn segment_children(file: &[u8]) -> (usize, Vec<(u32, usize)>) {
    let ebml = header(file, 0);
    let seg_at = ebml.len + ebml.size.unwrap() as usize;
    let seg = header(file, seg_at);
    assert_eq!(seg.id, id::SEGMENT);
    let data_at = seg_at + seg.len;
    assert_eq!(
        seg.size,
        Some((file.len() - data_at) as u64),
        "segment size"
    );
    let mut children = Vec::new();
    let mut at = data_at;
    while at < file.len() {
        let h = header(file, at);
        children.push((h.id, at - data_at));
        match h.size {
            Some(size) => at += h.len + size as usize,
            // Clusters keep their unknown size: skip to the next one by
            // looking for the next top-level ID.
            None => {
                let rest = &file[at + h.len..];
                let next = [id::CLUSTER, id::CUES].iter().filter_map(|&want| {
                    let b = ebml::id_bytes(want);
                    rest.windows(4).position(|w| w == b.as_slice())
                });
                at += h.len + next.min().unwrap();
            }
        }
    }
    (data_at, children)
}

fn duration_ticks(file: &[u8], data_at: usize, info_at: usize) -> f64 {
    let info = header(file, data_at + info_at);
    let payload = &file[data_at + info_at + info.len..][..info.size.unwrap() as usize];
    let mut at = 0;
    while at < payload.len() {
        let h = header(payload, at);
        if h.id == id::DURATION {
            let bytes: [u8; 8] = payload[at + h.len..at + h.len + 8].try_into().unwrap();
            return f64::from_be_bytes(bytes);
        }
        at += h.len + h.size.unwrap() as usize;
    }
    panic!("no Duration in Info");
}

#[test]
fn a_browser_recording_gets_a_duration_cues_and_a_seek_head() {
    let (file, done) = finish_bytes(&stored(&fixture_chunks()));
    // 11 s were recorded; the last frame ends within a frame or two of that.
    assert!((10_600..=11_300).contains(&done.duration_ms), "{done:?}");
    let (data_at, children) = segment_children(&file);
    let ids: Vec<u32> = children.iter().map(|c| c.0).collect();
    assert_eq!(
        ids,
        [
            id::SEEK_HEAD,
            id::VOID,
            id::INFO,
            id::TRACKS,
            id::CLUSTER,
            id::CLUSTER,
            id::CLUSTER,
            id::CUES
        ]
    );
    let at = |want: u32| children.iter().find(|c| c.0 == want).unwrap().1;
    let ticks = duration_ticks(&file, data_at, at(id::INFO));
    assert_eq!(ticks as u64, done.duration_ms, "TimecodeScale is 1 ms");

    // The SeekHead points at Info, Tracks and Cues.
    let seek_head = &file[data_at..];
    for target in [id::INFO, id::TRACKS, id::CUES] {
        let mut needle = ebml::element(id::SEEK_ID, &ebml::id_bytes(target));
        needle.extend(ebml::element(
            id::SEEK_POSITION,
            &(at(target) as u64).to_be_bytes(),
        ));
        assert!(
            seek_head[..96].windows(needle.len()).any(|w| w == needle),
            "SeekHead entry for {target:x}"
        );
    }
    // Every Cue points at a Cluster.
    let clusters: Vec<u64> = children
        .iter()
        .filter(|c| c.0 == id::CLUSTER)
        .map(|c| c.1 as u64)
        .collect();
    for position in &clusters {
        let needle = ebml::uint_element(id::CUE_CLUSTER_POSITION, *position);
        let cues = &file[data_at + at(id::CUES)..];
        assert!(
            cues.windows(needle.len()).any(|w| w == needle),
            "{position}"
        );
    }
}

#[test]
fn finishing_twice_changes_nothing() {
    let (once, first) = finish_bytes(&stored(&fixture_chunks()));
    let (twice, second) = finish_bytes(&once);
    assert_eq!(first, second);
    assert!(once == twice, "the second finish rewrote the file");
}

#[test]
fn a_recording_cut_mid_chunk_keeps_every_complete_frame() {
    let chunks = fixture_chunks();
    let whole = stored(&chunks);
    let (_, full) = finish_bytes(&whole);
    // A crash in the middle of writing the fourth chunk.
    let cut = whole.len() - chunks[5].len() - chunks[4].len() / 2;
    let (file, done) = finish_bytes(&whole[..cut]);
    assert!(
        done.duration_ms > 5_000 && done.duration_ms < full.duration_ms,
        "{done:?}"
    );
    let (_, children) = segment_children(&file);
    assert_eq!(children.last().unwrap().0, id::CUES);
    assert!(file.len() < cut + 200, "only Cues were added");
}

#[test]
fn a_header_only_recording_finishes_empty() {
    let chunks = fixture_chunks();
    let first = prepare(&chunks[0]).unwrap();
    let (_, done) = finish_bytes(&first);
    assert!(done.duration_ms < 2_000, "{done:?}");
}

#[test]
fn what_is_not_a_webm_start_is_refused() {
    let chunks = fixture_chunks();
    assert!(matches!(prepare(b"hello"), Err(NotWebm(_))));
    assert!(prepare(&chunks[1]).is_err(), "a later chunk is not a start");
    assert!(
        prepare(&chunks[0][..100]).is_err(),
        "cut before the Cluster"
    );
    assert!(prepare(&[]).is_err());
}
