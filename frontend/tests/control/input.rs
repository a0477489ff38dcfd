//! What the console sends the helper: nothing in View only; in Control,
//! numbered moves, clicks with their place, wheel notches, keys by USB
//! usage, text for keys without one, the special keys, and releases.

use frontend::remote::{Driver, Modifiers, Outgoing, Point, SpecialKey, WheelUnit};
use frontend::signal_data::{SignalTarget, signal_target};
use protocol::Role;
use protocol::peer::control::PointerMove;
use protocol::peer::input::{InputMessage, MouseButton};
use protocol::peer::keys::usage;
use wasm_bindgen_test::wasm_bindgen_test;

const P: Point = Point { x: 100, y: 200 };

fn input(message: InputMessage) -> Outgoing {
    Outgoing::Input(message)
}

fn controlling() -> Driver {
    let mut driver = Driver::default();
    assert_eq!(driver.set_controlling(true), None);
    driver
}

#[wasm_bindgen_test]
fn view_only_sends_nothing() {
    let mut driver = Driver::default();
    assert_eq!(driver.pointer_move(Some(P)), None);
    assert_eq!(driver.button(0, true, Some(P)), None);
    assert_eq!(driver.button(0, false, Some(P)), None);
    assert_eq!(driver.wheel(0.0, 500.0, WheelUnit::Pixel), None);
    let key = driver.key("KeyA", "a", true, false, Modifiers::default());
    assert!(key.messages.is_empty() && !key.prevent_default);
    assert_eq!(driver.text("hello"), None);
    assert!(driver.special(SpecialKey::CtrlAltDel).is_empty());
    assert_eq!(driver.release_all(), None);

    // Switched to Control and back: one release on the way out, then
    // nothing again.
    let mut driver = controlling();
    assert_eq!(
        driver.set_controlling(false),
        Some(input(InputMessage::ReleaseAll))
    );
    assert_eq!(driver.pointer_move(Some(P)), None);
    assert_eq!(driver.set_controlling(false), None, "no second release");
}

#[wasm_bindgen_test]
fn moves_are_numbered_upwards_and_bars_are_skipped() {
    let mut driver = controlling();
    let first = driver.pointer_move(Some(P));
    assert_eq!(driver.pointer_move(None), None);
    let second = driver.pointer_move(Some(Point { x: 5, y: 6 }));
    assert_eq!(
        (first, second),
        (
            Some(Outgoing::Move(PointerMove {
                seq: 1,
                x: 100,
                y: 200
            })),
            Some(Outgoing::Move(PointerMove { seq: 2, x: 5, y: 6 }))
        )
    );
}

#[wasm_bindgen_test]
fn clicks_carry_their_place_and_a_release_is_never_lost() {
    let mut driver = controlling();
    assert_eq!(driver.button(0, true, None), None, "a press in a bar");
    assert_eq!(
        driver.button(2, true, Some(P)),
        Some(input(InputMessage::Button {
            button: MouseButton::Right,
            down: true,
            x: 100,
            y: 200
        }))
    );
    // Dragged off the picture: released where the pointer last was on it.
    assert_eq!(
        driver.button(2, false, None),
        Some(input(InputMessage::Button {
            button: MouseButton::Right,
            down: false,
            x: 100,
            y: 200
        }))
    );
    assert_eq!(driver.button(9, true, Some(P)), None, "no such button");
}

#[wasm_bindgen_test]
fn wheel_goes_in_notches() {
    let mut driver = controlling();
    assert_eq!(driver.wheel(0.0, 60.0, WheelUnit::Pixel), None);
    assert_eq!(
        driver.wheel(0.0, 60.0, WheelUnit::Pixel),
        Some(input(InputMessage::Wheel { dx: 0, dy: 1 }))
    );
    assert_eq!(
        driver.wheel(-2.0, 0.0, WheelUnit::Line),
        Some(input(InputMessage::Wheel { dx: -2, dy: 0 }))
    );
}

