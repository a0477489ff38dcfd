//! The CLIPBOARD selection. X keeps no clipboard contents itself: the
//! program that copied owns the selection and hands the text to whoever
//! asks. So pushing text means owning the selection and answering
//! `SelectionRequest`s for as long as the helper runs, on a thread of its
//! own; reading means asking the owner with `ConvertSelection`.

use std::os::fd::AsRawFd;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use protocol::peer::input::MAX_CLIPBOARD_BYTES;
use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    self, Atom, AtomEnum, ConnectionExt as _, CreateWindowAux, EventMask, PropMode,
    SelectionNotifyEvent, SelectionRequestEvent, WindowClass,
};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

use super::Display;
use crate::Error;
use crate::desktop::Clipboard;

/// How long the current owner has to answer a read.
const READ_TIMEOUT: Duration = Duration::from_secs(2);

type Reply<T> = mpsc::Sender<Result<T, String>>;

enum Command {
    Set(String, Reply<()>),
    Get(Reply<Option<String>>),
    Stop,
}

pub struct X11Clipboard {
    commands: mpsc::Sender<Command>,
    thread: Option<JoinHandle<()>>,
}

impl X11Clipboard {
    pub fn new(name: Option<&str>) -> Result<X11Clipboard, Error> {
        let owner = Owner::new(Display::open(name)?)?;
        let (commands, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("clipboard".into())
            .spawn(move || owner.run(rx))?;
        Ok(X11Clipboard {
            commands,
            thread: Some(thread),
        })
    }

    fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Command) -> Result<T, Error> {
        let (tx, rx) = mpsc::channel();
        self.commands
            .send(make(tx))
            .map_err(|_| "the clipboard thread stopped")?;
        Ok(rx
            .recv_timeout(READ_TIMEOUT + Duration::from_secs(1))
            .map_err(|_| "the clipboard did not answer")??)
    }
}

impl Clipboard for X11Clipboard {
    fn set(&mut self, text: &str) -> Result<(), Error> {
        if text.len() > MAX_CLIPBOARD_BYTES {
            return Err("the text is larger than 64 KiB".into());
        }
        self.ask(|reply| Command::Set(text.to_owned(), reply))
    }

    fn get(&mut self) -> Result<Option<String>, Error> {
        self.ask(Command::Get)
    }
}

impl Drop for X11Clipboard {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Atoms {
    clipboard: Atom,
    utf8: Atom,
    targets: Atom,
    text: Atom,
    property: Atom,
}

/// The thread's side: a hidden window that owns the selection.
struct Owner {
    display: Display,
    window: xproto::Window,
    atoms: Atoms,
    /// What we offer while we own the selection.
    text: Option<String>,
}

fn atom(conn: &RustConnection, name: &str) -> Result<Atom, Error> {
    Ok(conn.intern_atom(false, name.as_bytes())?.reply()?.atom)
}

impl Owner {
    fn new(display: Display) -> Result<Owner, Error> {
        let conn = &display.conn;
        let window = conn.generate_id()?;
        conn.create_window(
            0,
            window,
            display.root,
            -10,
            -10,
            1,
            1,
            0,
            WindowClass::INPUT_ONLY,
            0,
            &CreateWindowAux::new().event_mask(EventMask::PROPERTY_CHANGE),
        )?;
        let atoms = Atoms {
            clipboard: atom(conn, "CLIPBOARD")?,
            utf8: atom(conn, "UTF8_STRING")?,
            targets: atom(conn, "TARGETS")?,
            text: atom(conn, "TEXT")?,
            property: atom(conn, "LIFELINE_CLIPBOARD")?,
        };
        conn.flush()?;
        Ok(Owner {
            display,
            window,
            atoms,
            text: None,
        })
    }

