//! The technician's own screen on the customer's page. The screen channel
//! announces it with its stream id; the peer link delivers the technician's
//! streams; the page shows the stream whose id was announced, whichever of
//! the two came first, and only until it is stopped or closed here.

use protocol::peer::screen::ScreenMessage;
use web_sys::MediaStream;

use super::{CustomerSession, Inner};
use crate::browser;
use crate::state::customer::Action;

/// What is known of the technician's screen.
#[derive(Default)]
pub(super) struct Shown {
    /// The stream id the technician announced, until stopped or closed.
    announced: Option<String>,
    /// The technician's stream the link delivered last, if it still has tracks.
    stream: Option<MediaStream>,
}

impl Shown {
    /// The stream to show: the delivered one, if it is the announced one.
    fn picture(&self) -> Option<MediaStream> {
        let announced = self.announced.as_deref()?;
        self.stream.clone().filter(|s| s.id() == announced)
    }
}

impl CustomerSession {
    /// The technician's screen, while announced and delivered.
    pub fn shown_stream(&self) -> Option<MediaStream> {
        self.inner.shown.borrow().picture()
    }

    /// Close was clicked: hidden here, and the technician is told (their
    /// side stops sending it).
    pub fn close_shown(&self) {
        let was = self.inner.shown.borrow_mut().announced.take();
        if was.is_none() {
            return;
        }
        if let Some(peer) = self.inner.peer.borrow().as_ref() {
            peer.send_screen(&ScreenMessage::Closed);
        }
        self.inner.dispatch.emit(Action::ShownClosed {
            at_ms: browser::now_ms(),
        });
    }
}

impl Inner {
    /// A message on the screen channel.
    pub(super) fn on_shown_message(&self, message: ScreenMessage) {
        let at_ms = browser::now_ms();
        match message {
            ScreenMessage::Showing { stream } => {
                self.shown.borrow_mut().announced = Some(stream);
                self.dispatch.emit(Action::ShownAnnounced { at_ms });
                self.refresh_shown();
            }
            ScreenMessage::Stopped => {
                self.shown.borrow_mut().announced = None;
                self.dispatch.emit(Action::ShownStopped { at_ms });
            }
            // The customer's own word; never sent to this side.
            ScreenMessage::Closed => {}
        }
    }

    /// The link delivered a stream of the technician's, or it went.
    pub(super) fn on_shown_stream(&self, stream: Option<MediaStream>) {
        self.shown.borrow_mut().stream = stream;
        self.refresh_shown();
    }

    /// The session is over: nothing is shown any more.
    pub(super) fn forget_shown(&self) {
        *self.shown.borrow_mut() = Shown::default();
    }

    fn refresh_shown(&self) {
        let live = self.shown.borrow().picture().is_some();
        self.dispatch.emit(Action::ShownPicture(live));
    }
}
