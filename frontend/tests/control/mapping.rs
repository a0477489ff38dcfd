//! Points over the helper's video, letterboxed by `object-fit: contain`,
//! and wheel notches.

use frontend::remote::{Layout, Notches, Point, WheelUnit, map_point};
use wasm_bindgen_test::wasm_bindgen_test;

/// A 1920×1080 monitor in an 800×600 box: scaled to 800×450, with bars
/// of 75 px above and below.
const WIDE: Layout = Layout {
    box_width: 800.0,
    box_height: 600.0,
    video_width: 1920.0,
    video_height: 1080.0,
};

#[wasm_bindgen_test]
fn points_in_the_picture_map_to_the_whole_monitor() {
    assert_eq!(map_point(0.0, 75.0, WIDE), Some(Point { x: 0, y: 0 }));
    assert_eq!(
        map_point(800.0, 525.0, WIDE),
        Some(Point { x: 65535, y: 65535 })
    );
    assert_eq!(
        map_point(400.0, 300.0, WIDE),
        Some(Point { x: 32768, y: 32768 })
    );
}

#[wasm_bindgen_test]
fn points_in_the_bars_map_to_nothing() {
    assert_eq!(map_point(400.0, 74.0, WIDE), None, "top bar");
    assert_eq!(map_point(400.0, 526.0, WIDE), None, "bottom bar");
    assert_eq!(map_point(-1.0, 300.0, WIDE), None, "left of the element");
}

#[wasm_bindgen_test]
fn a_tall_picture_has_bars_at_the_sides() {
    // 1080×1920 in 800×600: scaled to 337.5×600, bars of 231.25 px.
    let tall = Layout {
        box_width: 800.0,
        box_height: 600.0,
        video_width: 1080.0,
        video_height: 1920.0,
    };
    assert_eq!(map_point(231.0, 300.0, tall), None);
    assert_eq!(map_point(231.25, 0.0, tall), Some(Point { x: 0, y: 0 }));
    assert_eq!(
        map_point(568.75, 600.0, tall),
        Some(Point { x: 65535, y: 65535 })
    );
}

#[wasm_bindgen_test]
fn nothing_maps_before_the_picture_has_a_size() {
    let unknown = Layout {
        video_width: 0.0,
        video_height: 0.0,
        ..WIDE
    };
    assert_eq!(map_point(10.0, 10.0, unknown), None);
}

#[wasm_bindgen_test]
fn wheel_pixels_add_up_to_notches_and_keep_the_rest() {
    let mut notches = Notches::default();
    // A touchpad: small deltas, nothing until a whole notch.
    assert_eq!(notches.add(0.0, 40.0, WheelUnit::Pixel), (0, 0));
    assert_eq!(notches.add(0.0, 40.0, WheelUnit::Pixel), (0, 0));
    assert_eq!(notches.add(0.0, 40.0, WheelUnit::Pixel), (0, 1));
    // 20 px were kept: 80 more make the next notch.
    assert_eq!(notches.add(0.0, 79.0, WheelUnit::Pixel), (0, 0));
    assert_eq!(notches.add(0.0, 1.0, WheelUnit::Pixel), (0, 1));
    // A mouse wheel: 100 px a click; sideways and up are negative.
    let mut notches = Notches::default();
    assert_eq!(notches.add(-250.0, -300.0, WheelUnit::Pixel), (-2, -3));
    assert_eq!(notches.add(-50.0, 0.0, WheelUnit::Pixel), (-1, 0));
}

#[wasm_bindgen_test]
fn wheel_lines_are_one_notch_each() {
    let mut notches = Notches::default();
    assert_eq!(notches.add(0.0, 3.0, WheelUnit::Line), (0, 3));
    assert_eq!(notches.add(0.0, 0.5, WheelUnit::Line), (0, 0));
    assert_eq!(notches.add(0.0, 0.5, WheelUnit::Line), (0, 1));
    assert_eq!(WheelUnit::from_dom(1), WheelUnit::Line);
    assert_eq!(WheelUnit::from_dom(0), WheelUnit::Pixel);
}
