//! Receiving: an offer put together and checked, shown, and only after
//! Accept any bytes taken. Each chunk must be the next one expected; each
//! file's hash must match its `file_done`; the first problem ends the
//! transfer on both sides and nothing of it is saved. Chunks of a
//! transfer that ended here (a cancel crossing them) are dropped quietly.

use std::rc::Rc;

use protocol::peer::chunk::Chunk;
use protocol::peer::files::{FileControl, OfferedFile, TransferProblem};
use protocol::peer::offer::OfferInProgress;
use sha2::{Digest, Sha256};

use super::outgoing::{PROGRESS_EVERY_MS, hex};
use super::sink::Sink;
use super::{Engine, Summary};
use crate::browser;
use crate::state::transfers::{TransferAction, Way};

/// A transfer the other side offered.
pub(super) struct Incoming {
    offer: OfferInProgress,
    /// Set once the offer is whole and shown.
    files: Option<Rc<Vec<OfferedFile>>>,
    /// Set at Accept: from then on bytes are taken.
    moving: Option<Moving>,
}

struct Moving {
    sink: Sink,
    file: usize,
    offset: u64,
    hasher: Sha256,
    shown_ms: f64,
}

impl Incoming {
    pub(super) fn summary(self) -> Option<Summary> {
        Some(Summary {
            way: Way::Receiving,
            folder: self.offer.folder,
            files: self.files?,
        })
    }
}

impl Engine {
    pub(super) fn on_offer(
        &self,
        id: u32,
        folder: Option<String>,
        count: u32,
        total_bytes: u64,
        files: Vec<OfferedFile>,
    ) {
        let known = self.incoming.borrow().contains_key(&id) || self.ended.borrow().contains(&id);
        if !self.theirs(id) || known {
            // Not an id the other side may choose, or one already used.
            self.send(FileControl::Error {
                id,
                file: None,
                reason: TransferProblem::BadOffer,
            });
            return;
        }
        match OfferInProgress::begin(id, folder, count, total_bytes, files) {
            Ok(offer) => {
                self.incoming.borrow_mut().insert(
                    id,
                    Incoming {
                        offer,
                        files: None,
                        moving: None,
                    },
                );
                self.show_if_whole(id);
            }
            Err(problem) => self.refuse_offer(id, problem),
        }
    }

    pub(super) fn on_offer_more(&self, id: u32, files: Vec<OfferedFile>) {
        let added = {
            let mut incoming = self.incoming.borrow_mut();
            match incoming.get_mut(&id) {
                Some(inc) if inc.files.is_none() => Some(inc.offer.add(files)),
                _ => None,
            }
        };
        match added {
            Some(Ok(())) => self.show_if_whole(id),
            Some(Err(problem)) => {
                self.incoming.borrow_mut().remove(&id);
                self.refuse_offer(id, problem);
            }
            None => {}
        }
    }

    /// An offer that broke a rule is never shown: the sender is told why.
    fn refuse_offer(&self, id: u32, problem: TransferProblem) {
        browser::log(&format!("lifeline: file offer {id} refused ({problem:?})"));
        self.ended.borrow_mut().insert(id);
        self.send(FileControl::Error {
            id,
            file: None,
            reason: problem,
        });
    }

    fn show_if_whole(&self, id: u32) {
        let shown = {
            let mut incoming = self.incoming.borrow_mut();
            let Some(inc) = incoming.get_mut(&id) else {
                return;
            };
            if !inc.offer.is_whole() || inc.files.is_some() {
                return;
            }
            let files = Rc::new(std::mem::take(&mut inc.offer.files));
            inc.files = Some(files.clone());
            (inc.offer.folder.clone(), files)
        };
        self.emit(TransferAction::Offered {
            id,
            way: Way::Receiving,
            folder: shown.0,
            files: shown.1,
        });
    }

    pub(super) fn accept(this: &Rc<Engine>, id: u32) {
        let started = {
            let mut incoming = this.incoming.borrow_mut();
            match incoming.get_mut(&id) {
                Some(inc) if inc.moving.is_none() && inc.files.is_some() => {
                    let mut sink = Sink::new(inc.offer.folder.is_some());
                    let files = inc.files.as_ref().map(Rc::clone).unwrap_or_default();
                    let first = &files[0];
                    let ok = sink.begin(&first.path, first.size);
                    inc.moving = Some(Moving {
                        sink,
                        file: 0,
                        offset: 0,
                        hasher: Sha256::new(),
                        shown_ms: 0.0,
                    });
                    Some(ok)
                }
                _ => None,
            }
        };
        match started {
            Some(true) => {
                this.send(FileControl::Accept { id });
                this.emit(TransferAction::Accepted {
                    id,
                    now_ms: browser::now_ms(),
                });
            }
            Some(false) => this.fail(id, TransferProblem::SaveFailed, Some(0)),
            None => {}
        }
    }

