//! Everything on the helper link that must arrive: the [`INPUT`](super::INPUT)
//! channel, reliable and ordered, JSON text (`type` names the variant).
//!
//! Keys travel by physical position, as USB HID usages (page 7) derived
//! from `KeyboardEvent.code` ([`super::keys`]), so the customer's keyboard
//! layout decides the character, as it would for a person at that
//! keyboard. Text that no key makes (an IME, another script, a paste)
//! goes as [`InputMessage::Text`].

use serde::{Deserialize, Serialize};

use super::{Channel, ChannelMessage, DecodeError, Frame, INPUT, decode_json, encode_json};

/// Longest text the console sends in one [`InputMessage::Text`].
pub const MAX_TEXT_CHARS: usize = 1000;

/// Longest clipboard text either side sends, in bytes of UTF-8. Under the
/// smallest message size browsers accept on a data channel.
pub const MAX_CLIPBOARD_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InputMessage {
    // --- console → helper ---
    /// A mouse button went down or up at a point (normalised like
    /// [`super::control::PointerMove`]): the position travels with the
    /// click, so a click lands where it was made even if a move was lost.
    Button {
        button: MouseButton,
        down: bool,
        x: u16,
        y: u16,
    },
    /// Wheel notches: `dy > 0` scrolls down, `dx > 0` right.
    Wheel { dx: i32, dy: i32 },
    /// A key by USB HID usage (page 7), pressed or released.
    Key { usb: u16, down: bool },
    /// Characters to type as they are.
    Text { text: String },
    /// Release every key and button this console pressed (focus left the
    /// video, or control stops).
    ReleaseAll,
    /// Show and control another monitor (an index into `monitors`).
    SelectMonitor { index: usize },
    /// Put this text on the customer's clipboard.
    ClipboardPush { text: String },
    /// Ask for the text on the customer's clipboard.
    ClipboardPull,

    // --- helper → console ---
    /// The customer's monitors and which one is shown. Sent when the link
    /// opens and whenever either changes.
    Monitors {
        monitors: Vec<Monitor>,
        current: usize,
    },
    /// The customer's clipboard text, answering `clipboard_pull`.
    Clipboard { text: String },
    /// Something the helper could not do (`what`: the message type), in
    /// words for the technician.
    Refused { what: String, reason: String },
}

/// One of the customer's monitors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitor {
    pub name: String,
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub primary: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MouseButton {
    Left,
    Middle,
    Right,
    Back,
    Forward,
}

impl MouseButton {
    /// From `MouseEvent.button`.
    pub fn from_dom(button: i16) -> Option<MouseButton> {
        match button {
            0 => Some(MouseButton::Left),
            1 => Some(MouseButton::Middle),
            2 => Some(MouseButton::Right),
            3 => Some(MouseButton::Back),
            4 => Some(MouseButton::Forward),
            _ => None,
        }
    }
}

impl ChannelMessage for InputMessage {
    const CHANNEL: &'static Channel = &INPUT;

    fn encode(&self) -> Frame {
        encode_json(self)
    }

    fn decode(frame: Frame) -> Result<Self, DecodeError> {
        decode_json(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_have_the_documented_shape() {
        let key = InputMessage::Key {
            usb: 0x04,
            down: true,
        };
        assert_eq!(
            serde_json::to_value(&key).unwrap(),
            json!({"type": "key", "usb": 4, "down": true})
        );
        let click: InputMessage = serde_json::from_value(
            json!({"type": "button", "button": "left", "down": false, "x": 0, "y": 65535}),
        )
        .unwrap();
        assert_eq!(
            click,
            InputMessage::Button {
                button: MouseButton::Left,
                down: false,
                x: 0,
                y: 65535
            }
        );
        assert_eq!(
            InputMessage::decode(InputMessage::ReleaseAll.encode()).unwrap(),
            InputMessage::ReleaseAll
        );
        assert!(InputMessage::decode(Frame::Text(r#"{"type":"nope"}"#.into())).is_err());
    }

    #[test]
    fn dom_buttons_map() {
        assert_eq!(MouseButton::from_dom(0), Some(MouseButton::Left));
        assert_eq!(MouseButton::from_dom(2), Some(MouseButton::Right));
        assert_eq!(MouseButton::from_dom(9), None);
    }
}
