//! The customer page's stages and what its parts can be: the flow, the
//! share, the technician's screen and the consent dialog.

use protocol::ws::{ConsentScope, EndReason};

/// Where the customer is in the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Filling in the form. `joining` while a join is on its way, so the
    /// button cannot send it twice.
    Form { joining: bool },
    /// Joined; the technician has not started the session yet.
    Waiting,
    /// The technician started the session: chat and consent work.
    Connected,
    /// Over, and why.
    Ended(EndReason),
}

/// What the customer is sharing, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    Off,
    /// Allowed; the browser's picker (or camera prompt) is open.
    Starting(ShareKind),
    On(ShareKind),
}

/// What a share shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareKind {
    /// A screen, window or tab through `getDisplayMedia`.
    Screen,
    /// The back camera, where the browser cannot share a screen (phones).
    Camera,
}

/// The technician's own screen on the customer's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Off,
    /// Announced; the picture is on its way.
    Waiting,
    /// The picture is there.
    Live,
}

/// The open consent dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentPrompt {
    /// What is asked; answered with the same scope.
    pub scope: ConsentScope,
    /// Named in the dialog: the customer must know who asks.
    pub technician: String,
    /// Local Unix ms when silence becomes a refusal; drives the countdown.
    pub deadline_ms: f64,
}
