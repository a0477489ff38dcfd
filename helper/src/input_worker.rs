//! The input thread: applies the console's input through a
//! [`Controller`], off the async runtime, since X requests block and
//! typing borrowed characters waits between keys. Clipboard requests are
//! served here too, as they need control just as keys do.

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use protocol::peer::control::PointerMove;
use protocol::peer::input::{InputMessage, Monitor};
use tokio::sync::mpsc::UnboundedSender;

use crate::Error;
use crate::control::{Applied, Controller};
use crate::desktop::{Clipboard, InputSink};

/// How long exit waits for keys to be released before going anyway.
const FINISH_TIMEOUT: Duration = Duration::from_millis(500);

pub type ClipboardFactory = Box<dyn Fn() -> Result<Box<dyn Clipboard>, Error> + Send>;

enum Command {
    Pointer(PointerMove),
    Message(InputMessage),
    Controlling(bool),
    Area(Monitor),
    NewLink,
    Finish(mpsc::Sender<()>),
}

pub struct InputWorker {
    commands: mpsc::Sender<Command>,
    thread: Option<JoinHandle<()>>,
}

impl InputWorker {
    /// `replies`: messages for the console (`clipboard`, `refused`).
    pub fn start(
        sink: Box<dyn InputSink>,
        clipboard: ClipboardFactory,
        replies: UnboundedSender<InputMessage>,
    ) -> std::io::Result<InputWorker> {
        let (commands, rx) = mpsc::channel();
        let worker = Worker {
            controller: Controller::new(sink),
            clipboard_factory: clipboard,
            clipboard: None,
            replies,
        };
        let thread = std::thread::Builder::new()
            .name("input".into())
            .spawn(move || worker.run(rx))?;
        Ok(InputWorker {
            commands,
            thread: Some(thread),
        })
    }

    fn send(&self, command: Command) {
        // A stopped worker has released everything already.
        let _ = self.commands.send(command);
    }

    pub fn pointer(&self, m: PointerMove) {
        self.send(Command::Pointer(m));
    }

    pub fn message(&self, m: InputMessage) {
        self.send(Command::Message(m));
    }

    pub fn set_controlling(&self, on: bool) {
        self.send(Command::Controlling(on));
    }

    pub fn set_area(&self, monitor: Monitor) {
        self.send(Command::Area(monitor));
    }

    pub fn new_link(&self) {
        self.send(Command::NewLink);
    }

    /// Releases every key and button and stops the thread; waits for it
    /// (within a bound: exit must not hang on a wedged X server).
    pub fn finish(mut self) {
        let (tx, rx) = mpsc::channel();
        self.send(Command::Finish(tx));
        if rx.recv_timeout(FINISH_TIMEOUT).is_ok()
            && let Some(thread) = self.thread.take()
        {
            let _ = thread.join();
        }
    }
}

impl Drop for InputWorker {
    fn drop(&mut self) {
        if self.thread.is_some() {
            let (tx, _rx) = mpsc::channel();
            self.send(Command::Finish(tx));
        }
    }
}

struct Worker {
    controller: Controller<dyn InputSink>,
    clipboard_factory: ClipboardFactory,
    clipboard: Option<Box<dyn Clipboard>>,
    replies: UnboundedSender<InputMessage>,
}

impl Worker {
    fn run(mut self, commands: mpsc::Receiver<Command>) {
        while let Ok(command) = commands.recv() {
            let result = match command {
                Command::Pointer(m) => self.controller.pointer(m).map(drop),
                Command::Message(m) => self.message(m),
                Command::Controlling(on) => self.controller.set_controlling(on),
                Command::Area(monitor) => {
                    self.controller.set_area(monitor);
                    Ok(())
                }
                Command::NewLink => {
                    self.controller.new_link();
                    self.controller.release_all()
                }
                Command::Finish(done) => {
                    if let Err(e) = self.controller.finish() {
                        eprintln!("Releasing keys: {e}");
                    }
                    let _ = done.send(());
                    return;
                }
            };
            if let Err(e) = result {
                eprintln!("Input: {e}");
            }
        }
        // Every sender gone: the helper is ending without saying so.
        let _ = self.controller.finish();
    }

    fn refuse(&self, what: &str, reason: impl ToString) {
        let _ = self.replies.send(InputMessage::Refused {
            what: what.into(),
            reason: reason.to_string(),
        });
    }

    fn message(&mut self, m: InputMessage) -> Result<(), Error> {
        match self.controller.apply(&m)? {
            Applied::NotInput => {}
            Applied::Ignored => {
                if matches!(m, InputMessage::Text { .. }) {
                    self.refuse("text", "View only: the helper is not in control mode.");
                }
                return Ok(());
            }
            Applied::Done | Applied::Stale => return Ok(()),
        }
        let what = match &m {
            InputMessage::ClipboardPush { .. } => "clipboard_push",
            InputMessage::ClipboardPull => "clipboard_pull",
            _ => return Ok(()), // monitor choice is the capture side's
        };
        if !self.controller.controlling() {
            self.refuse(what, "View only: the clipboard needs control mode.");
            return Ok(());
        }
        if self.clipboard.is_none() {
            match (self.clipboard_factory)() {
                Ok(c) => self.clipboard = Some(c),
                Err(e) => {
                    self.refuse(what, format!("The clipboard is not available: {e}"));
                    return Ok(());
                }
            }
        }
        let clipboard = self.clipboard.as_mut().expect("made above");
        match m {
            InputMessage::ClipboardPush { text } => {
                if let Err(e) = clipboard.set(&text) {
                    self.refuse(what, e);
                }
            }
            _ => match clipboard.get() {
                Ok(text) => {
                    let text = text.unwrap_or_default();
                    let _ = self.replies.send(InputMessage::Clipboard { text });
                }
                Err(e) => self.refuse(what, e),
            },
        }
        Ok(())
    }
}
