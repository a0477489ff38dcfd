//! Turns the console's input messages into desktop input, and keeps the
//! customer safe while doing it: nothing is applied unless the server says
//! the technician is controlling (the console alone is not trusted), and
//! every key and button pressed is remembered so it can be released when
//! control stops, the link closes or the helper exits.

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
    /// Held keys in the order pressed: released last first, so a
    /// modifier outlives the key it modified, as with fingers.
    keys: Vec<u16>,
    buttons: Vec<MouseButton>,
}

impl<S: InputSink + ?Sized> Controller<S> {
    pub fn new(sink: Box<S>) -> Self {
        Controller {
            sink,
            controlling: false,
            area: None,
            last_seq: None,
            keys: Vec::new(),
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
                self.keys.retain(|k| k != usb);
                if *down {
                    self.keys.push(*usb);
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Records calls instead of injecting them.
    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<String>>>);

    impl InputSink for Recorder {
        fn move_to(&mut self, x: i32, y: i32) -> Result<(), Error> {
            self.0.lock().unwrap().push(format!("move {x},{y}"));
            Ok(())
        }
        fn button(&mut self, button: MouseButton, down: bool) -> Result<(), Error> {
            self.0
                .lock()
                .unwrap()
                .push(format!("button {button:?} {down}"));
            Ok(())
        }
        fn wheel(&mut self, dx: i32, dy: i32) -> Result<(), Error> {
            self.0.lock().unwrap().push(format!("wheel {dx},{dy}"));
            Ok(())
        }
        fn key(&mut self, usb: u16, down: bool) -> Result<(), Error> {
            self.0.lock().unwrap().push(format!("key {usb:#x} {down}"));
            Ok(())
        }
        fn text(&mut self, text: &str) -> Result<(), Error> {
            self.0
                .lock()
                .unwrap()
                .push(format!("text {}", text.chars().count()));
            Ok(())
        }
        fn restore(&mut self) -> Result<(), Error> {
            self.0.lock().unwrap().push("restore".into());
            Ok(())
        }
    }

    fn controller() -> (Controller<Recorder>, Recorder) {
        let recorder = Recorder::default();
        let mut c = Controller::new(Box::new(recorder.clone()));
        c.set_area(Monitor {
            name: "right".into(),
            x: 1920,
            y: 0,
            width: 1280,
            height: 1024,
            primary: false,
        });
        c.set_controlling(true).unwrap();
        recorder.0.lock().unwrap().clear();
        (c, recorder)
    }

    #[test]
    fn moves_land_on_the_shown_monitor_and_stale_ones_are_dropped_across_wrap_around() {
        let (mut c, rec) = controller();
        let at = |seq| PointerMove {
            seq,
            x: 65535,
            y: 0,
        };
        assert_eq!(c.pointer(at(u32::MAX)).unwrap(), Applied::Done);
        assert_eq!(
            c.pointer(at(0)).unwrap(),
            Applied::Done,
            "0 follows u32::MAX"
        );
        assert_eq!(c.pointer(at(u32::MAX - 1)).unwrap(), Applied::Stale);
        assert_eq!(
            c.pointer(at(0)).unwrap(),
            Applied::Stale,
            "a repeat is stale too"
        );
        c.new_link();
        assert_eq!(
            c.pointer(at(5)).unwrap(),
            Applied::Done,
            "a new link starts over"
        );
        assert_eq!(rec.0.lock().unwrap()[0], "move 3199,0");
    }

    #[test]
    fn held_keys_and_buttons_are_released_last_first_when_control_ends() {
        let (mut c, rec) = controller();
        for m in [
            InputMessage::Key {
                usb: 0xe0,
                down: true,
            },
            InputMessage::Key {
                usb: 0x04,
                down: true,
            },
            InputMessage::Button {
                button: MouseButton::Right,
                down: true,
                x: 0,
                y: 0,
            },
        ] {
            c.apply(&m).unwrap();
        }
        rec.0.lock().unwrap().clear();
        c.set_controlling(false).unwrap();
        assert_eq!(
            *rec.0.lock().unwrap(),
            [
                "key 0x4 false",
                "key 0xe0 false",
                "button Right false",
                "restore"
            ]
            .map(String::from)
        );
    }

    #[test]
    fn text_is_cut_at_the_limit_and_other_messages_are_not_input() {
        let (mut c, rec) = controller();
        let long = "ж".repeat(MAX_TEXT_CHARS + 10);
        c.apply(&InputMessage::Text { text: long }).unwrap();
        assert_eq!(
            rec.0.lock().unwrap().last().unwrap(),
            &format!("text {MAX_TEXT_CHARS}")
        );
        assert_eq!(
            c.apply(&InputMessage::SelectMonitor { index: 1 }).unwrap(),
            Applied::NotInput
        );
        assert_eq!(
            c.apply(&InputMessage::ClipboardPull).unwrap(),
            Applied::NotInput
        );
    }
}
