//! Test fixtures: a private Xvfb per test (it picks a free display itself
//! with `-displayfd`, so tests run in parallel), and a plain X window that
//! records what it receives, translating keys as it receives them.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    ConnectionExt as _, CreateWindowAux, EventMask, InputFocus, KeyButMask, WindowClass,
};
use x11rb::rust_connection::RustConnection;

pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 720;

/// How long anything in these tests may take to show up.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// An Xvfb server, killed when dropped.
pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Xvfb {
    pub fn start() -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-noreset",
                "-screen",
                "0",
            ])
            .arg(format!("{WIDTH}x{HEIGHT}x24"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            // Its own process group: a Ctrl+C meant for cargo reaches it
            // only through our Drop.
            .process_group(0)
            .spawn()
            .expect("Xvfb must be installed (scripts/setup installs it)");
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(DEADLINE)
            .expect("Xvfb did not say which display it took");
        let number = line.trim();
        assert!(!number.is_empty(), "Xvfb exited before taking a display");
        Xvfb {
            child,
            display: format!(":{number}"),
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the test window saw, in a form easy to assert on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
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
        button1: bool,
    },
    /// A key press, with the character it makes (translated on receipt).
    Key {
        keycode: u8,
        ch: Option<char>,
    },
    KeyUp {
        keycode: u8,
    },
}

pub struct TestWindow {
    pub conn: RustConnection,
    pub window: u32,
    pub x: i16,
    pub y: i16,
}

impl TestWindow {
    /// A window at (x, y) filled with `rgb` (0xRRGGBB), focused. No window
    /// manager runs, so it lands exactly there.
    pub fn open(display: &str, x: i16, y: i16, width: u16, height: u16, rgb: u32) -> TestWindow {
        let (conn, screen) = x11rb::connect(Some(display)).expect("connect to Xvfb");
        let root = conn.setup().roots[screen].root;
        let window = conn.generate_id().unwrap();
        let events = EventMask::EXPOSURE
            | EventMask::BUTTON_PRESS
            | EventMask::BUTTON_RELEASE
            | EventMask::KEY_PRESS
            | EventMask::KEY_RELEASE
            | EventMask::POINTER_MOTION;
        conn.create_window(
            x11rb::COPY_DEPTH_FROM_PARENT,
            window,
            root,
            x,
            y,
            width,
            height,
            0,
            WindowClass::INPUT_OUTPUT,
            0,
            &CreateWindowAux::new()
                .background_pixel(rgb)
                .event_mask(events),
        )
        .unwrap();
        conn.map_window(window).unwrap();
        conn.set_input_focus(InputFocus::POINTER_ROOT, window, x11rb::CURRENT_TIME)
            .unwrap();
        conn.flush().unwrap();
        let w = TestWindow { conn, window, x, y };
        w.next_event_until(Instant::now() + DEADLINE, |e| matches!(e, Event::Expose(_)))
            .expect("the test window was never exposed");
        w
    }

    /// Waits (polling the socket, no sleeps) for an event `want` accepts.
    fn next_event_until(&self, deadline: Instant, want: impl Fn(&Event) -> bool) -> Option<Event> {
        loop {
            while let Some(e) = self.conn.poll_for_event().unwrap() {
                if want(&e) {
                    return Some(e);
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let mut fd = libc::pollfd {
                fd: self.conn.stream().as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            unsafe { libc::poll(&mut fd, 1, left.as_millis().min(500) as i32) };
        }
    }

    fn translate(&self, keycode: u8, state: KeyButMask) -> Option<char> {
        let map = self
            .conn
            .get_keyboard_mapping(keycode, 1)
            .ok()?
            .reply()
            .ok()?;
        let shifted = state.contains(KeyButMask::SHIFT);
        let mut sym = map.keysyms.get(usize::from(shifted)).copied().unwrap_or(0);
        if sym == 0 {
            sym = map.keysyms.first().copied().unwrap_or(0);
        }
        match sym {
            0xff0d => Some('\n'),
            0x20..=0x7e | 0xa0..=0xff => char::from_u32(sym),
            s if s & 0xff00_0000 == 0x0100_0000 => char::from_u32(s & 0x00ff_ffff),
            _ => None,
        }
    }

    fn seen(&self, e: &Event) -> Option<Seen> {
        match e {
            Event::ButtonPress(b) => Some(Seen::Press {
                button: b.detail,
                x: b.event_x,
                y: b.event_y,
            }),
            Event::ButtonRelease(b) => Some(Seen::Release {
                button: b.detail,
                x: b.event_x,
                y: b.event_y,
            }),
            Event::MotionNotify(m) => Some(Seen::Motion {
                x: m.event_x,
                y: m.event_y,
                button1: m.state.contains(KeyButMask::BUTTON1),
            }),
            Event::KeyPress(k) => Some(Seen::Key {
                keycode: k.detail,
                ch: self.translate(k.detail, k.state),
            }),
            Event::KeyRelease(k) => Some(Seen::KeyUp { keycode: k.detail }),
            _ => None,
        }
    }

    /// Records input events until `done` accepts the list so far; panics
    /// at the deadline with what was seen.
    pub fn record_until(&self, done: impl Fn(&[Seen]) -> bool) -> Vec<Seen> {
        let deadline = Instant::now() + DEADLINE;
        let mut seen = Vec::new();
        loop {
            if done(&seen) {
                return seen;
            }
            let event = self.next_event_until(deadline, |_| true);
            match event {
                Some(e) => seen.extend(self.seen(&e)),
                None => panic!("gave up waiting; the window saw {seen:?}"),
            }
        }
    }

    /// The characters typed, in order, from a record.
    pub fn typed(seen: &[Seen]) -> String {
        seen.iter()
            .filter_map(|s| match s {
                Seen::Key { ch, .. } => *ch,
                _ => None,
            })
            .collect()
    }
}
