//! Files, folders and text with the technician: the clicks of the
//! customer page's transfer panel, handed to the session's
//! [`FileLink`](crate::session::files::FileLink).

use super::{CustomerSession, Inner};
use crate::session::files::{FileClick, FileLink, Picked};
use crate::state::customer::Action;
use crate::state::transfers::TransferAction;

impl CustomerSession {
    /// A click in the files or text panel.
    pub fn files_click(&self, click: FileClick) {
        match click {
            FileClick::Send(picked) => self.send_files(picked),
            FileClick::Accept(id) => self.accept_transfer(id),
            FileClick::Decline(id) => self.decline_transfer(id),
            FileClick::Cancel(id) => self.cancel_transfer(id),
            FileClick::Dismiss(id) => self.dismiss_transfer(id),
            FileClick::Text(text) => self.send_text(&text),
        }
    }

    /// Send files / Send a folder / a drop: offered to the technician.
    pub fn send_files(&self, picked: Picked) {
        self.inner.with_files(|files| {
            files.offer(picked);
        });
    }

    pub fn accept_transfer(&self, id: u32) {
        self.inner.with_files(|files| files.accept(id));
    }

    pub fn decline_transfer(&self, id: u32) {
        self.inner.with_files(|files| files.decline(id));
    }

    pub fn cancel_transfer(&self, id: u32) {
        self.inner.with_files(|files| files.cancel(id));
    }

    /// Removes a finished transfer from the panel.
    pub fn dismiss_transfer(&self, id: u32) {
        self.inner
            .dispatch
            .emit(Action::Transfer(TransferAction::Dismiss(id)));
    }

    /// Send text: the technician gets it with a Copy button.
    pub fn send_text(&self, raw: &str) {
        let mut sent = None;
        self.inner.with_files(|files| sent = files.send_text(raw));
        if let Some((text, at_ms)) = sent {
            self.inner
                .dispatch
                .emit(Action::Transfer(TransferAction::TextSent { text, at_ms }));
        }
    }
}

impl Inner {
    /// Runs `f` on the session's file link, while there is one.
    fn with_files(&self, f: impl FnOnce(&FileLink)) {
        if let Some(peer) = self.peer.borrow().as_ref() {
            f(&peer.files);
        }
    }
}
