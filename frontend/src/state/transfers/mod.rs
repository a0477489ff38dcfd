//! Files, folders and text sent either way in one session, as both pages
//! show them: each transfer with its files, where it stands, its progress,
//! speed and time left; and the texts sent with Send text. Shared by the
//! console's tabs and the customer page, like the transcript.
//!
//! The controller reports what happens ([`TransferAction`]); progress
//! comes at most a few times a second, so a fast transfer does not
//! re-render the page for every chunk.

#[cfg(test)]
mod tests;

use std::rc::Rc;

use protocol::activity::{RecordedFile, TransferDirection, TransferOutcome, TransferRecord};
use protocol::limits::MAX_RECORDED_FILES;
use protocol::peer::files::{OfferedFile, TransferProblem};

/// Which way a transfer goes, seen from this browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// This side offered it.
    Sending,
    /// The other side offered it.
    Receiving,
}

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Offered; the receiver has not answered. On the receiving side this
    /// is when Accept and Decline show.
    Offered,
    /// Accepted; bytes are moving.
    Moving,
    /// Every file arrived and matched its hash.
    Done,
    Declined,
    /// Cancelled; `by_me` when this side did it.
    Cancelled {
        by_me: bool,
    },
    Failed(TransferProblem),
}

impl Stage {
    /// Over: no more bytes, no more buttons but Dismiss.
    pub fn is_final(self) -> bool {
        !matches!(self, Stage::Offered | Stage::Moving)
    }
}

/// One transfer.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    /// The id its offer gave it (see `protocol::peer::files`).
    pub id: u32,
    pub way: Way,
    /// The folder's name, when a folder is sent (saved as `<folder>.zip`).
    pub folder: Option<String>,
    /// The offer's files, in the order they are sent. Shared: progress
    /// updates copy no list.
    pub files: Rc<Vec<OfferedFile>>,
    pub total_bytes: u64,
    pub stage: Stage,
    /// The file being moved now; the ones before it are complete.
    pub file: usize,
    /// Bytes of `file` moved so far.
    pub file_bytes: u64,
    /// Bytes moved so far, all files.
    pub done_bytes: u64,
    /// When bytes began to move (local Unix ms), for the speed.
    pub started_ms: Option<f64>,
    /// The latest progress report's time.
    pub updated_ms: Option<f64>,
    /// The file a failure concerns.
    pub failed_file: Option<usize>,
}

impl Transfer {
    /// Bytes per second since bytes began to move.
    pub fn speed(&self) -> Option<f64> {
        let elapsed = (self.updated_ms? - self.started_ms?) / 1000.0;
        (elapsed > 0.2 && self.done_bytes > 0).then(|| self.done_bytes as f64 / elapsed)
    }

    /// Seconds left at the speed so far.
    pub fn seconds_left(&self) -> Option<f64> {
        let speed = self.speed()?;
        Some(self.total_bytes.saturating_sub(self.done_bytes) as f64 / speed)
    }

    /// What the session report keeps of it, once it is over.
    pub fn record(&self, technician_sends: bool) -> Option<TransferRecord> {
        let outcome = match self.stage {
            Stage::Offered | Stage::Moving => return None,
            Stage::Done => TransferOutcome::Done,
            Stage::Declined => TransferOutcome::Declined,
            Stage::Cancelled { .. } => TransferOutcome::Cancelled,
            Stage::Failed(_) => TransferOutcome::Failed,
        };
        Some(record_of(
            self.way,
            self.folder.clone(),
            &self.files,
            outcome,
            technician_sends,
        ))
    }
}

/// What the session report keeps of a transfer: which way it went (from
/// this side's `way` and whether this side is the technician's), its first
/// names, counts and how it ended.
pub fn record_of(
    way: Way,
    folder: Option<String>,
    files: &[OfferedFile],
    outcome: TransferOutcome,
    technician_side: bool,
) -> TransferRecord {
    let to_customer = technician_side == (way == Way::Sending);
    TransferRecord {
        direction: if to_customer {
            TransferDirection::ToCustomer
        } else {
            TransferDirection::FromCustomer
        },
        folder,
        files: files
            .iter()
            .take(MAX_RECORDED_FILES)
            .map(|f| RecordedFile {
                path: f.path.clone(),
                size: f.size,
            })
            .collect(),
        file_count: files.len() as u32,
        total_bytes: files.iter().map(|f| f.size).sum(),
        outcome,
    }
}

/// A text sent with Send text.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedText {
    pub mine: bool,
    pub text: String,
    pub at_ms: f64,
}

/// Everything that changes the transfers.
#[derive(Debug, Clone, PartialEq)]
pub enum TransferAction {
    /// An offer was made, by this side (`Sending`) or the other.
    Offered {
        id: u32,
        way: Way,
        folder: Option<String>,
        files: Rc<Vec<OfferedFile>>,
    },
    /// The receiver accepted; bytes start moving.
    Accepted {
        id: u32,
        now_ms: f64,
    },
    Declined {
        id: u32,
    },
    /// `file` has `file_bytes` done; every file before it is complete.
    Progress {
        id: u32,
        file: usize,
        file_bytes: u64,
        now_ms: f64,
    },
    /// Every file arrived and matched.
    Done {
        id: u32,
        now_ms: f64,
    },
    Cancelled {
        id: u32,
        by_me: bool,
    },
    Failed {
        id: u32,
        problem: TransferProblem,
        file: Option<usize>,
    },
    /// Removes a finished transfer from the list.
    Dismiss(u32),
    TextSent {
        text: String,
        at_ms: f64,
    },
    TextReceived {
        text: String,
        at_ms: f64,
    },
}

