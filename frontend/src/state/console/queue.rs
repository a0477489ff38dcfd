//! The live queue: the technician's open sessions as the server lists
//! them, and the ring for each newcomer.

use std::collections::BTreeSet;
use std::rc::Rc;

use protocol::SessionId;
use protocol::ws::{QueueEntry, SessionStatus};

/// The server's latest queue, in its order. Behind `Rc`s: it changes far
/// less often than the console renders.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Queue {
    /// The entries, oldest first.
    pub entries: Rc<Vec<QueueEntry>>,
    /// Every session id the queue has shown, so only newcomers ring.
    known: Rc<BTreeSet<SessionId>>,
    /// Bumped each time someone new waits; the page rings when it changes.
    pub ring: u32,
}

impl Queue {
    /// Customers waiting for anyone to start their session.
    pub fn waiting(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.status == SessionStatus::Waiting)
            .count()
    }

    /// The notes waiting on a session, which its tab starts with.
    pub fn notes(&self, id: SessionId) -> String {
        self.entry(id).map(|e| e.notes.clone()).unwrap_or_default()
    }

    /// The customer's name, if the session is queued.
    pub fn customer(&self, id: SessionId) -> Option<String> {
        self.entry(id).map(|e| e.customer.clone())
    }

    fn entry(&self, id: SessionId) -> Option<&QueueEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The whole queue, as sent when the console connects.
    pub fn replace(&mut self, sessions: Vec<QueueEntry>) {
        let newcomers = sessions.iter().filter(|e| !self.known.contains(&e.id));
        if newcomers
            .clone()
            .any(|e| e.status == SessionStatus::Waiting)
        {
            self.ring = self.ring.wrapping_add(1);
        }
        let ids: Vec<SessionId> = newcomers.map(|e| e.id).collect();
        if !ids.is_empty() {
            Rc::make_mut(&mut self.known).extend(ids);
        }
        self.entries = Rc::new(sessions);
    }

    /// One entry joined or changed.
    pub fn update(&mut self, session: QueueEntry) {
        let mut sessions = (*self.entries).clone();
        match sessions.iter_mut().find(|e| e.id == session.id) {
            Some(entry) => *entry = session,
            None => {
                sessions.push(session);
                sessions.sort_by_key(|e| e.id);
            }
        }
        self.replace(sessions);
    }

    /// One entry left.
    pub fn remove(&mut self, session: SessionId) {
        let sessions = self
            .entries
            .iter()
            .filter(|e| e.id != session)
            .cloned()
            .collect();
        self.replace(sessions);
    }
}
