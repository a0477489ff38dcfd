//! Turns the console's input messages into desktop input, and keeps the
//! customer safe while doing it: nothing is applied unless the server says
//! the technician is controlling (the console alone is not trusted), and
//! every key and button pressed is remembered so it can be released when
//! control stops, the link closes or the helper exits.

use std::collections::BTreeSet;

use protocol::peer::control::{PointerMove, to_pixel};
use protocol::peer::input::{InputMessage, MAX_TEXT_CHARS, Monitor, MouseButton};

use crate::Error;
use crate::desktop::InputSink;

/// What became of one message.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// Not controlling: dropped.
    Ignored,
    /// An older pointer move than one already applied.
    Stale,
    /// Not input (monitor choice, clipboard): for the caller.
    NotInput,
}

pub struct Controller<S: InputSink + ?Sized> {
    sink: Box<S>,
    controlling: bool,
    /// The monitor shown: where normalised positions land.
    area: Option<Monitor>,
    last_seq: Option<u32>,
    keys: BTreeSet<u16>,
    buttons: Vec<MouseButton>,
}

impl<S: InputSink + ?Sized> Controller<S> {
    pub fn new(sink: Box<S>) -> Self {
        Controller {
            sink,
            controlling: false,
            area: None,
            last_seq: None,
            keys: BTreeSet::new(),
            buttons: Vec::new(),
        }
    }

    pub fn controlling(&self) -> bool {
        self.controlling
    }

    /// The server's `control_mode`. Turning it off releases everything.
    pub fn set_controlling(&mut self, on: bool) -> Result<(), Error> {
        self.controlling = on;
        if !on {
            self.release_all()?;
            self.sink.restore()?;
        }
        Ok(())
    }

    pub fn set_area(&mut self, monitor: Monitor) {
        self.area = Some(monitor);
    }

    /// A new link starts its sequence numbers again.
    pub fn new_link(&mut self) {
        self.last_seq = None;
    }

    fn pixel(&self, x: u16, y: u16) -> Option<(i32, i32)> {
        let area = self.area.as_ref()?;
        Some((
            area.x + to_pixel(x, area.width) as i32,
            area.y + to_pixel(y, area.height) as i32,
        ))
    }

    fn move_to(&mut self, x: u16, y: u16) -> Result<(), Error> {
        if let Some((px, py)) = self.pixel(x, y) {
            self.sink.move_to(px, py)?;
        }
        Ok(())
    }

    pub fn pointer(&mut self, m: PointerMove) -> Result<Applied, Error> {
        if !self.controlling {
            return Ok(Applied::Ignored);
        }
        // The channel may reorder: a move older than the last is history.
        // Compared with wrap-around, as the counter may pass u32::MAX.
        if let Some(last) = self.last_seq
            && (m.seq.wrapping_sub(last) as i32) <= 0
        {
            return Ok(Applied::Stale);
        }
        self.last_seq = Some(m.seq);
        self.move_to(m.x, m.y)?;
        Ok(Applied::Done)
    }

    pub fn apply(&mut self, message: &InputMessage) -> Result<Applied, Error> {
        let is_input = matches!(
            message,
            InputMessage::Button { .. }
                | InputMessage::Wheel { .. }
                | InputMessage::Key { .. }
                | InputMessage::Text { .. }
                | InputMessage::ReleaseAll
        );
        if !is_input {
            return Ok(Applied::NotInput);
        }
        // Releasing is always safe, controlling or not.
        if *message == InputMessage::ReleaseAll {
            self.release_all()?;
            return Ok(Applied::Done);
        }
        if !self.controlling {
            return Ok(Applied::Ignored);
        }
        match message {
            InputMessage::Button { button, down, x, y } => {
                // The click lands where it was made, even if moves were lost.
                self.move_to(*x, *y)?;
                self.sink.button(*button, *down)?;
                self.buttons.retain(|b| b != button);
                if *down {
                    self.buttons.push(*button);
                }
            }
            InputMessage::Wheel { dx, dy } => self.sink.wheel(*dx, *dy)?,
            InputMessage::Key { usb, down } => {
                self.sink.key(*usb, *down)?;
                if *down {
                    self.keys.insert(*usb);
                } else {
                    self.keys.remove(usb);
                }
            }
            InputMessage::Text { text } => {
                let end = text
                    .char_indices()
                    .nth(MAX_TEXT_CHARS)
                    .map_or(text.len(), |(i, _)| i);
                self.sink.text(&text[..end])?;
            }
            _ => unreachable!("filtered above"),
        }
        Ok(Applied::Done)
    }

    /// Lets go of every key and button this controller pressed.
    pub fn release_all(&mut self) -> Result<(), Error> {
        let mut first_error = None;
        for usb in std::mem::take(&mut self.keys).into_iter().rev() {
            if let Err(e) = self.sink.key(usb, false) {
                first_error.get_or_insert(e);
            }
        }
        for button in std::mem::take(&mut self.buttons) {
            if let Err(e) = self.sink.button(button, false) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// At exit: release everything and give back borrowed keys.
    pub fn finish(&mut self) -> Result<(), Error> {
        self.controlling = false;
        let released = self.release_all();
        self.sink.restore()?;
        released
    }
}
