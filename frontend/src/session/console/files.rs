//! Files, folders and text with a session's customer: the clicks of the
//! session view's transfer panel, handed to the session's [`FileLink`](crate::session::files::FileLink).

use protocol::SessionId;

use super::{Inner, TechnicianDesk};
use crate::session::files::{FileClick, FileLink, Picked};
use crate::state::console::{Action, TabAction};
use crate::state::transfers::TransferAction;

impl TechnicianDesk {
    /// A click in the session's files or text panel.
    pub fn files_click(&self, session: SessionId, click: FileClick) {
        match click {
            FileClick::Send(picked) => self.send_files(session, picked),
            FileClick::Accept(id) => self.accept_transfer(session, id),
            FileClick::Decline(id) => self.decline_transfer(session, id),
            FileClick::Cancel(id) => self.cancel_transfer(session, id),
            FileClick::Dismiss(id) => self.dismiss_transfer(session, id),
            FileClick::Text(text) => self.send_text(session, &text),
        }
    }

    /// Send files / Send a folder / a drop: offered to the customer.
    pub fn send_files(&self, session: SessionId, picked: Picked) {
        self.inner.with_files(session, |files| {
            files.offer(picked);
        });
    }

    pub fn accept_transfer(&self, session: SessionId, id: u32) {
        self.inner.with_files(session, |files| files.accept(id));
    }

    pub fn decline_transfer(&self, session: SessionId, id: u32) {
        self.inner.with_files(session, |files| files.decline(id));
    }

    pub fn cancel_transfer(&self, session: SessionId, id: u32) {
        self.inner.with_files(session, |files| files.cancel(id));
    }

    /// Removes a finished transfer from the panel.
    pub fn dismiss_transfer(&self, session: SessionId, id: u32) {
        self.inner.dispatch.emit(Action::Tab(
            session,
            TabAction::Transfer(TransferAction::Dismiss(id)),
        ));
    }

    /// Send text: the customer gets it with a Copy button.
    pub fn send_text(&self, session: SessionId, raw: &str) {
        let mut sent = None;
        self.inner
            .with_files(session, |files| sent = files.send_text(raw));
        if let Some((text, at_ms)) = sent {
            self.inner.dispatch.emit(Action::Tab(
                session,
                TabAction::Transfer(TransferAction::TextSent { text, at_ms }),
            ));
        }
    }
}

impl Inner {
    /// Runs `f` on the session's file link, if the session is live. The
    /// link's events reach the desk later, from the browser's own events
    /// or at once; neither needs the sessions' borrow.
    fn with_files(&self, session: SessionId, f: impl FnOnce(&FileLink)) {
        let sessions = self.sessions.borrow();
        if let Some(live) = sessions.get(&session) {
            f(&live.peer.files);
        }
    }
}