    fn run(mut self, commands: mpsc::Receiver<Command>) {
        loop {
            if let Err(e) = self.drain_events() {
                eprintln!("Clipboard: {e}");
                return;
            }
            // Wakes often enough to answer a paste promptly; X events and
            // commands cannot be waited for together without more threads.
            match commands.recv_timeout(Duration::from_millis(30)) {
                Ok(Command::Set(text, reply)) => {
                    let _ = reply.send(self.set(text).map_err(|e| e.to_string()));
                }
                Ok(Command::Get(reply)) => {
                    let _ = reply.send(self.get().map_err(|e| e.to_string()));
                }
                Ok(Command::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
        }
    }

    fn drain_events(&mut self) -> Result<(), Error> {
        while let Some(event) = self.display.conn.poll_for_event()? {
            self.handle(event)?;
        }
        Ok(())
    }

    fn handle(&mut self, event: Event) -> Result<(), Error> {
        match event {
            Event::SelectionRequest(request) => self.answer(request),
            Event::SelectionClear(clear) if clear.selection == self.atoms.clipboard => {
                // Someone else copied: their text is the clipboard now.
                self.text = None;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn set(&mut self, text: String) -> Result<(), Error> {
        let conn = &self.display.conn;
        conn.set_selection_owner(self.window, self.atoms.clipboard, x11rb::CURRENT_TIME)?;
        let owner = conn
            .get_selection_owner(self.atoms.clipboard)?
            .reply()?
            .owner;
        if owner != self.window {
            return Err("another program holds on to the clipboard".into());
        }
        self.text = Some(text);
        Ok(())
    }

    /// Answers a paste: the text as UTF8_STRING (or TEXT), or the list of
    /// targets we offer; anything else is refused (property NONE).
    fn answer(&mut self, request: SelectionRequestEvent) -> Result<(), Error> {
        let conn = &self.display.conn;
        let a = &self.atoms;
        // Obsolete clients leave the property NONE: use the target's name.
        let property = if request.property == x11rb::NONE {
            request.target
        } else {
            request.property
        };
        let mut answered = x11rb::NONE;
        if let (Some(text), true) = (&self.text, request.selection == a.clipboard) {
            if request.target == a.targets {
                let offered = [a.targets, a.utf8, a.text];
                conn.change_property32(
                    PropMode::REPLACE,
                    request.requestor,
                    property,
                    AtomEnum::ATOM,
                    &offered,
                )?;
                answered = property;
            } else if request.target == a.utf8 || request.target == a.text {
                conn.change_property8(
                    PropMode::REPLACE,
                    request.requestor,
                    property,
                    a.utf8,
                    text.as_bytes(),
                )?;
                answered = property;
            }
        }
        let notify = SelectionNotifyEvent {
            response_type: xproto::SELECTION_NOTIFY_EVENT,
            sequence: 0,
            time: request.time,
            requestor: request.requestor,
            selection: request.selection,
            target: request.target,
            property: answered,
        };
        conn.send_event(false, request.requestor, EventMask::NO_EVENT, notify)?;
        conn.flush()?;
        Ok(())
    }

    fn get(&mut self) -> Result<Option<String>, Error> {
        // Ask the server who owns it now: a SelectionClear telling us
        // another program copied may still be unread.
        let owner = self
            .display
            .conn
            .get_selection_owner(self.atoms.clipboard)?
            .reply()?
            .owner;
        if owner == self.window
            && let Some(text) = &self.text
        {
            return Ok(Some(text.clone()));
        }
        if owner == x11rb::NONE || owner == self.window {
            return Ok(None);
        }
        let conn = &self.display.conn;
        let a = &self.atoms;
        conn.convert_selection(
            self.window,
            a.clipboard,
            a.utf8,
            a.property,
            x11rb::CURRENT_TIME,
        )?;
        conn.flush()?;
        let deadline = Instant::now() + READ_TIMEOUT;
        loop {
            let Some(event) = self.next_event(deadline)? else {
                return Err("the program that owns the clipboard did not answer".into());
            };
            match event {
                Event::SelectionNotify(n) if n.requestor == self.window => {
                    if n.property == x11rb::NONE {
                        return Ok(None);
                    }
                    return self.read_property();
                }
                other => self.handle(other)?,
            }
        }
    }

    fn read_property(&self) -> Result<Option<String>, Error> {
        let conn = &self.display.conn;
        let longs = (MAX_CLIPBOARD_BYTES / 4 + 1) as u32;
        let reply = conn
            .get_property(
                true,
                self.window,
                self.atoms.property,
                AtomEnum::ANY,
                0,
                longs,
            )?
            .reply()?;
        if reply.bytes_after > 0 || reply.value.len() > MAX_CLIPBOARD_BYTES {
            return Err("the clipboard holds more than 64 KiB of text".into());
        }
        if reply.type_ != self.atoms.utf8 && reply.type_ != u32::from(AtomEnum::STRING) {
            // INCR (a large transfer in parts) or something not text.
            return Ok(None);
        }
        Ok(Some(String::from_utf8_lossy(&reply.value).into_owned()))
    }

    /// The next X event, or `None` once `deadline` passes.
    fn next_event(&self, deadline: Instant) -> Result<Option<Event>, Error> {
        loop {
            if let Some(event) = self.display.conn.poll_for_event()? {
                return Ok(Some(event));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            let mut fd = libc::pollfd {
                fd: self.display.conn.stream().as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd for the duration of the call.
            unsafe { libc::poll(&mut fd, 1, left.as_millis().min(1000) as i32) };
        }
    }
}

impl Drop for Owner {
    fn drop(&mut self) {
        let _ = self.display.conn.destroy_window(self.window);
        let _ = self.display.conn.flush();
    }
}
