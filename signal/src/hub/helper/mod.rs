//! Remote control through the Lifeline Helper, the small native program
//! the customer runs after allowing control.
//!
//! Allowing `remote_control` mints a single-use token and offers the
//! customer the helper's downloads, each carrying the token in its
//! trailer. The helper joins `/ws` with it and becomes the session's third
//! member, with its own WebRTC link to the technician's console. The
//! server alone says whether the technician may control or only watch
//! (`control_mode`), keeps the stretches of control for the report, and
//! ends the helper's part whenever the customer stops control, the helper
//! goes or the session ends.
//!
//! - `token`: minting, hashing and checking tokens.
//! - `offer`: the offer after the customer allows control; downloads.
//! - `join`: a helper joining with its token.
//! - `control`: View only and Control, and the control periods.
//! - `ending`: every way the helper's part ends.

mod control;
mod ending;
mod join;
mod offer;
mod token;

use protocol::ws::HelperStatus;
use protocol::{ServerMessage, SessionId};

pub(super) use control::no_helper;
pub use join::Joined;
pub use offer::Download;
pub(super) use offer::{available_platforms, offer};
pub use token::Tickets;
use token::TokenHash;

use super::outbox::Outbox;
use super::session::LiveSession;

/// A session's Lifeline Helper, from the offer to its end.
#[derive(Debug, Default)]
pub struct HelperLink {
    /// The token of the standing offer, until a helper uses it or the
    /// permission ends.
    ticket: Option<TokenHash>,
    /// The helper's socket while it is connected.
    pub socket: Option<Outbox>,
    /// Control (`true`) or View only. Only means anything with a socket.
    pub controlling: bool,
}

impl HelperLink {
    /// True when `conn` is this session's helper.
    pub fn is(&self, conn: super::ConnId) -> bool {
        self.socket.as_ref().is_some_and(|s| s.conn == conn)
    }
}

/// Tells the customer's browser and the console what became of the helper.
fn tell_browsers(session: &LiveSession, status: HelperStatus, detail: Option<String>) {
    send_browsers(
        session,
        ServerMessage::Helper {
            session: session.id,
            status,
            detail,
        },
    );
}

fn send_browsers(session: &LiveSession, msg: ServerMessage) {
    session.customer.send(msg.clone());
    if let Some(console) = &session.console {
        console.send(msg);
    }
}

/// `control_mode` for everyone in the session: both browsers and the helper.
fn tell_control_mode(session: &LiveSession) {
    let msg = ServerMessage::ControlMode {
        session: session.id,
        controlling: session.helper.controlling,
    };
    if let Some(helper) = &session.helper.socket {
        helper.send(msg.clone());
    }
    send_browsers(session, msg);
}

/// The helper's session, if this socket is its helper.
pub(super) fn helper_session(
    state: &mut super::State,
    id: SessionId,
    conn: super::ConnId,
) -> Result<&mut LiveSession, super::Refusal> {
    state
        .sessions
        .get_mut(&id)
        .filter(|s| s.helper.is(conn))
        .ok_or_else(|| {
            super::Refusal::new(protocol::ErrorCode::SessionNotFound)
                .saying("Remote control of this session has ended.")
        })
}
