//! Sending: the offer, then, once accepted, each file read in large
//! slices, hashed, and sent in chunks paced by the channel's buffer, then
//! its `file_done`. Progress is shown a few times a second, not per chunk.

use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use js_sys::{Promise, Uint8Array};
use protocol::peer::chunk::{CHUNK_DATA_BYTES, Chunk};
use protocol::peer::files::{FileControl, FileMessage, OfferedFile};
use protocol::peer::offer::offer_frames;
use sha2::{Digest, Sha256};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::File;

use super::{Engine, Picked, Summary};
use crate::browser;
use crate::state::transfers::{TransferAction, Way};

/// Bytes read from a file at once: fewer, larger reads cost less than one
/// per chunk, and a slice this size is nothing to hold.
const READ_BYTES: f64 = (16 * CHUNK_DATA_BYTES) as f64;

/// Progress is shown at most this often.
pub(super) const PROGRESS_EVERY_MS: f64 = 100.0;

/// A transfer this side offered.
pub(super) struct Outgoing {
    pub(super) summary: Summary,
    files: Rc<Vec<File>>,
    /// Set when it ends here; the sending task stops at its next chunk.
    stopped: Rc<Cell<bool>>,
    started: bool,
}

impl Outgoing {
    pub(super) fn stop(&self) {
        self.stopped.set(true);
    }
}

impl Engine {
    pub(super) fn offer(this: &Rc<Engine>, picked: Picked) -> Option<u32> {
        if picked.files.is_empty() {
            return None;
        }
        let id = this.next_id.get();
        this.next_id.set(id + 2);
        let offered: Rc<Vec<OfferedFile>> = Rc::new(picked.offered());
        for frame in offer_frames(id, picked.folder.clone(), &offered) {
            this.send(frame);
        }
        let summary = Summary {
            way: Way::Sending,
            folder: picked.folder,
            files: offered.clone(),
        };
        this.outgoing.borrow_mut().insert(
            id,
            Outgoing {
                summary,
                files: Rc::new(picked.files.into_iter().map(|(file, _)| file).collect()),
                stopped: Rc::new(Cell::new(false)),
                started: false,
            },
        );
        this.emit(TransferAction::Offered {
            id,
            way: Way::Sending,
            folder: this.outgoing.borrow()[&id].summary.folder.clone(),
            files: offered,
        });
        Some(id)
    }

    pub(super) fn on_accept(this: &Rc<Engine>, id: u32) {
        let job = {
            let mut outgoing = this.outgoing.borrow_mut();
            match outgoing.get_mut(&id) {
                Some(out) if !out.started => {
                    out.started = true;
                    Some((
                        out.files.clone(),
                        out.summary.files.clone(),
                        out.stopped.clone(),
                    ))
                }
                _ => None,
            }
        };
        let Some((files, offered, stopped)) = job else {
            return;
        };
        this.emit(TransferAction::Accepted {
            id,
            now_ms: browser::now_ms(),
        });
        let weak = Rc::downgrade(this);
        spawn_local(async move {
            let result = send_all(&weak, id, &files, &offered, &stopped).await;
            if let (Err(failure), Some(engine)) = (result, Engine::upgrade(&weak))
                && !stopped.get()
            {
                match failure {
                    Failure::Read(file) => engine.fail(
                        id,
                        protocol::peer::files::TransferProblem::ReadFailed,
                        Some(file),
                    ),
                    // The channel closed: the session is ending, and its
                    // end reports the transfer.
                    Failure::Closed => {}
                }
            }
        });
    }
}

enum Failure {
    Read(usize),
    Closed,
}

