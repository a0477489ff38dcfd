//! One session's direct link as a controller holds it: the peer connection
//! and the channels both pages use on it (chat, files, screen), wired to the
//! controller.
//! A feature only one page has opens its channel in that page's controller,
//! on [`Peer::link`].

use std::rc::Rc;

use protocol::peer::chat::ChatMessage;
use protocol::peer::screen::ScreenMessage;
use protocol::ws::IceServer;
use protocol::{ClientMessage, Role, SessionId};

use super::files::{FileEvents, FileLink};
use super::wiring::{Controller, to};
use crate::browser;
use crate::rtc::{Channel, PeerEvents, PeerLink};
use crate::state::chat_text;

/// A started session's connection and channels. Dropping it closes them.
pub struct Peer {
    // Channels first: they close before the connection does.
    /// Chat lines, both ways.
    chat: Channel<ChatMessage>,
    /// Files, folders and text, both ways.
    pub files: FileLink,
    /// The technician's own screen: which stream it is, stopped, closed.
    screen: Channel<ScreenMessage>,
    /// The connection: signalling, media and stats.
    pub link: PeerLink,
}

impl Peer {
    /// Connects a session that just started. Signalling goes through the
    /// controller's socket: a console names the session, a customer's
    /// socket belongs to one session and never does. `None` when the
    /// browser refused to make the connection (logged).
    pub fn open<C: Controller>(
        controller: &Rc<C>,
        session: SessionId,
        ice_servers: &[IceServer],
        role: Role,
    ) -> Option<Peer> {
        let named = (role == Role::Technician).then_some(session);
        let signal = to(controller, move |c, data| {
            c.send(&ClientMessage::Signal {
                session: named,
                to: None,
                data,
            })
        });
        let events = PeerEvents {
            signal: Box::new(signal),
            status: Box::new(to(controller, move |c, status| {
                c.on_peer_status(session, status)
            })),
            remote_stream: Box::new(to(controller, move |c, stream| {
                c.on_remote_stream(session, stream)
            })),
        };
        match PeerLink::new(ice_servers, role, events) {
            Ok(link) => {
                let chat = link.open_channel(to(controller, move |c, m| c.on_chat(session, m)));
                let events = FileEvents {
                    action: Box::new(to(controller, move |c, a| c.on_transfer(session, a))),
                    ended: Box::new(to(controller, move |c, r| c.on_transfer_ended(session, r))),
                };
                let files = FileLink::open(&link, role, events);
                let screen = link.open_channel(to(controller, move |c, m: ScreenMessage| {
                    if m.is_sane() {
                        c.on_screen(session, m)
                    }
                }));
                Some(Peer {
                    chat,
                    files,
                    screen,
                    link,
                })
            }
            Err(e) => {
                browser::log(&format!("lifeline: peer connection failed: {e:?}"));
                None
            }
        }
    }

    /// Sends a chat line, if there is anything to send; returns what was
    /// sent and when (local Unix ms), for the transcript.
    pub fn send_chat(&self, raw: &str) -> Option<(String, f64)> {
        let text = chat_text(raw)?;
        // Whole milliseconds: the wire says integer, and the transcript
        // shows minutes.
        let at_ms = browser::now_ms().floor();
        self.chat.send(&ChatMessage::Chat {
            text: text.clone(),
            sent_at_ms: at_ms as u64,
        });
        Some((text, at_ms))
    }
}

impl Peer {
    /// Says something about the technician's screen to the other side.
    pub fn send_screen(&self, message: &ScreenMessage) {
        self.screen.send(message);
    }
}

/// A received chat line's text and time, for the transcript.
pub fn chat_line(message: ChatMessage) -> (String, f64) {
    match message {
        ChatMessage::Chat { text, sent_at_ms } => (text, sent_at_ms as f64),
    }
}
