//! The console's tabs: started sessions in the order they started, and the
//! one on screen. Each tab sits behind its own `Rc`, so an action about
//! one session copies that tab alone, and the others' transcripts not at all.

use std::rc::Rc;

use protocol::SessionId;
use protocol::ws::EndReason;

use super::SessionTab;

/// The tabs and which one is shown.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tabs {
    list: Vec<Rc<SessionTab>>,
    /// The tab shown; `None` shows the overview.
    pub active: Option<SessionId>,
}

impl Tabs {
    pub fn iter(&self) -> impl Iterator<Item = &Rc<SessionTab>> {
        self.list.iter()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn get(&self, id: SessionId) -> Option<&SessionTab> {
        self.shared(id).map(Rc::as_ref)
    }

    /// The tab as shared with the view, so rendering it copies nothing.
    pub fn shared(&self, id: SessionId) -> Option<&Rc<SessionTab>> {
        self.list.iter().find(|t| t.id == id)
    }

    pub fn active_tab(&self) -> Option<&SessionTab> {
        self.active.and_then(|id| self.get(id))
    }

    /// Changes one tab, if it is open.
    pub fn update(&mut self, id: SessionId, change: impl FnOnce(&mut SessionTab)) {
        if let Some(tab) = self.list.iter_mut().find(|t| t.id == id) {
            change(Rc::make_mut(tab));
        }
    }

    /// A session started: its tab opens (once) and is shown.
    pub fn open(&mut self, tab: SessionTab) {
        let id = tab.id;
        if self.get(id).is_none() {
            self.list.push(Rc::new(tab));
        }
        self.active = Some(id);
    }

    /// Shows a tab (and marks its chat read), or the overview.
    pub fn select(&mut self, id: Option<SessionId>) {
        self.active = id.filter(|id| self.get(*id).is_some());
        if let Some(id) = self.active {
            self.update(id, |tab| tab.unread = 0);
        }
    }

    /// Closes an ended session's tab; a live one stays.
    pub fn close(&mut self, id: SessionId) {
        self.list.retain(|t| t.id != id || t.is_live());
        if self.active == Some(id) && self.get(id).is_none() {
            self.active = None;
        }
    }

    /// Ends every live session, for the same reason.
    pub fn end_all(&mut self, reason: EndReason) {
        for tab in &mut self.list {
            if tab.is_live() {
                Rc::make_mut(tab).end(reason);
            }
        }
    }
}
