//! A session's transcript: chat lines and the notices the app writes about
//! consent and sharing, in the order they happened.
//!
//! Held behind an `Rc`, so copying a page's state for the next render
//! shares it instead of copying every line; only a new line copies it.

use std::rc::Rc;

/// Who wrote a chat line, from this browser's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    Me,
    Peer,
}

/// Something that happened in a session, shown in order in the transcript.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A chat line. `at_ms` is the writer's clock (Unix ms).
    Chat {
        from: Speaker,
        text: String,
        at_ms: f64,
    },
    /// A line the app writes about consent and sharing, so both people
    /// always see what is being shared and since when.
    Notice { event: Notice, at_ms: f64 },
}

/// The session events the transcript records besides chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The customer allowed screen view.
    Allowed,
    /// The customer said no.
    Denied,
    /// Nobody answered in time.
    TimedOut,
    /// Sharing stopped after it was allowed.
    Stopped,
    /// The customer allowed, but the browser could not start capture.
    ShareFailed,
    /// The technician started showing their own screen to the customer.
    Shown,
    /// The technician stopped showing it.
    ShownStopped,
    /// The customer closed the technician's screen.
    ShownClosed,
    /// The technician's screen could not be captured.
    ShowFailed,
    /// The customer allowed remote control.
    ControlAllowed,
    /// The customer said no to remote control.
    ControlDenied,
    /// Nobody answered the remote-control request in time.
    ControlTimedOut,
    /// Remote control stopped after it was allowed.
    ControlStopped,
    /// The Lifeline Helper left while it was connected.
    HelperLeft,
}

/// The entries of one session, oldest first; cheap to clone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transcript(Rc<Vec<Entry>>);

impl Transcript {
    /// Adds an entry at the end.
    pub fn push(&mut self, entry: Entry) {
        Rc::make_mut(&mut self.0).push(entry);
    }

    /// Adds a chat line.
    pub fn chat(&mut self, from: Speaker, text: String, at_ms: f64) {
        self.push(Entry::Chat { from, text, at_ms });
    }

    /// Adds a notice.
    pub fn notice(&mut self, event: Notice, at_ms: f64) {
        self.push(Entry::Notice { event, at_ms });
    }

    pub fn entries(&self) -> &[Entry] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The notices alone, in order: what tests and reports look at.
    pub fn notices(&self) -> Vec<Notice> {
        self.0
            .iter()
            .filter_map(|e| match e {
                Entry::Notice { event, .. } => Some(*event),
                Entry::Chat { .. } => None,
            })
            .collect()
    }
}

impl From<Vec<Entry>> for Transcript {
    fn from(entries: Vec<Entry>) -> Self {
        Self(Rc::new(entries))
    }
}
