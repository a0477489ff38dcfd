//! Wheel deltas as notches. Browsers report wheels in pixels (most mice
//! and every touchpad), lines or pages; the helper scrolls by notches, as
//! a real wheel clicks. A touchpad sends many small deltas, so what does
//! not make a whole notch yet is kept for the next event instead of lost.

/// How `WheelEvent.deltaMode` measures the delta.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WheelUnit {
    Pixel,
    Line,
    Page,
}

impl WheelUnit {
    /// From `WheelEvent.deltaMode` (0, 1, 2).
    pub fn from_dom(mode: u32) -> WheelUnit {
        match mode {
            1 => WheelUnit::Line,
            2 => WheelUnit::Page,
            _ => WheelUnit::Pixel,
        }
    }

    /// How many of this unit make one notch: a Chromium notch is 100 px.
    fn per_notch(self) -> f64 {
        match self {
            WheelUnit::Pixel => PIXELS_PER_NOTCH,
            WheelUnit::Line | WheelUnit::Page => 1.0,
        }
    }
}

/// Pixels of wheel delta per notch.
pub const PIXELS_PER_NOTCH: f64 = 100.0;

/// The parts of a notch not sent yet, per axis.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Notches {
    rest_x: f64,
    rest_y: f64,
}

impl Notches {
    /// Adds one event's deltas; returns the whole notches to send now
    /// (`dx > 0` right, `dy > 0` down, as in the DOM).
    pub fn add(&mut self, dx: f64, dy: f64, unit: WheelUnit) -> (i32, i32) {
        let per = unit.per_notch();
        (
            take_whole(&mut self.rest_x, dx / per),
            take_whole(&mut self.rest_y, dy / per),
        )
    }

    /// Forgets the remainders (control paused or stopped).
    pub fn clear(&mut self) {
        *self = Notches::default();
    }
}

fn take_whole(rest: &mut f64, more: f64) -> i32 {
    if !more.is_finite() {
        return 0;
    }
    let total = *rest + more;
    // Far beyond any real wheel; the clamp only keeps the cast defined.
    let whole = total.trunc().clamp(-1000.0, 1000.0);
    *rest = total - total.trunc();
    whole as i32
}
