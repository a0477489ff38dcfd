//! Who is signed in, and the console's link to the server.

use crate::state::Problem;

/// Whether someone is signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// Asking `/api/me` on load; shows nothing yet, to avoid a sign-in
    /// form flashing up for someone who is signed in.
    Checking,
    SignedOut {
        /// A sign-in request is on its way.
        busy: bool,
        problem: Option<Problem>,
    },
    SignedIn {
        username: String,
    },
}

/// The console's signalling socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskLink {
    Connecting,
    Online,
    /// Lost; a reconnect is scheduled.
    Offline,
}

/// Everything that changes [`Auth`] alone. Signing out clears the whole
/// console, so it is a console action.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthAction {
    /// `/api/me` answered: who is signed in, if anyone.
    Checked(Option<String>),
    SignInStarted,
    SignInFailed(Problem),
    SignedIn(String),
}

impl Auth {
    pub fn username(&self) -> Option<&str> {
        match self {
            Auth::SignedIn { username } => Some(username),
            _ => None,
        }
    }

    pub fn apply(&mut self, action: AuthAction) {
        *self = match action {
            AuthAction::Checked(Some(username)) | AuthAction::SignedIn(username) => {
                Auth::SignedIn { username }
            }
            AuthAction::Checked(None) => Auth::SignedOut {
                busy: false,
                problem: None,
            },
            AuthAction::SignInStarted => Auth::SignedOut {
                busy: true,
                problem: None,
            },
            AuthAction::SignInFailed(problem) => Auth::SignedOut {
                busy: false,
                problem: Some(problem),
            },
        };
    }
}
