//! XTEST input through the controller, into a real X server: clicks,
//! drags and the wheel land on the right pixel, keys and text arrive as
//! the characters meant, nothing arrives while not controlling, and
//! held keys are let go.

mod common;

use common::{HEIGHT, Seen, TestWindow, WIDTH, Xvfb};
use helper::control::{Applied, Controller};
use helper::desktop::InputSink;
use helper::desktop::x11::input::XtestSink;
use protocol::peer::control::{PointerMove, normalise};
use protocol::peer::input::{InputMessage, Monitor, MouseButton};
use protocol::peer::keys::usb_of_code;

fn screen() -> Monitor {
    Monitor {
        name: "screen".into(),
        x: 0,
        y: 0,
        width: WIDTH,
        height: HEIGHT,
        primary: true,
    }
}

fn controller(x: &Xvfb, controlling: bool) -> Controller<dyn InputSink> {
    let sink: Box<dyn InputSink> = Box::new(XtestSink::new(Some(&x.display)).unwrap());
    let mut c = Controller::new(sink);
    c.set_area(screen());
    c.set_controlling(controlling).unwrap();
    c
}

/// The wire's coordinates for a desktop pixel.
fn at(px: u32, py: u32) -> (u16, u16) {
    (
        normalise(px as f64, WIDTH as f64),
        normalise(py as f64, HEIGHT as f64),
    )
}

fn button(button: MouseButton, down: bool, px: u32, py: u32) -> InputMessage {
    let (x, y) = at(px, py);
    InputMessage::Button { button, down, x, y }
}

fn key(code: &str, down: bool) -> InputMessage {
    InputMessage::Key {
        usb: usb_of_code(code).unwrap(),
        down,
    }
}

fn near(a: i16, b: i16) -> bool {
    (a - b).abs() <= 1
}

#[test]
fn a_click_lands_on_its_pixel() {
    let x = Xvfb::start();
    let w = TestWindow::open(&x.display, 100, 100, 400, 300, 0xff0000);
    let mut c = controller(&x, true);
    c.apply(&button(MouseButton::Left, true, 150, 160)).unwrap();
    c.apply(&button(MouseButton::Left, false, 150, 160))
        .unwrap();
    let seen = w.record_until(|s| s.iter().any(|e| matches!(e, Seen::Release { .. })));
    let press = seen.iter().find_map(|e| match e {
        Seen::Press { button, x, y } => Some((*button, *x, *y)),
        _ => None,
    });
    let (b, px, py) = press.expect("a press before the release");
    assert_eq!(b, 1);
    assert!(
        near(px, 50) && near(py, 60),
        "pressed at ({px},{py}), not (50,60)"
    );
}

#[test]
fn a_drag_moves_with_the_button_held_and_releases_at_its_end() {
    let x = Xvfb::start();
    let w = TestWindow::open(&x.display, 100, 100, 400, 300, 0x00ff00);
    let mut c = controller(&x, true);
    c.apply(&button(MouseButton::Left, true, 120, 120)).unwrap();
    let (mx, my) = at(300, 250);
    assert_eq!(
        c.pointer(PointerMove {
            seq: 1,
            x: mx,
            y: my
        })
        .unwrap(),
        Applied::Done
    );
    // A late, older move is dropped rather than jumping back.
    let (ox, oy) = at(130, 130);
    assert_eq!(
        c.pointer(PointerMove {
            seq: 0,
            x: ox,
            y: oy
        })
        .unwrap(),
        Applied::Stale
    );
    c.apply(&button(MouseButton::Left, false, 300, 250))
        .unwrap();
    let seen = w.record_until(|s| s.iter().any(|e| matches!(e, Seen::Release { .. })));
    assert!(
        seen.iter().any(
            |e| matches!(e, Seen::Motion { x, y, button1: true } if near(*x, 200) && near(*y, 150))
        ),
        "no drag motion to (200,150): {seen:?}"
    );
    assert!(
        seen.iter().any(
            |e| matches!(e, Seen::Release { button: 1, x, y } if near(*x, 200) && near(*y, 150))
        ),
        "no release at (200,150): {seen:?}"
    );
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, Seen::Motion { x, y, .. } if near(*x, 30) && near(*y, 30))),
        "the stale move was applied: {seen:?}"
    );
}

#[test]
fn wheel_notches_become_wheel_buttons() {
    let x = Xvfb::start();
    let w = TestWindow::open(&x.display, 100, 100, 400, 300, 0x0000ff);
    let mut c = controller(&x, true);
    c.apply(&button(MouseButton::Middle, false, 200, 200))
        .unwrap(); // position only
    c.apply(&InputMessage::Wheel { dx: 0, dy: 2 }).unwrap();
    c.apply(&InputMessage::Wheel { dx: 0, dy: -1 }).unwrap();
    c.apply(&InputMessage::Wheel { dx: 1, dy: 0 }).unwrap();
    let presses = |s: &[Seen]| -> Vec<u8> {
        s.iter()
            .filter_map(|e| match e {
                Seen::Press { button, x, y } if near(*x, 100) && near(*y, 100) => Some(*button),
                _ => None,
            })
            .collect()
    };
    let seen = w.record_until(|s| presses(s).len() >= 4);
    assert_eq!(presses(&seen), vec![5, 5, 4, 7]);
}

