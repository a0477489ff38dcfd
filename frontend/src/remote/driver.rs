//! What the console sends the Lifeline Helper for each pointer and key
//! event over its video. The [`Driver`] knows whether the technician is in
//! Control or View only and sends nothing at all in View only: the helper
//! refuses input then anyway, but a console that sends none cannot be
//! misread. It also numbers pointer moves, turns wheel deltas into
//! notches and keys into USB usages.

use protocol::peer::control::PointerMove;
use protocol::peer::input::{InputMessage, MAX_TEXT_CHARS, MouseButton};
use protocol::peer::keys::{usage, usb_of_code};

use super::modifiers::{HeldModifiers, Modifiers, is_modifier};
use super::point::Point;
use super::wheel::{Notches, WheelUnit};

/// One message for the helper, on the channel it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// On `control`: may be lost or reordered, so only the newest counts.
    Move(PointerMove),
    /// On `input`: reliable and in order.
    Input(InputMessage),
}

/// What to do with one key event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyOutcome {
    pub messages: Vec<Outgoing>,
    /// Keep the console's own page from acting on the key too (Tab moving
    /// focus, Backspace, Space scrolling).
    pub prevent_default: bool,
}

/// The special-keys menu: combinations the console's own computer would
/// act on instead of passing them through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialKey {
    CtrlAltDel,
    Super,
    AltTab,
    PrintScreen,
}

impl SpecialKey {
    pub const ALL: [SpecialKey; 4] = [
        SpecialKey::CtrlAltDel,
        SpecialKey::Super,
        SpecialKey::AltTab,
        SpecialKey::PrintScreen,
    ];

    /// The `data-special-key` value the page and the tests use.
    pub fn name(self) -> &'static str {
        match self {
            SpecialKey::CtrlAltDel => "ctrl-alt-del",
            SpecialKey::Super => "super",
            SpecialKey::AltTab => "alt-tab",
            SpecialKey::PrintScreen => "print-screen",
        }
    }

    /// Keys pressed in this order, then released in reverse.
    fn keys(self) -> &'static [u16] {
        match self {
            SpecialKey::CtrlAltDel => &[usage::CONTROL_LEFT, usage::ALT_LEFT, usage::DELETE],
            SpecialKey::Super => &[usage::META_LEFT],
            SpecialKey::AltTab => &[usage::ALT_LEFT, usage::TAB],
            SpecialKey::PrintScreen => &[usage::PRINT_SCREEN],
        }
    }

    /// The whole sequence of key messages.
    pub fn sequence(self) -> Vec<InputMessage> {
        let keys = self.keys();
        let down = keys
            .iter()
            .map(|&usb| InputMessage::Key { usb, down: true });
        let up = keys
            .iter()
            .rev()
            .map(|&usb| InputMessage::Key { usb, down: false });
        down.chain(up).collect()
    }
}

/// The console's side of one helper link's input.
#[derive(Debug, Clone, Default)]
pub struct Driver {
    /// The server's word: Control (`true`) or View only.
    controlling: bool,
    /// The last move's number; the helper drops older ones.
    seq: u32,
    /// Wheel deltas short of a notch.
    notches: Notches,
    /// Modifier keys held on the customer's computer.
    modifiers: HeldModifiers,
    /// Where the pointer last was on the monitor: a button released over a
    /// bar (a drag that left the picture) is released there.
    last: Option<Point>,
}

impl Driver {
    pub fn controlling(&self) -> bool {
        self.controlling
    }

    /// Control or View only. Leaving Control releases whatever is held,
    /// the last thing sent before input stops.
    pub fn set_controlling(&mut self, on: bool) -> Option<Outgoing> {
        let was = std::mem::replace(&mut self.controlling, on);
        self.notches.clear();
        self.modifiers.clear();
        (was && !on).then_some(Outgoing::Input(InputMessage::ReleaseAll))
    }

