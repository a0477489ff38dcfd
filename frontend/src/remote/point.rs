//! A point over the helper's `<video>` as a point on the customer's
//! monitor. The video is drawn with `object-fit: contain`: the picture is
//! scaled to fit and centred, leaving bars on two sides when the shapes
//! differ. A point in a bar is on no monitor pixel, so it maps to nothing.

use protocol::peer::control::normalise;

/// A point on the monitor shown, in the wire's `0..=65535` per axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub x: u16,
    pub y: u16,
}

/// The element's box (CSS pixels) and the picture's own size (video pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    pub box_width: f64,
    pub box_height: f64,
    pub video_width: f64,
    pub video_height: f64,
}

/// Maps `(x, y)`, relative to the element's top-left corner, to the
/// monitor; `None` in the bars, outside the element, or before the
/// picture's size is known.
pub fn map_point(x: f64, y: f64, layout: Layout) -> Option<Point> {
    let Layout {
        box_width,
        box_height,
        video_width,
        video_height,
    } = layout;
    if box_width <= 0.0 || box_height <= 0.0 || video_width <= 0.0 || video_height <= 0.0 {
        return None;
    }
    let scale = (box_width / video_width).min(box_height / video_height);
    let (shown_width, shown_height) = (video_width * scale, video_height * scale);
    let x = x - (box_width - shown_width) / 2.0;
    let y = y - (box_height - shown_height) / 2.0;
    let inside = (0.0..=shown_width).contains(&x) && (0.0..=shown_height).contains(&y);
    inside.then(|| Point {
        x: normalise(x, shown_width),
        y: normalise(y, shown_height),
    })
}
