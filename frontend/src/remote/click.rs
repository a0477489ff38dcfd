//! What the technician does to remote control in the console, as the
//! session view hands it to the desk: the same idea as the files panel's
//! `FileClick`, so the view needs one callback, not twelve.

use super::driver::SpecialKey;
use super::point::Point;
use super::wheel::WheelUnit;

#[derive(Debug, Clone, PartialEq)]
pub enum ControlClick {
    /// Request remote control.
    Request,
    /// View only (`false`) or Control (`true`).
    Mode(bool),
    /// The pointer moved over the picture (`None`: over a bar).
    Move(Option<Point>),
    /// A mouse button, by `MouseEvent.button`.
    Button {
        button: i16,
        down: bool,
        at: Option<Point>,
    },
    Wheel {
        dx: f64,
        dy: f64,
        unit: WheelUnit,
    },
    /// A key, by `KeyboardEvent.code` and `.key`.
    Key {
        code: String,
        key: String,
        down: bool,
        composing: bool,
        modifiers: super::Modifiers,
    },
    /// A finished composition's text.
    Text(String),
    Special(SpecialKey),
    /// The picture lost keyboard focus: release what is held.
    Blur,
    /// Show another of the customer's monitors.
    Monitor(usize),
    EditClipboard(String),
    ClipboardPush(String),
    ClipboardPull,
}
