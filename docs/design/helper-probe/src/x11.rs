//! X11 capture (MIT-SHM 1.2, server-created memfd segment), monitors (RandR 1.5),
//! cursor (XFixes), and input injection (XTEST).

use std::os::fd::AsRawFd;
use std::time::Duration;

use x11rb::connection::{Connection, RequestConnection};
use x11rb::protocol::randr::ConnectionExt as _;
use x11rb::protocol::shm::{self, ConnectionExt as _};
use x11rb::protocol::xfixes::ConnectionExt as _;
use x11rb::protocol::xproto::{self, ConnectionExt as _, ImageFormat};
use x11rb::protocol::xtest::ConnectionExt as _;
use x11rb::rust_connection::RustConnection;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Why control cannot be offered on this desktop, in words for the customer.
pub fn unsupported_reason() -> Option<String> {
    let wayland = std::env::var("XDG_SESSION_TYPE").as_deref() == Ok("wayland")
        || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if wayland {
        return Some("This desktop uses Wayland; remote control is not available there yet.".into());
    }
    if std::env::var_os("DISPLAY").is_none() {
        return Some("No graphical display found (DISPLAY is not set).".into());
    }
    None
}

#[derive(Debug, Clone)]
pub struct Monitor {
    pub name: String,
    pub primary: bool,
    pub x: i16,
    pub y: i16,
    pub width: u16,
    pub height: u16,
}

pub struct X11 {
    pub conn: RustConnection,
    pub root: xproto::Window,
    pub width: u16,
    pub height: u16,
}

impl X11 {
    pub fn connect() -> Result<X11, Error> {
        let (conn, screen_num) = x11rb::connect(None)?;
        let screen = &conn.setup().roots[screen_num];
        let (root, width, height) = (screen.root, screen.width_in_pixels, screen.height_in_pixels);
        // Extensions must be version-negotiated before use.
        for ext in [shm::X11_EXTENSION_NAME, "XTEST", "RANDR", "XFIXES"] {
            if conn.extension_information(ext)?.is_none() {
                return Err(format!("X server lacks the {ext} extension").into());
            }
        }
        let shm_v = conn.shm_query_version()?.reply()?;
        if (shm_v.major_version, shm_v.minor_version) < (1, 2) {
            return Err("MIT-SHM 1.2 (fd passing) needed".into());
        }
        conn.xtest_get_version(2, 2)?.reply()?;
        conn.randr_query_version(1, 5)?.reply()?;
        conn.xfixes_query_version(5, 0)?.reply()?;
        Ok(X11 { conn, root, width, height })
    }

    pub fn monitors(&self) -> Result<Vec<Monitor>, Error> {
        let reply = self.conn.randr_get_monitors(self.root, true)?.reply()?;
        let mut out = Vec::new();
        for m in reply.monitors {
            let name = self.conn.get_atom_name(m.name)?.reply()?.name;
            out.push(Monitor {
                name: String::from_utf8_lossy(&name).into_owned(),
                primary: m.primary,
                x: m.x,
                y: m.y,
                width: m.width,
                height: m.height,
            });
        }
        Ok(out)
    }
}

/// One shared segment, created by the server (ShmCreateSegment) and mapped here:
/// no SysV IPC, so it also works when server and client are in different IPC namespaces.
pub struct ShmCapture {
    seg: shm::Seg,
    ptr: *mut u8,
    len: usize,
}

impl ShmCapture {
    pub fn new(x: &X11, max_w: u16, max_h: u16) -> Result<ShmCapture, Error> {
        let len = max_w as usize * max_h as usize * 4;
        let seg = x.conn.generate_id()?;
        let reply = x.conn.shm_create_segment(seg, len as u32, false)?.reply()?;
        let fd = reply.shm_fd;
        let ptr = unsafe {
            libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ, libc::MAP_SHARED, fd.as_raw_fd(), 0)
        };
        if ptr == libc::MAP_FAILED {
            return Err("mmap of the SHM segment failed".into());
        }
        Ok(ShmCapture { seg, ptr: ptr as *mut u8, len })
    }

    /// Copies the rectangle into the segment; returns BGRX bytes, stride = 4 * w.
    pub fn grab(&self, x: &X11, rx: i16, ry: i16, w: u16, h: u16) -> Result<&[u8], Error> {
        let reply = x
            .conn
            .shm_get_image(x.root, rx, ry, w, h, !0, ImageFormat::Z_PIXMAP.into(), self.seg, 0)?
            .reply()?;
        debug_assert_eq!(reply.depth, 24);
        let n = w as usize * h as usize * 4;
        assert!(n <= self.len);
        Ok(unsafe { std::slice::from_raw_parts(self.ptr, n) })
    }

    pub fn close(self, x: &X11) {
        let _ = x.conn.shm_detach(self.seg);
        unsafe { libc::munmap(self.ptr as *mut _, self.len) };
    }
}

