//! Remote control on the customer's side: the answer to its request and
//! Stop control. Nothing is captured here; the Lifeline Helper the
//! customer runs shows the screen and takes the input, and the server
//! tells the page how it goes.

use protocol::ClientMessage;
use protocol::ws::ConsentScope;

use super::CustomerSession;
use crate::session::wiring::Controller;
use crate::state::customer::Action;

impl CustomerSession {
    /// Allow or Deny on a remote-control request. With Allow the server
    /// offers the helper's download.
    pub(super) fn answer_control(&self, allowed: bool) {
        self.inner.send(&ClientMessage::ConsentAnswer {
            scope: ConsentScope::RemoteControl,
            allowed,
        });
        self.inner.dispatch.emit(Action::ControlAnswered);
    }

    /// Stop control: the server ends the permission and closes the helper.
    pub fn stop_control(&self) {
        self.inner.send(&ClientMessage::ShareStopped {
            scope: ConsentScope::RemoteControl,
        });
    }
}
