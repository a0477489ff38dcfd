//! Files, folders and text over a session's `files` channel, for both
//! pages: [`FileLink`] offers what this side picked, answers the other
//! side's offers when the person clicks, moves and checks the bytes, and
//! reports every step as a [`TransferAction`].
//!
//! - this file: the link, the clicks it takes, and routing of messages;
//! - [`outgoing`]: offering and sending (read, hash, paced chunks);
//! - [`incoming`]: receiving (checks, hashes, the sink) and saving;
//! - [`sink`]: where received bytes go: a file or a zip, then a download.
//!
//! The wire rules are in `protocol::peer::files`.

mod incoming;
mod outgoing;
mod sink;

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::{Rc, Weak};

use protocol::Role;
use protocol::activity::{TransferOutcome, TransferRecord};
use protocol::limits::MAX_SHARED_TEXT_CHARS;
use protocol::peer::files::{FileControl, FileMessage, OfferedFile, TransferProblem};

use crate::browser;
pub use crate::picked::{FileClick, Picked};
use crate::rtc::{Channel, PeerLink};
use crate::state::transfers::{TransferAction, Way, record_of};
use incoming::Incoming;
use outgoing::Outgoing;

/// What a [`FileLink`] tells its controller.
pub struct FileEvents {
    /// Every change to show.
    pub action: Box<dyn Fn(TransferAction)>,
    /// A transfer ended: what the session report keeps of it.
    pub ended: Box<dyn Fn(TransferRecord)>,
}

/// One session's file transfers. Dropping it cancels what still moves
/// (reported as cancelled) and closes the channel.
pub struct FileLink {
    engine: Rc<Engine>,
}

/// What an offer is, whichever way it goes.
#[derive(Clone)]
struct Summary {
    way: Way,
    folder: Option<String>,
    files: Rc<Vec<OfferedFile>>,
}

struct Engine {
    channel: OnceCell<Rc<Channel<FileMessage>>>,
    /// Which side this is: decides the ids' parity and the records' direction.
    role: Role,
    next_id: Cell<u32>,
    outgoing: RefCell<HashMap<u32, Outgoing>>,
    incoming: RefCell<HashMap<u32, Incoming>>,
    /// Transfers that ended here: their late chunks are dropped quietly.
    ended: RefCell<HashSet<u32>>,
    /// Object URLs of saved files, released when the session's link goes.
    saved_urls: RefCell<Vec<String>>,
    events: FileEvents,
}

impl FileLink {
    /// Opens the `files` channel on `link`.
    pub fn open(link: &PeerLink, role: Role, events: FileEvents) -> FileLink {
        let engine = Rc::new(Engine {
            channel: OnceCell::new(),
            role,
            // Odd ids on the technician's side, even on the customer's.
            next_id: Cell::new(if role == Role::Technician { 1 } else { 2 }),
            outgoing: RefCell::default(),
            incoming: RefCell::default(),
            ended: RefCell::default(),
            saved_urls: RefCell::default(),
            events,
        });
        let weak = Rc::downgrade(&engine);
        let channel = link.open_channel(move |message: FileMessage| {
            if let Some(engine) = weak.upgrade() {
                Engine::on_message(&engine, message);
            }
        });
        let _ = engine.channel.set(Rc::new(channel));
        FileLink { engine }
    }

    /// Offers what was picked; returns the transfer's id.
    pub fn offer(&self, picked: Picked) -> Option<u32> {
        Engine::offer(&self.engine, picked)
    }

    /// Accept: the bytes may come (the person clicked).
    pub fn accept(&self, id: u32) {
        Engine::accept(&self.engine, id);
    }

    pub fn decline(&self, id: u32) {
        if self.engine.incoming.borrow().contains_key(&id) {
            self.engine.send(FileControl::Decline { id });
            self.engine.finish(id, TransferAction::Declined { id });
        }
    }

    /// Cancel, from either side, at any time before the end.
    pub fn cancel(&self, id: u32) {
        let known = self.engine.outgoing.borrow().contains_key(&id)
            || self.engine.incoming.borrow().contains_key(&id);
        if known {
            self.engine.send(FileControl::Cancel { id });
            self.engine
                .finish(id, TransferAction::Cancelled { id, by_me: true });
        }
    }

    /// Sends a text for the other side to copy; returns what was sent.
    pub fn send_text(&self, raw: &str) -> Option<(String, f64)> {
        let text = shared_text(raw)?;
        let at_ms = browser::now_ms().floor();
        self.engine.send(FileControl::Text {
            text: text.clone(),
            sent_at_ms: at_ms as u64,
        });
        Some((text, at_ms))
    }
}