    /// The pointer moved to `point` (`None`: over a bar).
    pub fn pointer_move(&mut self, point: Option<Point>) -> Option<Outgoing> {
        let point = point.filter(|_| self.controlling)?;
        self.last = Some(point);
        self.seq = self.seq.wrapping_add(1);
        Some(Outgoing::Move(PointerMove {
            seq: self.seq,
            x: point.x,
            y: point.y,
        }))
    }

    /// A button (`MouseEvent.button`) went down or up at `point`. A press
    /// over a bar is no press; a release is always sent, so nothing stays
    /// held on the customer's computer.
    pub fn button(
        &mut self,
        dom_button: i16,
        down: bool,
        point: Option<Point>,
    ) -> Option<Outgoing> {
        if !self.controlling {
            return None;
        }
        let button = MouseButton::from_dom(dom_button)?;
        let at = if down { point } else { point.or(self.last) }?;
        self.last = Some(at);
        Some(Outgoing::Input(InputMessage::Button {
            button,
            down,
            x: at.x,
            y: at.y,
        }))
    }

    /// A wheel event's deltas; sent once they make a whole notch.
    pub fn wheel(&mut self, dx: f64, dy: f64, unit: WheelUnit) -> Option<Outgoing> {
        if !self.controlling {
            return None;
        }
        let (dx, dy) = self.notches.add(dx, dy, unit);
        (dx != 0 || dy != 0).then_some(Outgoing::Input(InputMessage::Wheel { dx, dy }))
    }

    /// A key went down or up. `code` is `KeyboardEvent.code` (the key's
    /// place), `key` what it types here. A key with a USB usage goes as
    /// that key; one without (an unidentified key, a character the console's
    /// keyboard makes some other way) goes as the text it types.
    /// `flags` are the event's modifier flags: before a key goes down, the
    /// customer's modifiers are pressed or released to match them.
    pub fn key(
        &mut self,
        code: &str,
        key: &str,
        down: bool,
        composing: bool,
        flags: Modifiers,
    ) -> KeyOutcome {
        if !self.controlling || composing {
            return KeyOutcome::default();
        }
        if let Some(usb) = usb_of_code(code) {
            let mut messages = Vec::new();
            if is_modifier(usb) {
                self.modifiers.note(usb, down);
            } else if down {
                messages.extend(self.sync_modifiers(flags));
            }
            messages.push(Outgoing::Input(InputMessage::Key { usb, down }));
            return KeyOutcome {
                messages,
                prevent_default: true,
            };
        }
        let printable = key.chars().count() == 1 && !key.chars().any(char::is_control);
        if down && printable {
            // Typed as the character itself: Shift must not change it, and
            // Ctrl or Alt held would make it a shortcut on the way.
            let mut messages = self.sync_modifiers(Modifiers::default());
            messages.extend(self.text(key));
            return KeyOutcome {
                messages,
                prevent_default: true,
            };
        }
        KeyOutcome::default()
    }

    fn sync_modifiers(&mut self, flags: Modifiers) -> Vec<Outgoing> {
        self.modifiers
            .sync(flags)
            .into_iter()
            .map(|(usb, down)| Outgoing::Input(InputMessage::Key { usb, down }))
            .collect()
    }

    /// Characters to type as they are (a finished composition).
    pub fn text(&mut self, text: &str) -> Option<Outgoing> {
        if !self.controlling || text.is_empty() {
            return None;
        }
        let text = text.chars().take(MAX_TEXT_CHARS).collect();
        Some(Outgoing::Input(InputMessage::Text { text }))
    }

    /// One of the special-keys menu's combinations.
    pub fn special(&mut self, key: SpecialKey) -> Vec<Outgoing> {
        if !self.controlling {
            return Vec::new();
        }
        key.sequence().into_iter().map(Outgoing::Input).collect()
    }

    /// Focus left the video, or the link closes: release everything held.
    pub fn release_all(&mut self) -> Option<Outgoing> {
        self.notches.clear();
        self.modifiers.clear();
        self.controlling
            .then_some(Outgoing::Input(InputMessage::ReleaseAll))
    }
}
