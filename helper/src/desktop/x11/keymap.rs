//! From what the console sends to what X understands: USB usages to key
//! codes (Chromium's table, the `keycode` crate), characters to keysyms,
//! and a snapshot of the server's keyboard mapping to find which key (and
//! whether Shift) makes a character.

use x11rb::connection::Connection;
use x11rb::protocol::xproto::ConnectionExt as _;

use super::Display;
use crate::Error;

/// `Shift_L`'s keysym.
pub const SHIFT_L: u32 = 0xffe1;

/// USB HID usage (page 7) to X key code. The table's `xkb` column is the
/// key code on every server using evdev rules (all current ones).
pub fn keycode_for_usb(usage: u16) -> Option<u8> {
    let map = keycode::KeyMap::from_usb_code(0x07, usage).ok()?;
    u8::try_from(map.xkb).ok().filter(|k| *k >= 8)
}

/// The keysym that types `c`: Latin-1 is its own keysym, a few control
/// characters have function keysyms, everything else is Unicode + 0x0100_0000.
pub fn keysym_for_char(c: char) -> u32 {
    match c {
        '\n' | '\r' => 0xff0d, // Return
        '\t' => 0xff09,        // Tab
        '\u{8}' => 0xff08,     // BackSpace
        _ => {
            let u = c as u32;
            if (0x20..=0x7e).contains(&u) || (0xa0..=0xff).contains(&u) {
                u
            } else {
                0x0100_0000 | u
            }
        }
    }
}

/// The server's key code → keysyms table at one moment.
pub struct KeyboardMapping {
    pub min_keycode: u8,
    pub per_keycode: usize,
    pub keysyms: Vec<u32>,
}

impl KeyboardMapping {
    pub fn read(display: &Display) -> Result<KeyboardMapping, Error> {
        let setup = display.conn.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let reply = display
            .conn
            .get_keyboard_mapping(min, max - min + 1)?
            .reply()?;
        Ok(KeyboardMapping {
            min_keycode: min,
            per_keycode: (reply.keysyms_per_keycode as usize).max(1),
            keysyms: reply.keysyms,
        })
    }

    fn rows(&self) -> impl Iterator<Item = (u8, &[u32])> {
        self.keysyms
            .chunks(self.per_keycode)
            .enumerate()
            .map(|(i, syms)| (self.min_keycode.wrapping_add(i as u8), syms))
    }

    /// The key that makes `keysym` in the first group, and whether it
    /// needs Shift (column 1). Key codes in `skip` (our borrowed ones) are
    /// not considered.
    pub fn find(&self, keysym: u32, skip: &[u8]) -> Option<(u8, bool)> {
        let mut shifted = None;
        for (code, syms) in self.rows().filter(|(c, _)| !skip.contains(c)) {
            if syms.first() == Some(&keysym) {
                return Some((code, false));
            }
            if shifted.is_none() && syms.get(1) == Some(&keysym) {
                shifted = Some((code, true));
            }
        }
        shifted
    }

    /// Key codes with no symbols at all, highest first: free to borrow.
    pub fn spare_keycodes(&self) -> Vec<u8> {
        let mut out: Vec<u8> = self
            .rows()
            .filter(|(_, syms)| syms.iter().all(|s| *s == 0))
            .map(|(code, _)| code)
            .collect();
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usb_usages_map_to_evdev_keycodes() {
        assert_eq!(keycode_for_usb(0x04), Some(38)); // KeyA
        assert_eq!(keycode_for_usb(0xe1), Some(50)); // ShiftLeft
        assert_eq!(keycode_for_usb(0x28), Some(36)); // Enter
        assert_eq!(keycode_for_usb(0x0), None);
    }

    #[test]
    fn characters_map_to_keysyms() {
        assert_eq!(keysym_for_char('a'), 0x61);
        assert_eq!(keysym_for_char('é'), 0xe9);
        assert_eq!(keysym_for_char('П'), 0x0100_041f);
        assert_eq!(keysym_for_char('\n'), 0xff0d);
    }

    #[test]
    fn lookup_prefers_the_unshifted_column() {
        let map = KeyboardMapping {
            min_keycode: 8,
            per_keycode: 2,
            keysyms: vec![0, 0, 0x31, 0x21, 0x61, 0x41, 0x41, 0],
        };
        assert_eq!(map.find(0x21, &[]), Some((9, true)));
        assert_eq!(map.find(0x41, &[]), Some((11, false)));
        assert_eq!(map.find(0x41, &[11]), Some((10, true)));
        assert_eq!(map.find(0x7e, &[]), None);
        assert_eq!(map.spare_keycodes(), vec![8]);
    }
}
