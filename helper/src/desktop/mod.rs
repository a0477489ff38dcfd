//! What the helper needs from a desktop, as traits a platform backend
//! implements: a [`Capturer`] for the picture, an [`InputSink`] for the
//! technician's mouse and keyboard, a [`Clipboard`] for text.
//!
//! Only X11 exists today ([`x11`]). A Windows or macOS backend implements
//! the same three traits and adds a branch to [`open`]; nothing above this
//! module knows which desktop it runs on.

pub mod x11;

use protocol::peer::input::{Monitor, MouseButton};

use crate::Error;

/// One captured picture: BGRA (X11's byte order), `stride` bytes per row,
/// even width and height (VP8's I420 needs both).
pub struct Frame<'a> {
    pub bgra: &'a [u8],
    pub width: u32,
    pub height: u32,
    pub stride: u32,
}

/// Grabs pictures of one monitor at a time, pointer included.
pub trait Capturer: Send {
    /// The monitors as the desktop lays them out, primary first if the
    /// desktop names one. Never empty: a desktop with no monitor info is
    /// one monitor the size of the screen.
    fn monitors(&mut self) -> Result<Vec<Monitor>, Error>;

    /// The monitor's picture now. Valid until the next call.
    fn grab(&mut self, monitor: &Monitor) -> Result<Frame<'_>, Error>;
}

/// Injects input. Positions are desktop pixels; keys are USB HID usages
/// (page 7), as they arrive. Whoever calls this keeps track of what is
/// held (see [`crate::control::Controller`]), so a backend needs no state
/// beyond what it borrows for [`InputSink::text`].
pub trait InputSink: Send {
    fn move_to(&mut self, x: i32, y: i32) -> Result<(), Error>;
    fn button(&mut self, button: MouseButton, down: bool) -> Result<(), Error>;
    /// Whole wheel notches: `dy > 0` scrolls down, `dx > 0` right.
    fn wheel(&mut self, dx: i32, dy: i32) -> Result<(), Error>;
    fn key(&mut self, usb: u16, down: bool) -> Result<(), Error>;
    /// Types characters as they are, whatever the keyboard layout.
    fn text(&mut self, text: &str) -> Result<(), Error>;
    /// Gives back anything borrowed to type text (spare key codes); called
    /// when control stops and at exit.
    fn restore(&mut self) -> Result<(), Error>;
}

/// The desktop's clipboard, as text.
pub trait Clipboard: Send {
    fn set(&mut self, text: &str) -> Result<(), Error>;
    /// `None`: the clipboard holds no text.
    fn get(&mut self) -> Result<Option<String>, Error>;
}

/// Why remote control cannot work on this desktop, in words for the
/// customer and the technician; `None` when it can.
pub fn unavailable_reason() -> Option<String> {
    unavailable_reason_in(&|name| std::env::var_os(name))
}

/// [`unavailable_reason`] over any environment, for tests.
pub fn unavailable_reason_in(env: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> Option<String> {
    // Under XWayland the root window shows only X programs and XTEST
    // reaches only them: worse than refusing.
    let wayland = env("XDG_SESSION_TYPE").is_some_and(|t| t == "wayland")
        || env("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty());
    if wayland {
        return Some(
            "This computer's desktop uses Wayland; the Lifeline Helper can only control X11 desktops so far."
                .into(),
        );
    }
    let display = env("DISPLAY").filter(|d| !d.is_empty());
    let Some(display) = display else {
        return Some(
            "No graphical desktop found (DISPLAY is not set): run the Lifeline Helper from a terminal inside your desktop."
                .into(),
        );
    };
    if let Err(e) = x11::Display::open(Some(&display.to_string_lossy())) {
        return Some(format!("The Lifeline Helper cannot use this desktop: {e}."));
    }
    None
}

/// The desktop this process runs in, for the given display name (`None`:
/// `$DISPLAY`).
pub struct Desktop {
    pub display: Option<String>,
}

impl Desktop {
    pub fn capturer(&self) -> Result<Box<dyn Capturer>, Error> {
        Ok(Box::new(x11::capture::X11Capturer::new(
            self.display.as_deref(),
        )?))
    }

    pub fn input(&self) -> Result<Box<dyn InputSink>, Error> {
        Ok(Box::new(x11::input::XtestSink::new(
            self.display.as_deref(),
        )?))
    }

    pub fn clipboard(&self) -> Result<Box<dyn Clipboard>, Error> {
        Ok(Box::new(x11::clipboard::X11Clipboard::new(
            self.display.as_deref(),
        )?))
    }
}
