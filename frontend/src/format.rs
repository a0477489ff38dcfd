//! Turning numbers into what people read: clock times, countdowns,
//! durations and the quality line of a live screen. Plain functions of their
//! inputs (the caller passes "now" and the time-zone offset) so they test
//! natively and never depend on the machine's clock.

use time::{OffsetDateTime, UtcOffset};

/// Unix milliseconds of an instant, the unit the browser's clock uses.
pub fn unix_ms(at: OffsetDateTime) -> f64 {
    (at.unix_timestamp_nanos() / 1_000_000) as f64
}

/// "14:05": hours and minutes of `unix_ms` in a zone `offset_minutes` east
/// of UTC (the browser's `-getTimezoneOffset()`).
pub fn clock(unix_ms: f64, offset_minutes: i32) -> String {
    let Ok(at) = OffsetDateTime::from_unix_timestamp((unix_ms / 1000.0).floor() as i64) else {
        return String::from("--:--");
    };
    let offset =
        UtcOffset::from_whole_seconds(offset_minutes.saturating_mul(60)).unwrap_or(UtcOffset::UTC);
    let local = at.to_offset(offset);
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// "4:07" for a countdown or a short wait; "1:02:03" past an hour. Negative
/// input shows as zero: a countdown never goes below it.
pub fn minutes_seconds(secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Whole seconds from `from_ms` until `to_ms`, rounded up so a countdown
/// shows 0:01 until the very end rather than 0:00 for the last second.
pub fn secs_until(to_ms: f64, from_ms: f64) -> i64 {
    ((to_ms - from_ms) / 1000.0).ceil().max(0.0) as i64
}

/// "12.3 MB": a size in bytes, in decimal units as file managers show
/// them, with three significant digits.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut value = n as f64;
    let mut unit = "B";
    for u in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = u;
    }
    if value < 10.0 {
        format!("{value:.2} {unit}")
    } else if value < 100.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// What a technician wants to know about a live screen: its size, how
/// smooth it is, how much it costs, how far away it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality {
    /// Decoded picture size; tells "actual size" apart from "fit".
    pub width: u32,
    /// See `width`.
    pub height: u32,
    /// Frames decoded per second; a frozen picture shows as 0.
    pub fps: f64,
    /// Received bitrate over the last polling interval.
    pub kbps: Option<f64>,
    /// Round trip of the selected candidate pair.
    pub rtt_ms: Option<f64>,
}

impl Quality {
    /// "1280×720 · 20 fps · 1.2 Mbit/s · 3 ms". Units are international
    /// symbols, so the line is the same in every language.
    pub fn describe(&self) -> String {
        let mut parts = vec![
            format!("{}×{}", self.width, self.height),
            format!("{} fps", self.fps.round() as i64),
        ];
        if let Some(kbps) = self.kbps {
            parts.push(if kbps >= 1000.0 {
                format!("{:.1} Mbit/s", kbps / 1000.0)
            } else {
                format!("{} kbit/s", kbps.round() as i64)
            });
        }
        if let Some(rtt) = self.rtt_ms {
            parts.push(format!("{} ms", rtt.round() as i64));
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_file_managers_show_them() {
        use super::bytes;
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1500), "1.50 kB");
        assert_eq!(bytes(52_428_800), "52.4 MB");
        assert_eq!(bytes(200_000_000), "200 MB");
        assert_eq!(bytes(1_000_000_000_000), "1.00 TB");
    }

    use super::*;
    use time::macros::datetime;

    #[test]
    fn clock_applies_the_offset() {
        let at = unix_ms(datetime!(2026-11-22 10:05:59 UTC));
        assert_eq!(clock(at, 0), "10:05");
        assert_eq!(clock(at, 60), "11:05");
        assert_eq!(clock(at, -330), "04:35");
    }

    #[test]
    fn countdowns() {
        assert_eq!(minutes_seconds(300), "5:00");
        assert_eq!(minutes_seconds(61), "1:01");
        assert_eq!(minutes_seconds(0), "0:00");
        assert_eq!(minutes_seconds(-5), "0:00");
        assert_eq!(minutes_seconds(3723), "1:02:03");
        assert_eq!(secs_until(10_500.0, 10_000.0), 1);
        assert_eq!(secs_until(10_000.0, 10_000.0), 0);
        assert_eq!(secs_until(9_000.0, 10_000.0), 0);
    }

    #[test]
    fn quality_line() {
        let q = Quality {
            width: 1280,
            height: 720,
            fps: 19.6,
            kbps: Some(1234.0),
            rtt_ms: Some(2.6),
        };
        assert_eq!(q.describe(), "1280×720 · 20 fps · 1.2 Mbit/s · 3 ms");
        let q = Quality {
            kbps: Some(640.4),
            rtt_ms: None,
            ..q
        };
        assert_eq!(q.describe(), "1280×720 · 20 fps · 640 kbit/s");
    }
}
