//! Keys by physical position: `KeyboardEvent.code` to USB HID usage
//! (page 7), from Chromium's own table (the `keycode` crate), as Chrome
//! Remote Desktop sends them. The helper maps the usage to its platform's
//! key code with the same table.

use keycode::{KeyMap, KeyMapping, KeyMappingCode};

/// The USB HID usage of a `KeyboardEvent.code` (`"KeyA"` → `0x04`);
/// `None` for `""`, `"Unidentified"` and codes with no USB usage.
pub fn usb_of_code(code: &str) -> Option<u16> {
    let code: KeyMappingCode = code.parse().ok()?;
    let map = KeyMap::from_key_mapping(KeyMapping::Code(Some(code))).ok()?;
    // Only keyboard-page usages: the same table also holds consumer keys
    // (volume, media) on other pages, which the helper would misread.
    let keyboard = KeyMap::from_usb_code(0x07, map.usb).is_ok_and(|m| m.id == map.id);
    (keyboard && map.usb != 0).then_some(map.usb)
}

/// Usages the console's special-keys menu sends.
pub mod usage {
    pub const ENTER: u16 = 0x28;
    pub const ESCAPE: u16 = 0x29;
    pub const TAB: u16 = 0x2b;
    pub const DELETE: u16 = 0x4c;
    pub const PRINT_SCREEN: u16 = 0x46;
    pub const CONTROL_LEFT: u16 = 0xe0;
    pub const SHIFT_LEFT: u16 = 0xe1;
    pub const ALT_LEFT: u16 = 0xe2;
    pub const META_LEFT: u16 = 0xe3;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dom_codes_map_to_usb_usages() {
        assert_eq!(usb_of_code("KeyA"), Some(0x04));
        assert_eq!(usb_of_code("Digit1"), Some(0x1e));
        assert_eq!(usb_of_code("ShiftLeft"), Some(usage::SHIFT_LEFT));
        assert_eq!(usb_of_code("Delete"), Some(usage::DELETE));
        assert_eq!(usb_of_code("PrintScreen"), Some(usage::PRINT_SCREEN));
        assert_eq!(usb_of_code("MetaLeft"), Some(usage::META_LEFT));
        assert_eq!(usb_of_code(""), None);
        assert_eq!(usb_of_code("Unidentified"), None);
        assert_eq!(usb_of_code("NoSuchKey"), None);
    }
}