#[wasm_bindgen_test]
fn keys_go_by_usb_usage_and_others_as_text() {
    let mut driver = controlling();
    let a = driver.key("KeyA", "q", true, false, Modifiers::default());
    assert!(a.prevent_default);
    assert_eq!(
        a.messages,
        vec![input(InputMessage::Key {
            usb: 0x04,
            down: true
        })]
    );
    let tab = driver.key("Tab", "Tab", false, false, Modifiers::default());
    assert_eq!(
        tab.messages,
        vec![input(InputMessage::Key {
            usb: usage::TAB,
            down: false
        })]
    );
    assert!(tab.prevent_default, "Tab must not move the console's focus");
    let unidentified = driver.key("Unidentified", "é", true, false, Modifiers::default());
    assert_eq!(
        unidentified.messages,
        vec![input(InputMessage::Text { text: "é".into() })]
    );
    assert!(
        driver
            .key("Unidentified", "é", false, false, Modifiers::default())
            .messages
            .is_empty()
    );
    assert!(
        driver
            .key("", "Dead", true, false, Modifiers::default())
            .messages
            .is_empty()
    );
    let composing = driver.key("KeyA", "a", true, true, Modifiers::default());
    assert!(composing.messages.is_empty() && !composing.prevent_default);
    assert_eq!(
        driver.text("日本"),
        Some(input(InputMessage::Text {
            text: "日本".into()
        }))
    );
}

#[wasm_bindgen_test]
fn special_keys_press_in_order_and_release_in_reverse() {
    let mut driver = controlling();
    let key = |usb, down| input(InputMessage::Key { usb, down });
    assert_eq!(
        driver.special(SpecialKey::CtrlAltDel),
        vec![
            key(usage::CONTROL_LEFT, true),
            key(usage::ALT_LEFT, true),
            key(usage::DELETE, true),
            key(usage::DELETE, false),
            key(usage::ALT_LEFT, false),
            key(usage::CONTROL_LEFT, false),
        ]
    );
    assert_eq!(
        driver.special(SpecialKey::Super),
        vec![key(usage::META_LEFT, true), key(usage::META_LEFT, false)]
    );
    assert_eq!(driver.special(SpecialKey::AltTab).len(), 4);
    assert_eq!(SpecialKey::PrintScreen.name(), "print-screen");
    assert_eq!(driver.release_all(), Some(input(InputMessage::ReleaseAll)));
}

#[wasm_bindgen_test]
fn signals_go_to_the_connection_of_their_sender() {
    assert_eq!(
        signal_target(Role::Technician, Role::Customer),
        SignalTarget::Browser
    );
    assert_eq!(
        signal_target(Role::Technician, Role::Helper),
        SignalTarget::Helper
    );
    assert_eq!(
        signal_target(Role::Technician, Role::Technician),
        SignalTarget::Nobody
    );
    assert_eq!(
        signal_target(Role::Customer, Role::Technician),
        SignalTarget::Browser
    );
    assert_eq!(
        signal_target(Role::Customer, Role::Helper),
        SignalTarget::Nobody,
        "a customer's page never talks to the helper"
    );
}

/// Keys as one event each: what the console sends for a key going down.
fn keys_of(outcome: frontend::remote::KeyOutcome) -> Vec<(u16, bool)> {
    outcome
        .messages
        .into_iter()
        .filter_map(|m| match m {
            Outgoing::Input(InputMessage::Key { usb, down }) => Some((usb, down)),
            _ => None,
        })
        .collect()
}

#[wasm_bindgen_test]
fn modifiers_follow_the_event_flags() {
    let mut driver = controlling();
    let shift = Modifiers {
        shift: true,
        ..Modifiers::default()
    };
    // Shift held before the video had the keyboard: pressed for the key.
    let h = driver.key("KeyH", "H", true, false, shift);
    assert_eq!(keys_of(h), vec![(usage::SHIFT_LEFT, true), (0x0b, true)]);
    assert_eq!(
        keys_of(driver.key("KeyH", "H", false, false, shift)),
        vec![(0x0b, false)]
    );
    // Let go of meanwhile: released before the next key.
    let e = driver.key("KeyE", "e", true, false, Modifiers::default());
    assert_eq!(keys_of(e), vec![(usage::SHIFT_LEFT, false), (0x08, true)]);
    // A real Shift press is not pressed twice, and its own release counts.
    driver.key("ShiftRight", "Shift", true, false, shift);
    assert_eq!(
        keys_of(driver.key("Digit1", "!", true, false, shift)),
        vec![(0x1e, true)]
    );
    driver.key("ShiftRight", "Shift", false, false, Modifiers::default());
    assert_eq!(
        keys_of(driver.key("Digit1", "1", true, false, Modifiers::default())),
        vec![(0x1e, true)]
    );
    // Text typed as itself goes without Shift.
    driver.key("KeyA", "A", true, false, shift);
    let text = driver.key("", "П", true, false, shift);
    assert_eq!(keys_of(text), vec![(usage::SHIFT_LEFT, false)]);
}