/// Trims nothing but surrounding blank lines (a pasted command's spaces
/// matter) and caps the text; `None` when nothing is left.
pub fn shared_text(raw: &str) -> Option<String> {
    let text = raw.trim_matches(|c| c == '\n' || c == '\r');
    if text.trim().is_empty() {
        return None;
    }
    Some(text.chars().take(MAX_SHARED_TEXT_CHARS).collect())
}

impl Drop for FileLink {
    fn drop(&mut self) {
        let engine = &self.engine;
        let open: Vec<u32> = engine
            .outgoing
            .borrow()
            .keys()
            .chain(engine.incoming.borrow().keys())
            .copied()
            .collect();
        for id in open {
            engine.finish(id, TransferAction::Cancelled { id, by_me: false });
        }
        for url in engine.saved_urls.borrow_mut().drain(..) {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    }
}

impl Engine {
    fn send(&self, control: FileControl) {
        if let Some(channel) = self.channel.get() {
            channel.send(&FileMessage::Control(control));
        }
    }

    fn emit(&self, action: TransferAction) {
        (self.events.action)(action);
    }

    /// Ends a transfer here (once): forgets it, shows the end, reports it.
    fn finish(&self, id: u32, action: TransferAction) {
        let summary = {
            let out = self.outgoing.borrow_mut().remove(&id);
            if let Some(out) = &out {
                out.stop();
            }
            let inc = self.incoming.borrow_mut().remove(&id);
            out.map(|o| o.summary).or(inc.and_then(|i| i.summary()))
        };
        self.ended.borrow_mut().insert(id);
        let outcome = match &action {
            TransferAction::Done { .. } => TransferOutcome::Done,
            TransferAction::Declined { .. } => TransferOutcome::Declined,
            TransferAction::Cancelled { .. } => TransferOutcome::Cancelled,
            _ => TransferOutcome::Failed,
        };
        self.emit(action);
        if let Some(s) = summary {
            let technician_sends = self.role == Role::Technician;
            (self.events.ended)(record_of(
                s.way,
                s.folder,
                &s.files,
                outcome,
                technician_sends,
            ));
        }
    }

    /// Ends a transfer for `problem`, telling the other side.
    fn fail(&self, id: u32, problem: TransferProblem, file: Option<usize>) {
        self.send(FileControl::Error {
            id,
            file: file.map(|f| f as u32),
            reason: problem,
        });
        self.finish(id, TransferAction::Failed { id, problem, file });
    }

    fn on_message(this: &Rc<Engine>, message: FileMessage) {
        match message {
            FileMessage::Chunk(chunk) => Engine::on_chunk(this, chunk),
            FileMessage::Control(control) => match control {
                FileControl::Offer {
                    id,
                    folder,
                    count,
                    total_bytes,
                    files,
                } => this.on_offer(id, folder, count, total_bytes, files),
                FileControl::OfferMore { id, files } => this.on_offer_more(id, files),
                FileControl::Accept { id } => Engine::on_accept(this, id),
                FileControl::Decline { id } => {
                    if this.outgoing.borrow().contains_key(&id) {
                        this.finish(id, TransferAction::Declined { id });
                    }
                }
                FileControl::Cancel { id } => {
                    let known = this.outgoing.borrow().contains_key(&id)
                        || this.incoming.borrow().contains_key(&id);
                    if known {
                        this.finish(id, TransferAction::Cancelled { id, by_me: false });
                    }
                }
                FileControl::FileDone { id, file, sha256 } => this.on_file_done(id, file, &sha256),
                FileControl::Complete { id } => {
                    if this.outgoing.borrow().contains_key(&id) {
                        let now_ms = browser::now_ms();
                        this.finish(id, TransferAction::Done { id, now_ms });
                    }
                }
                FileControl::Error { id, file, reason } => {
                    let known = this.outgoing.borrow().contains_key(&id)
                        || this.incoming.borrow().contains_key(&id);
                    if known {
                        let file = file.map(|f| f as usize);
                        this.finish(
                            id,
                            TransferAction::Failed {
                                id,
                                problem: reason,
                                file,
                            },
                        );
                    }
                }
                FileControl::Text { text, sent_at_ms } => {
                    if let Some(text) = shared_text(&text) {
                        this.emit(TransferAction::TextReceived {
                            text,
                            at_ms: sent_at_ms as f64,
                        });
                    }
                }
            },
        }
    }

    /// The other side's id, unless it is one this side would choose.
    fn theirs(&self, id: u32) -> bool {
        let mine_odd = self.role == Role::Technician;
        (id % 2 == 1) != mine_odd
    }

    fn upgrade(weak: &Weak<Engine>) -> Option<Rc<Engine>> {
        weak.upgrade()
    }
}
