//! Remote control from the console: the second peer link of a session,
//! to the customer's Lifeline Helper. The console offers (the helper only
//! answers): a receive-only video transceiver for the helper's screen and
//! the `control` and `input` channels, signalled with `to: helper`. The
//! link opens on `helper joined` and closes when the helper leaves, the
//! permission ends or the session does. Pointer moves are sent once per
//! animation frame, the newest only; everything else as it happens, and
//! nothing at all while the server says View only.

use std::rc::Rc;

use gloo::render::{AnimationFrame, request_animation_frame};
use protocol::peer::control::PointerMove;
use protocol::peer::input::InputMessage;
use protocol::{ClientMessage, Role, SessionId};
use web_sys::MediaStream;

use super::{Inner, TechnicianDesk};
use crate::browser;
use crate::remote::{ControlClick, Driver, Outgoing, Point};
use crate::rtc::{Channel, PeerEvents, PeerLink};
use crate::session::wiring::to;
use crate::state::console::{Action, ClipboardNote, ControlAction, RemoteControl, TabAction};

/// The link to one session's helper. Dropping it closes it.
pub(super) struct HelperLink {
    // Channels first: they close before the connection does.
    control: Channel<PointerMove>,
    input: Channel<InputMessage>,
    link: PeerLink,
    /// The helper's screen, for `video#helper-screen`.
    stream: Option<MediaStream>,
    driver: Driver,
    /// The newest pointer position, waiting for the next frame.
    pending_move: Option<Option<Point>>,
    /// The frame that sends it; one at a time.
    frame: Option<AnimationFrame>,
}

impl HelperLink {
    fn send(&self, outgoing: Outgoing) {
        match outgoing {
            Outgoing::Move(pointer) => self.control.send(&pointer),
            Outgoing::Input(message) => self.input.send(&message),
        }
    }

    fn send_all(&self, outgoing: impl IntoIterator<Item = Outgoing>) {
        outgoing.into_iter().for_each(|o| self.send(o));
    }

    /// Applies a relayed signal from the helper.
    pub(super) fn handle_signal(&self, data: &serde_json::Value) {
        self.link.handle_signal(data);
    }
}

impl TechnicianDesk {
    /// A remote-control click. Returns whether the event was used, so the
    /// view keeps the console's page from acting on it too.
    pub fn control(&self, session: SessionId, click: ControlClick) -> bool {
        let inner = &self.inner;
        let emit = |action| {
            inner
                .dispatch
                .emit(Action::Tab(session, TabAction::Control(action)))
        };
        match click {
            ControlClick::Request => {
                inner.send_frame(&ClientMessage::ConsentRequest {
                    session,
                    scope: protocol::ws::ConsentScope::RemoteControl,
                });
                emit(ControlAction::Requested);
                true
            }
            ControlClick::Mode(controlling) => {
                // Input stops here at once; the server's word starts it.
                if !controlling {
                    inner.with_helper(session, |h| {
                        let release = h.driver.set_controlling(false);
                        h.send_all(release);
                    });
                }
                inner.send_frame(&ClientMessage::ControlMode {
                    session,
                    controlling,
                });
                true
            }
            ControlClick::Move(point) => Inner::queue_move(inner, session, point),
            ControlClick::EditClipboard(text) => {
                emit(ControlAction::EditClipboard(text));
                true
            }
            ControlClick::ClipboardPush(text) => match RemoteControl::clipboard_to_push(&text) {
                Err(note) => {
                    emit(ControlAction::ClipboardPushed(note));
                    false
                }
                Ok(text) => {
                    let sent = inner.with_helper(session, |h| {
                        let on = h.driver.controlling();
                        if on {
                            h.input.send(&InputMessage::ClipboardPush { text });
                        }
                        on
                    });
                    if sent == Some(true) {
                        emit(ControlAction::ClipboardPushed(ClipboardNote::Sent));
                    }
                    sent == Some(true)
                }
            },
            click => inner
                .with_helper(session, |h| {
                    let outgoing = drive(&mut h.driver, click);
                    let used = outgoing.used;
                    h.send_all(outgoing.messages);
                    used
                })
                .unwrap_or(false),
        }
    }

    /// The helper's screen for this session, while it plays.
    pub fn helper_stream(&self, session: SessionId) -> Option<MediaStream> {
        let sessions = self.inner.sessions.borrow();
        let helper = sessions.get(&session)?.helper.as_ref()?;
        helper.stream.clone()
    }
}

/// What one click sends, and whether the page should leave the event alone.
struct Driven {
    messages: Vec<Outgoing>,
    used: bool,
}