async fn send_all(
    engine: &Weak<Engine>,
    id: u32,
    files: &[File],
    offered: &[OfferedFile],
    stopped: &Cell<bool>,
) -> Result<(), Failure> {
    let mut shown_ms = 0.0;
    let mut plan = slices(offered);
    let mut ahead: VecDeque<Slice> = VecDeque::with_capacity(READS_AHEAD);
    for (index, entry) in offered.iter().enumerate().take(files.len()) {
        let size = entry.size;
        let mut hasher = Sha256::new();
        let mut offset = 0u64;
        while offset < size {
            while ahead.len() < READS_AHEAD {
                let Some((file, start, end)) = plan.next() else {
                    break;
                };
                let read = start_read(&files[file], start as f64, end as f64);
                ahead.push_back(Slice {
                    file,
                    start,
                    end,
                    read,
                });
            }
            let slice = ahead
                .pop_front()
                .filter(|s| s.file == index && s.start == offset)
                .ok_or(Failure::Read(index))?;
            let bytes = finish_read(slice.read).await.ok_or(Failure::Read(index))?;
            if bytes.len() as u64 != slice.end - slice.start {
                return Err(Failure::Read(index));
            }
            for piece in bytes.chunks(CHUNK_DATA_BYTES) {
                if stopped.get() {
                    return Ok(());
                }
                hasher.update(piece);
                let channel = Engine::upgrade(engine)
                    .and_then(|e| e.channel.get().cloned())
                    .ok_or(Failure::Closed)?;
                let chunk = FileMessage::Chunk(Chunk {
                    id,
                    file: index as u32,
                    offset,
                    data: piece.to_vec(),
                });
                channel
                    .send_paced(&chunk)
                    .await
                    .map_err(|_| Failure::Closed)?;
                offset += piece.len() as u64;
                let now_ms = browser::now_ms();
                if now_ms - shown_ms >= PROGRESS_EVERY_MS {
                    shown_ms = now_ms;
                    if let Some(engine) = Engine::upgrade(engine) {
                        engine.emit(TransferAction::Progress {
                            id,
                            file: index,
                            file_bytes: offset,
                            now_ms,
                        });
                    }
                }
            }
        }
        if stopped.get() {
            return Ok(());
        }
        let Some(engine) = Engine::upgrade(engine) else {
            return Err(Failure::Closed);
        };
        engine.send(FileControl::FileDone {
            id,
            file: index as u32,
            sha256: hex(&hasher.finalize()),
        });
        // Shown like a chunk's progress, not once per file: a folder of
        // thousands of small files would otherwise render once for each.
        let now_ms = browser::now_ms();
        if now_ms - shown_ms >= PROGRESS_EVERY_MS {
            shown_ms = now_ms;
            engine.emit(TransferAction::Progress {
                id,
                file: index,
                file_bytes: size,
                now_ms,
            });
        }
    }
    Ok(())
}

/// Reads run this many slices ahead of the sending: each read is a round
/// trip to the browser, and a folder of small files would otherwise wait
/// for one per file with the channel idle.
const READS_AHEAD: usize = 4;

/// A read of `start..end` of file `file`, started.
struct Slice {
    file: usize,
    start: u64,
    end: u64,
    read: Option<Promise>,
}

/// Every slice to read, in sending order (none for an empty file).
fn slices(offered: &[OfferedFile]) -> impl Iterator<Item = (usize, u64, u64)> + '_ {
    let step = READ_BYTES as u64;
    offered.iter().enumerate().flat_map(move |(index, f)| {
        (0..f.size.div_ceil(step)).map(move |k| (index, k * step, ((k + 1) * step).min(f.size)))
    })
}

/// Starts reading bytes `start..end` of `file`.
fn start_read(file: &File, start: f64, end: f64) -> Option<Promise> {
    Some(file.slice_with_f64_and_f64(start, end).ok()?.array_buffer())
}

/// The bytes of a read; `None` if the browser cannot read the file (moved
/// or deleted since it was picked).
async fn finish_read(read: Option<Promise>) -> Option<Vec<u8>> {
    let buffer = JsFuture::from(read?).await.ok()?;
    Some(Uint8Array::new(&buffer).to_vec())
}

/// Lowercase hex, as `file_done` carries the hash.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
