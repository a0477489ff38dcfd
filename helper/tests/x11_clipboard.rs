//! The CLIPBOARD selection between two X clients: text pushed by one
//! helper clipboard is read by another through ConvertSelection, as any
//! program pasting would.

mod common;

use common::Xvfb;
use helper::desktop::Clipboard;
use helper::desktop::x11::clipboard::X11Clipboard;
use protocol::peer::input::MAX_CLIPBOARD_BYTES;

#[test]
fn pushed_text_is_what_another_program_pastes() {
    let x = Xvfb::start();
    let mut owner = X11Clipboard::new(Some(&x.display)).unwrap();
    let mut reader = X11Clipboard::new(Some(&x.display)).unwrap();
    assert_eq!(reader.get().unwrap(), None, "empty at first");
    owner.set("héllo, Привет").unwrap();
    assert_eq!(reader.get().unwrap().as_deref(), Some("héllo, Привет"));
    // The other way round: the reader copies, the first one pastes.
    reader.set("second").unwrap();
    assert_eq!(owner.get().unwrap().as_deref(), Some("second"));
}

#[test]
fn text_over_the_limit_is_refused() {
    let x = Xvfb::start();
    let mut owner = X11Clipboard::new(Some(&x.display)).unwrap();
    assert!(owner.set(&"x".repeat(MAX_CLIPBOARD_BYTES + 1)).is_err());
}
