//! The test X client: one plain window on an [`XDisplay`](crate::xdisplay),
//! painted a known colour, that records every pointer and key event it
//! receives, the way a real application would see them. A left click
//! toggles its colour between blue and red, so a test (or the benchmark)
//! can watch for the change in the console's video.
//!
//! Keys are translated to characters when they arrive, with the keyboard
//! mapping of that moment, as toolkits do: text typed through a borrowed
//! key code reads as the character it was borrowed for.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    ChangeWindowAttributesAux, ClientMessageEvent, ConnectionExt as _, CreateWindowAux, EventMask,
    InputFocus, KeyButMask, WindowClass,
};
use x11rb::rust_connection::RustConnection;

use crate::Result;

/// The window's colour before any click, as `0xRRGGBB`.
pub const BLUE: u32 = 0x0000ff;
/// The window's colour after an odd number of left clicks.
pub const RED: u32 = 0xff0000;

/// What the window saw, with coordinates relative to the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XEvent {
    Press {
        button: u8,
        x: i16,
        y: i16,
    },
    Release {
        button: u8,
        x: i16,
        y: i16,
    },
    Motion {
        x: i16,
        y: i16,
    },
    /// A key press, as the character it makes (`None`: a modifier or a
    /// key with no character, such as Shift).
    Key {
        code: u8,
        text: Option<char>,
    },
}

/// A mapped, focused test window; closed when dropped.
pub struct TestWindow {
    pub x: i16,
    pub y: i16,
    pub width: u16,
    pub height: u16,
    events: Arc<Mutex<Vec<XEvent>>>,
    colour: Arc<Mutex<u32>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    display: String,
    win: u32,
}

impl TestWindow {
    /// Opens the window at (`x`, `y`) on `display` and returns once it is
    /// on screen (its first Expose).
    pub fn open(display: &str, x: i16, y: i16, width: u16, height: u16) -> Result<TestWindow> {
        let (conn, screen_num) = x11rb::connect(Some(display))
            .map_err(|e| format!("cannot connect to X display {display}: {e}"))?;
        let root = conn.setup().roots[screen_num].root;
        let win = conn.generate_id()?;
        conn.create_window(
            x11rb::COPY_DEPTH_FROM_PARENT,
            win,
            root,
            x,
            y,
            width,
            height,
            0,
            WindowClass::INPUT_OUTPUT,
            0,
            &CreateWindowAux::new().background_pixel(BLUE).event_mask(
                EventMask::EXPOSURE
                    | EventMask::BUTTON_PRESS
                    | EventMask::BUTTON_RELEASE
                    | EventMask::KEY_PRESS
                    | EventMask::POINTER_MOTION,
            ),
        )?;
        conn.map_window(win)?;
        conn.flush()?;
        loop {
            if let Event::Expose(_) = conn.wait_for_event()? {
                break;
            }
        }
        // No window manager: focus is ours to set.
        conn.set_input_focus(InputFocus::POINTER_ROOT, win, x11rb::CURRENT_TIME)?;
        conn.flush()?;

        let events = Arc::new(Mutex::new(Vec::new()));
        let colour = Arc::new(Mutex::new(BLUE));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (events, colour, stop) = (events.clone(), colour.clone(), stop.clone());
            std::thread::spawn(move || {
                if let Err(e) = listen(&conn, win, &events, &colour, &stop) {
                    eprintln!("test window: {e}");
                }
            })
        };
        Ok(TestWindow {
            x,
            y,
            width,
            height,
            events,
            colour,
            stop,
            thread: Some(thread),
            display: display.to_owned(),
            win,
        })
    }

    /// Everything received so far.
    pub fn events(&self) -> Vec<XEvent> {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Forgets what was received so far.
    pub fn clear(&self) {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The characters typed so far, in order.
    pub fn typed(&self) -> String {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                XEvent::Key { text, .. } => text,
                _ => None,
            })
            .collect()
    }

    /// The window's colour now.
    pub fn colour(&self) -> u32 {
        *self.colour.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for TestWindow {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the listener from its wait with an event of our own; if
        // the display is already gone, its wait has failed anyway.
        if let Ok((conn, _)) = x11rb::connect(Some(&self.display)) {
            let wake = ClientMessageEvent::new(32, self.win, x11rb::NONE, [0u32; 5]);
            let _ = conn.send_event(false, self.win, EventMask::NO_EVENT, wake);
            let _ = conn.flush();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The event loop, on its own thread until `stop`.
fn listen(
    conn: &RustConnection,
    win: u32,
    events: &Mutex<Vec<XEvent>>,
    colour: &Mutex<u32>,
    stop: &AtomicBool,
) -> Result<()> {
    while !stop.load(Ordering::Relaxed) {
        let event = conn.wait_for_event()?;
        let seen = match event {
            Event::ButtonPress(e) => {
                if e.detail == 1 {
                    let mut now = colour.lock().unwrap_or_else(|e| e.into_inner());
                    *now = if *now == BLUE { RED } else { BLUE };
                    conn.change_window_attributes(
                        win,
                        &ChangeWindowAttributesAux::new().background_pixel(*now),
                    )?;
                    conn.clear_area(false, win, 0, 0, 0, 0)?;
                    conn.flush()?;
                }
                XEvent::Press {
                    button: e.detail,
                    x: e.event_x,
                    y: e.event_y,
                }
            }
            Event::ButtonRelease(e) => XEvent::Release {
                button: e.detail,
                x: e.event_x,
                y: e.event_y,
            },
            Event::MotionNotify(e) => XEvent::Motion {
                x: e.event_x,
                y: e.event_y,
            },
            Event::KeyPress(e) => XEvent::Key {
                code: e.detail,
                text: character(conn, e.detail, e.state)?,
            },
            _ => continue,
        };
        events.lock().unwrap_or_else(|e| e.into_inner()).push(seen);
    }
    Ok(())
}

/// The character a key press makes under the keyboard mapping of now.
fn character(conn: &RustConnection, code: u8, state: KeyButMask) -> Result<Option<char>> {
    let map = conn.get_keyboard_mapping(code, 1)?.reply()?;
    let shifted = state.contains(KeyButMask::SHIFT);
    let sym = match (shifted, map.keysyms.get(1)) {
        (true, Some(&upper)) if upper != 0 => upper,
        _ => map.keysyms.first().copied().unwrap_or(0),
    };
    Ok(keysym_char(sym))
}

/// Latin-1 and Unicode keysyms as characters (enough for what tests type).
pub fn keysym_char(sym: u32) -> Option<char> {
    match sym {
        0x20..=0x7e | 0xa0..=0xff => char::from_u32(sym),
        0x0100_0000..=0x0110_ffff => char::from_u32(sym - 0x0100_0000),
        0xff0d => Some('\n'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keysyms_read_as_characters() {
        assert_eq!(keysym_char(0x41), Some('A'));
        assert_eq!(keysym_char(0x0100_041f), Some('П'));
        assert_eq!(keysym_char(0xffe1), None);
    }
}