impl TransferAction {
    /// The transfer this action is about, if it is about one.
    pub fn transfer(&self) -> Option<u32> {
        match self {
            TransferAction::Offered { id, .. }
            | TransferAction::Accepted { id, .. }
            | TransferAction::Declined { id }
            | TransferAction::Progress { id, .. }
            | TransferAction::Done { id, .. }
            | TransferAction::Cancelled { id, .. }
            | TransferAction::Failed { id, .. }
            | TransferAction::Dismiss(id) => Some(*id),
            TransferAction::TextSent { .. } | TransferAction::TextReceived { .. } => None,
        }
    }
}

/// The session's transfers, newest last, and its texts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transfers {
    pub list: Vec<Transfer>,
    pub texts: Vec<SharedText>,
}

impl Transfers {
    pub fn get(&self, id: u32) -> Option<&Transfer> {
        self.list.iter().find(|t| t.id == id)
    }

    /// Incoming offers waiting for Accept or Decline.
    pub fn waiting_for_me(&self) -> usize {
        self.list
            .iter()
            .filter(|t| t.way == Way::Receiving && t.stage == Stage::Offered)
            .count()
    }

    /// Applies one action. Returns true when it ended a transfer, so the
    /// console knows to report it.
    pub fn apply(&mut self, action: TransferAction) -> bool {
        match action {
            TransferAction::Offered {
                id,
                way,
                folder,
                files,
            } => {
                if self.get(id).is_none() {
                    self.list.push(Transfer {
                        id,
                        way,
                        folder,
                        total_bytes: files.iter().map(|f| f.size).sum(),
                        files,
                        stage: Stage::Offered,
                        file: 0,
                        file_bytes: 0,
                        done_bytes: 0,
                        started_ms: None,
                        updated_ms: None,
                        failed_file: None,
                    });
                }
                false
            }
            TransferAction::Accepted { id, now_ms } => self.change(id, |t| {
                t.stage = Stage::Moving;
                t.started_ms = Some(now_ms);
                t.updated_ms = Some(now_ms);
            }),
            TransferAction::Declined { id } => self.end(id, Stage::Declined),
            TransferAction::Progress {
                id,
                file,
                file_bytes,
                now_ms,
            } => self.change(id, |t| {
                if t.stage != Stage::Moving {
                    return;
                }
                let file = file.min(t.files.len().saturating_sub(1));
                let before: u64 = t.files[..file].iter().map(|f| f.size).sum();
                t.file = file;
                t.file_bytes = file_bytes.min(t.files.get(file).map_or(0, |f| f.size));
                t.done_bytes = before + t.file_bytes;
                t.updated_ms = Some(now_ms);
            }),
            TransferAction::Done { id, now_ms } => {
                let ended = self.end(id, Stage::Done);
                self.change(id, |t| {
                    if t.stage == Stage::Done {
                        t.done_bytes = t.total_bytes;
                        t.file = t.files.len().saturating_sub(1);
                        t.file_bytes = t.files.last().map_or(0, |f| f.size);
                        t.updated_ms = Some(now_ms);
                    }
                });
                ended
            }
            TransferAction::Cancelled { id, by_me } => self.end(id, Stage::Cancelled { by_me }),
            TransferAction::Failed { id, problem, file } => {
                let ended = self.end(id, Stage::Failed(problem));
                if ended {
                    self.change(id, |t| t.failed_file = file);
                }
                ended
            }
            TransferAction::Dismiss(id) => {
                self.list.retain(|t| t.id != id || !t.stage.is_final());
                false
            }
            TransferAction::TextSent { text, at_ms } => {
                self.texts.push(SharedText {
                    mine: true,
                    text,
                    at_ms,
                });
                false
            }
            TransferAction::TextReceived { text, at_ms } => {
                self.texts.push(SharedText {
                    mine: false,
                    text,
                    at_ms,
                });
                false
            }
        }
    }

    /// The session ended: whatever still moved or waited is cancelled.
    /// Returns the ids it ended.
    pub fn end_all(&mut self) -> Vec<u32> {
        let open: Vec<u32> = self
            .list
            .iter()
            .filter(|t| !t.stage.is_final())
            .map(|t| t.id)
            .collect();
        for id in &open {
            self.end(*id, Stage::Cancelled { by_me: false });
        }
        open
    }

    fn change(&mut self, id: u32, f: impl FnOnce(&mut Transfer)) -> bool {
        if let Some(t) = self.list.iter_mut().find(|t| t.id == id) {
            f(t);
        }
        false
    }

    /// Moves a transfer to a final stage; the first end wins (a cancel
    /// crossing a completion does not turn it around).
    fn end(&mut self, id: u32, stage: Stage) -> bool {
        match self.list.iter_mut().find(|t| t.id == id) {
            Some(t) if !t.stage.is_final() => {
                t.stage = stage;
                true
            }
            _ => false,
        }
    }
}