/// Cursor sprite (ARGB, premultiplied) and position, to blend into the frame.
pub fn cursor(x: &X11) -> Result<(i16, i16, u16, u16, u16, u16, Vec<u32>), Error> {
    let c = x.conn.xfixes_get_cursor_image()?.reply()?;
    Ok((c.x, c.y, c.xhot, c.yhot, c.width, c.height, c.cursor_image))
}

// ---------------------------------------------------------------- input

/// XSync: a round trip, so every request before it has been processed.
pub fn sync(x: &X11) -> Result<(), Error> {
    x.conn.get_input_focus()?.reply()?;
    Ok(())
}

pub fn pointer_move(x: &X11, px: i16, py: i16) -> Result<(), Error> {
    // detail 0 = absolute motion, relative to `root`.
    x.conn.xtest_fake_input(xproto::MOTION_NOTIFY_EVENT, 0, x11rb::CURRENT_TIME, x.root, px, py, 0)?;
    Ok(())
}

/// Buttons: 1 left, 2 middle, 3 right, 4/5 wheel up/down, 6/7 wheel left/right.
pub fn button(x: &X11, button: u8, down: bool) -> Result<(), Error> {
    let t = if down { xproto::BUTTON_PRESS_EVENT } else { xproto::BUTTON_RELEASE_EVENT };
    x.conn.xtest_fake_input(t, button, x11rb::CURRENT_TIME, x11rb::NONE, 0, 0, 0)?;
    Ok(())
}

pub fn key(x: &X11, keycode: u8, down: bool) -> Result<(), Error> {
    let t = if down { xproto::KEY_PRESS_EVENT } else { xproto::KEY_RELEASE_EVENT };
    x.conn.xtest_fake_input(t, keycode, x11rb::CURRENT_TIME, x11rb::NONE, 0, 0, 0)?;
    Ok(())
}

/// DOM `KeyboardEvent.code` → X keycode (evdev + 8), via Chromium's table (crate `keycode`).
pub fn keycode_for_dom_code(code: &str) -> Option<u8> {
    use keycode::{KeyMap, KeyMapping, KeyMappingCode};
    let code: KeyMappingCode = code.parse().ok()?;
    let map = KeyMap::from_key_mapping(KeyMapping::Code(Some(code))).ok()?;
    u8::try_from(map.xkb).ok().filter(|k| *k >= 8)
}

/// USB HID usage (page 0x07) → X keycode.
pub fn keycode_for_usb(usage: u16) -> Option<u8> {
    let map = keycode::KeyMap::from_usb_code(0x07, usage).ok()?;
    u8::try_from(map.xkb).ok().filter(|k| *k >= 8)
}

/// Keysym for a Unicode scalar: Latin-1 maps directly, everything else is 0x0100_0000 + U.
pub fn keysym_for_char(c: char) -> u32 {
    let u = c as u32;
    if (0x20..=0x7e).contains(&u) || (0xa0..=0xff).contains(&u) { u } else { 0x0100_0000 | u }
}

/// Finds a keycode with no symbols, to borrow for characters no key produces.
pub fn spare_keycode(x: &X11) -> Result<Option<u8>, Error> {
    let setup = x.conn.setup();
    let (min, max) = (setup.min_keycode, setup.max_keycode);
    let map = x.conn.get_keyboard_mapping(min, max - min + 1)?.reply()?;
    let per = map.keysyms_per_keycode as usize;
    for (i, syms) in map.keysyms.chunks(per).enumerate() {
        if syms.iter().all(|s| *s == 0) {
            return Ok(Some(min + i as u8));
        }
    }
    Ok(None)
}

/// Types one character by mapping `spare` to its keysym, pressing and releasing it,
/// and (after the events are processed) clearing the mapping again.
pub fn type_char(x: &X11, spare: u8, c: char) -> Result<(), Error> {
    let sym = keysym_for_char(c);
    // Same keysym in both columns so Shift state does not matter.
    x.conn.change_keyboard_mapping(1, spare, 2, &[sym, sym])?;
    sync(x)?; // the mapping must be in place before the key event is
    key(x, spare, true)?;
    key(x, spare, false)?;
    sync(x)?;
    // Clients translate keycode→keysym when they process the event, after MappingNotify;
    // restoring too early makes them read the old (empty) mapping.
    std::thread::sleep(Duration::from_millis(20));
    Ok(())
}

pub fn clear_spare(x: &X11, spare: u8) -> Result<(), Error> {
    x.conn.change_keyboard_mapping(1, spare, 2, &[0, 0])?;
    sync(x)?;
    Ok(())
}
