//! Mouse and keyboard through XTEST: the server treats the events as if
//! they came from its own devices, so every program sees them the same way.

use protocol::peer::input::MouseButton;
use x11rb::connection::Connection;
use x11rb::protocol::xproto;
use x11rb::protocol::xtest::ConnectionExt as _;

use super::Display;
use super::keymap::{self, KeyboardMapping};
use super::text::BorrowedKeys;
use crate::Error;
use crate::desktop::InputSink;

/// Most wheel notches applied from one message: a runaway value must not
/// scroll for seconds.
const MAX_NOTCHES: i32 = 50;

pub struct XtestSink {
    display: Display,
    borrowed: BorrowedKeys,
}

impl XtestSink {
    pub fn new(name: Option<&str>) -> Result<XtestSink, Error> {
        Ok(XtestSink {
            display: Display::open(name)?,
            borrowed: BorrowedKeys::default(),
        })
    }

    fn fake(&self, kind: u8, detail: u8) -> Result<(), Error> {
        self.display.conn.xtest_fake_input(
            kind,
            detail,
            x11rb::CURRENT_TIME,
            x11rb::NONE,
            0,
            0,
            0,
        )?;
        Ok(())
    }

    fn key_code(&self, code: u8, down: bool) -> Result<(), Error> {
        let kind = if down {
            xproto::KEY_PRESS_EVENT
        } else {
            xproto::KEY_RELEASE_EVENT
        };
        self.fake(kind, code)
    }

    fn press_button(&self, button: u8, down: bool) -> Result<(), Error> {
        let kind = if down {
            xproto::BUTTON_PRESS_EVENT
        } else {
            xproto::BUTTON_RELEASE_EVENT
        };
        self.fake(kind, button)
    }

    fn tap(&self, code: u8, shift: Option<u8>) -> Result<(), Error> {
        if let Some(shift) = shift {
            self.key_code(shift, true)?;
        }
        self.key_code(code, true)?;
        self.key_code(code, false)?;
        if let Some(shift) = shift {
            self.key_code(shift, false)?;
        }
        Ok(())
    }
}

/// X's button numbers: 4-7 are the wheel, 8 and 9 back and forward.
fn x_button(button: MouseButton) -> u8 {
    match button {
        MouseButton::Left => 1,
        MouseButton::Middle => 2,
        MouseButton::Right => 3,
        MouseButton::Back => 8,
        MouseButton::Forward => 9,
    }
}

impl InputSink for XtestSink {
    fn move_to(&mut self, x: i32, y: i32) -> Result<(), Error> {
        // Detail 0: absolute, relative to the root window given.
        self.display.conn.xtest_fake_input(
            xproto::MOTION_NOTIFY_EVENT,
            0,
            x11rb::CURRENT_TIME,
            self.display.root,
            x.clamp(0, i16::MAX.into()) as i16,
            y.clamp(0, i16::MAX.into()) as i16,
            0,
        )?;
        self.display.conn.flush()?;
        Ok(())
    }

    fn button(&mut self, button: MouseButton, down: bool) -> Result<(), Error> {
        self.press_button(x_button(button), down)?;
        self.display.conn.flush()?;
        Ok(())
    }

    fn wheel(&mut self, dx: i32, dy: i32) -> Result<(), Error> {
        for (notches, less, more) in [(dy, 4, 5), (dx, 6, 7)] {
            let button = if notches < 0 { less } else { more };
            for _ in 0..notches.unsigned_abs().min(MAX_NOTCHES as u32) {
                self.press_button(button, true)?;
                self.press_button(button, false)?;
            }
        }
        self.display.conn.flush()?;
        Ok(())
    }

    fn key(&mut self, usb: u16, down: bool) -> Result<(), Error> {
        let code = keymap::keycode_for_usb(usb)
            .ok_or_else(|| format!("no key on this computer for USB usage {usb:#04x}"))?;
        self.key_code(code, down)?;
        self.display.conn.flush()?;
        Ok(())
    }

    fn text(&mut self, text: &str) -> Result<(), Error> {
        let map = KeyboardMapping::read(&self.display)?;
        if self.borrowed.is_empty() {
            self.borrowed.fill(map.spare_keycodes());
        }
        let shift = map.find(keymap::SHIFT_L, &[]).map(|(code, _)| code);
        for c in text.chars() {
            let keysym = keymap::keysym_for_char(c);
            // A key of the customer's own layout where one exists: programs
            // then see an ordinary key press, modifiers and all.
            match map.find(keysym, &self.borrowed.mapped()) {
                Some((code, false)) => self.tap(code, None)?,
                Some((code, true)) if shift.is_some() => self.tap(code, shift)?,
                _ => {
                    let code = self.borrowed.map(&self.display, keysym)?;
                    self.tap(code, None)?;
                    self.display.sync()?;
                }
            }
        }
        self.display.conn.flush()?;
        Ok(())
    }

    fn restore(&mut self) -> Result<(), Error> {
        self.borrowed.restore(&self.display)
    }
}

impl Drop for XtestSink {
    fn drop(&mut self) {
        let _ = self.borrowed.restore(&self.display);
    }
}
