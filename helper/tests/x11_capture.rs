//! MIT-SHM capture of a real X server: the monitor list, and a test
//! window's colour at the right pixels.

mod common;

use common::{HEIGHT, TestWindow, WIDTH, Xvfb};
use helper::desktop::Capturer;
use helper::desktop::x11::capture::X11Capturer;

#[test]
fn the_monitor_is_listed() {
    let x = Xvfb::start();
    let mut cap = X11Capturer::new(Some(&x.display)).unwrap();
    let monitors = cap.monitors().unwrap();
    assert_eq!(monitors.len(), 1, "{monitors:?}");
    let m = &monitors[0];
    assert_eq!((m.x, m.y, m.width, m.height), (0, 0, WIDTH, HEIGHT));
}

#[test]
fn capture_shows_the_window_where_it_is() {
    let x = Xvfb::start();
    let _w = TestWindow::open(&x.display, 100, 120, 300, 200, 0xff8000);
    let mut cap = X11Capturer::new(Some(&x.display)).unwrap();
    let monitor = cap.monitors().unwrap().remove(0);
    let frame = cap.grab(&monitor).unwrap();
    assert_eq!((frame.width, frame.height), (WIDTH, HEIGHT));
    let pixel = |px: u32, py: u32| {
        let at = (py * frame.stride + px * 4) as usize;
        [frame.bgra[at + 2], frame.bgra[at + 1], frame.bgra[at]]
    };
    // Inside, at the corners of the window, and just outside it.
    for (px, py) in [(100, 120), (399, 319), (250, 220)] {
        assert_eq!(pixel(px, py), [0xff, 0x80, 0x00], "inside at ({px},{py})");
    }
    for (px, py) in [(99, 120), (400, 319), (250, 119), (250, 320)] {
        assert_ne!(pixel(px, py), [0xff, 0x80, 0x00], "outside at ({px},{py})");
    }
}

#[test]
fn an_odd_sized_area_is_captured_even() {
    let x = Xvfb::start();
    let mut cap = X11Capturer::new(Some(&x.display)).unwrap();
    let mut monitor = cap.monitors().unwrap().remove(0);
    monitor.width = 641;
    monitor.height = 361;
    let frame = cap.grab(&monitor).unwrap();
    assert_eq!((frame.width, frame.height), (640, 360));
}