fn drive(driver: &mut Driver, click: ControlClick) -> Driven {
    let used = driver.controlling();
    let messages = match click {
        ControlClick::Button { button, down, at } => {
            driver.button(button, down, at).into_iter().collect()
        }
        ControlClick::Wheel { dx, dy, unit } => driver.wheel(dx, dy, unit).into_iter().collect(),
        ControlClick::Key {
            code,
            key,
            down,
            composing,
            modifiers,
        } => {
            let outcome = driver.key(&code, &key, down, composing, modifiers);
            return Driven {
                messages: outcome.messages,
                used: outcome.prevent_default,
            };
        }
        ControlClick::Text(text) => driver.text(&text).into_iter().collect(),
        ControlClick::Special(key) => driver.special(key),
        ControlClick::Blur => driver.release_all().into_iter().collect(),
        ControlClick::Monitor(index) => {
            // Which monitor to watch is no input: View only may switch too.
            return Driven {
                messages: vec![Outgoing::Input(InputMessage::SelectMonitor { index })],
                used: true,
            };
        }
        ControlClick::ClipboardPull if used => vec![Outgoing::Input(InputMessage::ClipboardPull)],
        _ => Vec::new(),
    };
    Driven { messages, used }
}

impl Inner {
    /// Runs `f` on the session's helper link, if there is one.
    fn with_helper<T>(
        &self,
        session: SessionId,
        f: impl FnOnce(&mut HelperLink) -> T,
    ) -> Option<T> {
        let mut sessions = self.sessions.borrow_mut();
        sessions.get_mut(&session)?.helper.as_mut().map(f)
    }

    /// Keeps the newest position and sends it at the next frame: a mouse
    /// reports far more often than the screen changes.
    fn queue_move(this: &Rc<Inner>, session: SessionId, point: Option<Point>) -> bool {
        let weak = Rc::downgrade(this);
        this.with_helper(session, |h| {
            if !h.driver.controlling() {
                return false;
            }
            h.pending_move = Some(point);
            if h.frame.is_none() {
                h.frame = Some(request_animation_frame(move |_| {
                    if let Some(inner) = weak.upgrade() {
                        inner.with_helper(session, |h| {
                            h.frame = None;
                            let point = h.pending_move.take().flatten();
                            let pointer = h.driver.pointer_move(point);
                            h.send_all(pointer);
                        });
                    }
                }));
            }
            true
        })
        .unwrap_or(false)
    }

    /// `helper joined`: connect to it (once).
    pub(super) fn open_helper(this: &Rc<Inner>, session: SessionId) {
        let ice_servers = {
            let sessions = this.sessions.borrow();
            match sessions.get(&session) {
                Some(live) if live.helper.is_none() => live.ice_servers.clone(),
                _ => return,
            }
        };
        let emit = move |c: &Rc<Inner>, action| {
            c.dispatch
                .emit(Action::Tab(session, TabAction::Control(action)))
        };
        let events = PeerEvents {
            signal: Box::new(to(this, move |c, data| {
                c.send_frame(&ClientMessage::Signal {
                    session: Some(session),
                    to: Some(Role::Helper),
                    data,
                })
            })),
            status: Box::new(to(this, move |c, status| {
                emit(c, ControlAction::Peer(status))
            })),
            remote_stream: Box::new(to(this, move |c, stream: Option<MediaStream>| {
                let playing = stream.is_some();
                c.with_helper(session, |h| h.stream = stream);
                emit(c, ControlAction::Video(playing));
            })),
        };
        // The console makes the offer and never yields: it is the
        // technician's side of a browser link too.
        let link = match PeerLink::new(&ice_servers, Role::Technician, events) {
            Ok(link) => link,
            Err(e) => {
                browser::log(&format!("lifeline: helper connection failed: {e:?}"));
                return emit(this, ControlAction::Peer(crate::state::PeerStatus::Failed));
            }
        };
        link.receive_video();
        let control = link.open_channel(|_: PointerMove| {});
        let input = link.open_channel(to(this, move |c, message| on_input(c, session, message)));
        let helper = HelperLink {
            control,
            input,
            link,
            stream: None,
            driver: Driver::default(),
            pending_move: None,
            frame: None,
        };
        if let Some(live) = this.sessions.borrow_mut().get_mut(&session) {
            live.helper = Some(helper);
        }
    }

    /// The helper left, control ended, or the session did: release what
    /// is held (while the channel may still carry it) and close.
    pub(super) fn close_helper(&self, session: SessionId) {
        let helper = {
            let mut sessions = self.sessions.borrow_mut();
            sessions.get_mut(&session).and_then(|l| l.helper.take())
        };
        if let Some(mut helper) = helper {
            let release = helper.driver.release_all();
            helper.send_all(release);
            drop(helper);
        }
    }

    /// The server's `control_mode`: input flows only after it says Control.
    pub(super) fn set_control_mode(&self, session: SessionId, controlling: bool) {
        self.with_helper(session, |h| {
            let release = h.driver.set_controlling(controlling);
            h.send_all(release);
        });
    }
}

/// A message from the helper on `input`.
fn on_input(inner: &Rc<Inner>, session: SessionId, message: InputMessage) {
    let action = match message {
        InputMessage::Monitors { monitors, current } => {
            ControlAction::Monitors { monitors, current }
        }
        InputMessage::Clipboard { text } => ControlAction::Clipboard(text),
        InputMessage::Refused { what, reason } => ControlAction::Refused { what, reason },
        // Console-to-helper messages have no business coming back.
        _ => return,
    };
    inner
        .dispatch
        .emit(Action::Tab(session, TabAction::Control(action)));
}
