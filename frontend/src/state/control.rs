//! Where a session's Lifeline Helper stands, as both pages show it. The
//! console's and the customer's remote-control state build on it
//! ([`console::control`](super::console::control),
//! [`customer::control`](super::customer::control)).

use protocol::ws::HelperStatus;

/// The helper, as the server last reported it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Helper {
    /// Not joined (yet): before the offer, or waiting for the customer to
    /// run the download.
    #[default]
    Absent,
    /// Joined: the console connects to it.
    Joined,
    /// Its socket closed.
    Left,
    /// It ran but cannot control this computer, in its own words.
    Unavailable(String),
}

impl Helper {
    /// From a `helper` frame.
    pub fn from_status(status: HelperStatus, detail: Option<String>) -> Helper {
        match status {
            HelperStatus::Joined => Helper::Joined,
            HelperStatus::Left => Helper::Left,
            HelperStatus::Unavailable => Helper::Unavailable(detail.unwrap_or_default()),
        }
    }
}