#[test]
fn keys_and_text_arrive_as_the_characters_meant() {
    let x = Xvfb::start();
    let w = TestWindow::open(&x.display, 0, 0, 640, 480, 0xffffff);
    let mut c = controller(&x, true);
    // "Hi1!," by physical keys, Shift held by the technician for H and !.
    for m in [
        key("ShiftLeft", true),
        key("KeyH", true),
        key("KeyH", false),
        key("ShiftLeft", false),
        key("KeyI", true),
        key("KeyI", false),
        key("Digit1", true),
        key("Digit1", false),
        key("ShiftLeft", true),
        key("Digit1", true),
        key("Digit1", false),
        key("ShiftLeft", false),
        key("Comma", true),
        key("Comma", false),
    ] {
        assert_eq!(c.apply(&m).unwrap(), Applied::Done);
    }
    // Text: layout keys where they exist (with Shift), borrowed keys for
    // the rest.
    c.apply(&InputMessage::Text {
        text: "Az9?/ Привет".into(),
    })
    .unwrap();
    let want = "Hi1!,Az9?/ Привет";
    let seen = w.record_until(|s| TestWindow::typed(s).chars().count() >= want.chars().count());
    assert_eq!(TestWindow::typed(&seen), want);
    c.finish().unwrap();
}

#[test]
fn nothing_is_injected_while_not_controlling() {
    let x = Xvfb::start();
    let w = TestWindow::open(&x.display, 100, 100, 400, 300, 0xff00ff);
    let mut c = controller(&x, false);
    let (mx, my) = at(200, 200);
    assert_eq!(
        c.pointer(PointerMove {
            seq: 1,
            x: mx,
            y: my
        })
        .unwrap(),
        Applied::Ignored
    );
    for m in [
        button(MouseButton::Left, true, 200, 200),
        button(MouseButton::Left, false, 200, 200),
        InputMessage::Wheel { dx: 0, dy: 3 },
        key("KeyA", true),
        key("KeyA", false),
        InputMessage::Text { text: "no".into() },
    ] {
        assert_eq!(c.apply(&m).unwrap(), Applied::Ignored, "{m:?}");
    }
    // A marker through the same connection: once it arrives, anything
    // injected before it would have arrived too.
    c.set_controlling(true).unwrap();
    c.apply(&button(MouseButton::Right, true, 400, 300))
        .unwrap();
    let seen = w.record_until(|s| s.iter().any(|e| matches!(e, Seen::Press { button: 3, .. })));
    let unexpected: Vec<_> = seen
        .iter()
        .filter(|e| !matches!(e, Seen::Press { button: 3, .. } | Seen::Motion { .. }))
        .collect();
    assert!(
        unexpected.is_empty(),
        "injected while view only: {unexpected:?}"
    );
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, Seen::Motion { x, y, .. } if near(*x, 100) && near(*y, 100))),
        "the pointer moved while view only: {seen:?}"
    );
    c.finish().unwrap();
}

#[test]
fn release_all_and_the_end_of_control_let_go_of_held_keys() {
    let x = Xvfb::start();
    let w = TestWindow::open(&x.display, 0, 0, 640, 480, 0x123456);
    let mut c = controller(&x, true);
    c.apply(&key("ShiftLeft", true)).unwrap();
    c.apply(&key("KeyQ", true)).unwrap();
    c.apply(&InputMessage::ReleaseAll).unwrap();
    let seen =
        w.record_until(|s| s.iter().filter(|e| matches!(e, Seen::KeyUp { .. })).count() >= 2);
    let ups: Vec<_> = seen
        .iter()
        .filter_map(|e| match e {
            Seen::KeyUp { keycode } => Some(*keycode),
            _ => None,
        })
        .collect();
    assert_eq!(
        ups,
        vec![24, 50],
        "Q and Shift released, last pressed first"
    );

    c.apply(&key("ControlLeft", true)).unwrap();
    c.apply(&button(MouseButton::Left, true, 50, 50)).unwrap();
    c.set_controlling(false).unwrap();
    let seen = w.record_until(|s| {
        s.iter().any(|e| matches!(e, Seen::KeyUp { keycode: 37 }))
            && s.iter()
                .any(|e| matches!(e, Seen::Release { button: 1, .. }))
    });
    assert!(
        seen.iter()
            .any(|e| matches!(e, Seen::Press { button: 1, .. }))
    );
}
