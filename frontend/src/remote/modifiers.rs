//! Keeping the customer's modifier keys in step with what each key event
//! says is held (`shiftKey`, `ctrlKey`, `altKey`, `metaKey`).
//!
//! A modifier pressed while the video did not have the keyboard (Shift
//! held, then a click on the picture, then a letter) never sent its own
//! keydown, and a modifier released elsewhere never sent its keyup. Before
//! each key, the console presses or releases modifiers on the customer's
//! computer so the key means what the technician's keyboard meant.

use protocol::peer::keys::usage;

/// The modifier flags of one key event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Modifiers {
    pub shift: bool,
    pub ctrl: bool,
    pub alt: bool,
    pub meta: bool,
}

/// Each modifier's left and right usages; the left one is pressed when
/// only the flag is known.
const KINDS: [(u16, u16); 4] = [
    (usage::SHIFT_LEFT, 0xe5),
    (usage::CONTROL_LEFT, 0xe4),
    (usage::ALT_LEFT, 0xe6),
    (usage::META_LEFT, 0xe7),
];

/// True for the eight modifier usages (0xE0–0xE7).
pub fn is_modifier(usb: u16) -> bool {
    (usage::CONTROL_LEFT..=0xe7).contains(&usb)
}

/// Modifier usages held down on the customer's computer by this console.
#[derive(Debug, Clone, Default)]
pub struct HeldModifiers {
    held: Vec<u16>,
}

impl HeldModifiers {
    /// A modifier key's own event, sent as it is.
    pub fn note(&mut self, usb: u16, down: bool) {
        self.held.retain(|&k| k != usb);
        if down {
            self.held.push(usb);
        }
    }

    /// The key messages (`usb`, `down`) that make the held modifiers match
    /// `flags` before a key goes down.
    pub fn sync(&mut self, flags: Modifiers) -> Vec<(u16, bool)> {
        let wanted = [flags.shift, flags.ctrl, flags.alt, flags.meta];
        let mut out = Vec::new();
        for ((left, right), want) in KINDS.into_iter().zip(wanted) {
            let holding: Vec<u16> = self
                .held
                .iter()
                .copied()
                .filter(|&k| k == left || k == right)
                .collect();
            if want && holding.is_empty() {
                self.held.push(left);
                out.push((left, true));
            } else if !want {
                for k in holding {
                    self.held.retain(|&h| h != k);
                    out.push((k, false));
                }
            }
        }
        out
    }

    /// Everything was released (release_all, or control ended).
    pub fn clear(&mut self) {
        self.held.clear();
    }
}