    pub(super) fn on_chunk(this: &Rc<Engine>, chunk: Chunk) {
        let id = chunk.id;
        if this.ended.borrow().contains(&id) {
            return;
        }
        // Taken (with progress to show, now and then) or a problem that
        // ends the transfer; shown once the borrow ends, as the controller
        // may render at once.
        let outcome = {
            let mut incoming = this.incoming.borrow_mut();
            match incoming.get_mut(&id) {
                None => Err((TransferProblem::UnexpectedChunk, None)),
                Some(Incoming {
                    files: Some(files),
                    moving: Some(m),
                    ..
                }) => take_chunk(id, files, m, chunk),
                Some(_) => Err((TransferProblem::UnexpectedChunk, None)),
            }
        };
        if let Ok(Some(progress)) = outcome {
            this.emit(progress);
        } else if let Err((problem, file)) = outcome {
            if this.incoming.borrow().contains_key(&id) {
                this.fail(id, problem, file);
            } else {
                // Never offered: say so once, then drop the rest quietly.
                this.ended.borrow_mut().insert(id);
                this.send(FileControl::Error {
                    id,
                    file: None,
                    reason: problem,
                });
            }
        }
    }

    pub(super) fn on_file_done(&self, id: u32, file: u32, sha256: &str) {
        let result = {
            let mut incoming = self.incoming.borrow_mut();
            let Some(Incoming {
                files: Some(files),
                moving: Some(m),
                ..
            }) = incoming.get_mut(&id)
            else {
                return;
            };
            end_file(files, m, file as usize, sha256)
        };
        match result {
            Err((problem, file)) => self.fail(id, problem, file),
            Ok(saved) => {
                self.saved_urls.borrow_mut().extend(saved);
                self.finish_if_complete(id);
            }
        }
    }

    /// After the last file: the folder's zip is saved, the sender told.
    fn finish_if_complete(&self, id: u32) {
        let done = {
            let mut incoming = self.incoming.borrow_mut();
            let Some(inc) = incoming.get_mut(&id) else {
                return;
            };
            let count = inc.files.as_ref().map_or(0, |f| f.len());
            if inc.moving.as_ref().is_none_or(|m| m.file < count) {
                return;
            }
            let folder = inc.offer.folder.clone().unwrap_or_default();
            inc.moving.take().map(|m| m.sink.finish(&folder))
        };
        match done {
            Some(Ok(saved)) => {
                self.saved_urls.borrow_mut().extend(saved);
                self.send(FileControl::Complete { id });
                self.finish(
                    id,
                    TransferAction::Done {
                        id,
                        now_ms: browser::now_ms(),
                    },
                );
            }
            Some(Err(())) => self.fail(id, TransferProblem::SaveFailed, None),
            None => {}
        }
    }
}

type Problem = (TransferProblem, Option<usize>);

/// One chunk into the file being received, if it is the next one.
fn take_chunk(
    id: u32,
    files: &[OfferedFile],
    m: &mut Moving,
    chunk: Chunk,
) -> Result<Option<TransferAction>, Problem> {
    let index = m.file;
    let Some(expected) = files.get(index) else {
        return Err((TransferProblem::SizeMismatch, None));
    };
    let end = m.offset + chunk.data.len() as u64;
    if chunk.file as usize != index || chunk.offset != m.offset || end > expected.size {
        return Err((TransferProblem::SizeMismatch, Some(index)));
    }
    m.hasher.update(&chunk.data);
    if !m.sink.write(&chunk.data) {
        return Err((TransferProblem::SaveFailed, Some(index)));
    }
    m.offset = end;
    let now_ms = browser::now_ms();
    if now_ms - m.shown_ms < PROGRESS_EVERY_MS {
        return Ok(None);
    }
    m.shown_ms = now_ms;
    Ok(Some(TransferAction::Progress {
        id,
        file: index,
        file_bytes: end,
        now_ms,
    }))
}

/// The file being received ended: checked against its hash, saved if
/// loose, and the next one begun.
fn end_file(
    files: &[OfferedFile],
    m: &mut Moving,
    file: usize,
    sha256: &str,
) -> Result<Option<String>, Problem> {
    let Some(expected) = files.get(m.file) else {
        return Err((TransferProblem::SizeMismatch, None));
    };
    if file != m.file || m.offset != expected.size {
        return Err((TransferProblem::SizeMismatch, Some(m.file)));
    }
    let digest = hex(&std::mem::take(&mut m.hasher).finalize());
    if !digest.eq_ignore_ascii_case(sha256) {
        return Err((TransferProblem::HashMismatch, Some(m.file)));
    }
    let saved = m
        .sink
        .end_file(&expected.path)
        .map_err(|()| (TransferProblem::SaveFailed, Some(m.file)))?;
    m.file += 1;
    m.offset = 0;
    if let Some(next) = files.get(m.file)
        && !m.sink.begin(&next.path, next.size)
    {
        return Err((TransferProblem::SaveFailed, Some(m.file)));
    }
    Ok(saved)
}
