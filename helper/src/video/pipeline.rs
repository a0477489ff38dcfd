//! The capture thread: grab the chosen monitor at most 30 times a second,
//! encode only what changed (but at least one frame every two seconds, so
//! a viewer that joins or loses a packet recovers), and hand the VP8
//! frames to the sender.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use protocol::peer::input::Monitor;
use tokio::sync::mpsc;

use super::convert::bgra_to_i420;
use super::vp8::Vp8Encoder;
use crate::desktop::Capturer;

const FRAME_INTERVAL: Duration = Duration::from_millis(33);
/// Send a frame this often even when nothing changes.
const REFRESH_INTERVAL: Duration = Duration::from_secs(2);
/// How often the monitor layout is read again.
const MONITOR_INTERVAL: Duration = Duration::from_secs(1);
/// At most one keyframe this often, however many PLIs a lossy link sends.
const KEYFRAME_INTERVAL: Duration = Duration::from_millis(300);
/// Capture failing this long (not one resize) stops the pipeline.
const GIVE_UP_AFTER: Duration = Duration::from_secs(3);
const MIN_KBPS: u32 = 150;
const MAX_KBPS: u32 = 8_000;

pub enum PipelineEvent {
    /// An encoded frame; `duration` is the time since the previous one.
    Frame {
        data: Vec<u8>,
        key: bool,
        duration: Duration,
    },
    /// The monitor layout, or the one shown, changed (and once at start).
    Monitors {
        monitors: Vec<Monitor>,
        current: usize,
    },
    /// The pipeline stopped on an error (in words for a person).
    Failed(String),
}

/// Knobs the rest of the helper turns while the pipeline runs.
#[derive(Clone, Default)]
pub struct PipelineControl {
    pub stop: Arc<AtomicBool>,
    /// Set by a PLI or FIR from the viewer.
    pub want_keyframe: Arc<AtomicBool>,
    /// Which monitor to show (an index into the last `Monitors`).
    pub monitor: Arc<AtomicUsize>,
    /// Bits per second the congestion controller allows; 0 = not known.
    pub target_bps: Arc<AtomicU64>,
}

pub struct Pipeline {
    pub control: PipelineControl,
    thread: Option<JoinHandle<()>>,
}

impl Pipeline {
    pub fn start(
        capturer: Box<dyn Capturer>,
        control: PipelineControl,
        events: mpsc::Sender<PipelineEvent>,
    ) -> std::io::Result<Pipeline> {
        let worker = Worker {
            capturer,
            control: control.clone(),
            events,
        };
        let thread = std::thread::Builder::new()
            .name("capture".into())
            .spawn(move || worker.run())?;
        Ok(Pipeline {
            control,
            thread: Some(thread),
        })
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        self.control.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Worker {
    capturer: Box<dyn Capturer>,
    control: PipelineControl,
    events: mpsc::Sender<PipelineEvent>,
}

/// libvpx's speed setting: its default effort up to 720p, its fastest
/// above, so one core keeps up with 30 fps (measured in the design notes).
fn cpu_used(width: u32, height: u32) -> i32 {
    if width * height <= 1280 * 720 { -6 } else { 16 }
}

impl Worker {
    fn run(mut self) {
        if let Err(e) = self.frames() {
            let _ = self.events.blocking_send(PipelineEvent::Failed(e));
        }
    }

    fn frames(&mut self) -> Result<(), String> {
        let started = Instant::now();
        let mut monitors: Vec<Monitor> = Vec::new();
        let mut shown = usize::MAX;
        let mut monitors_read = None::<Instant>;
        let mut encoder: Option<Vp8Encoder> = None;
        let mut kbps = 0;
        let mut previous: Vec<u8> = Vec::new();
        let mut i420: Vec<u8> = Vec::new();
        let mut last_sent = None::<Instant>;
        let mut last_key = None::<Instant>;
        let mut failing_since = None::<Instant>;
        while !self.control.stop.load(Ordering::Relaxed) {
            let tick = Instant::now();
            let wanted = self.control.monitor.load(Ordering::Relaxed);
            if monitors_read.is_none_or(|at| at.elapsed() >= MONITOR_INTERVAL) || wanted != shown {
                let now = self.capturer.monitors().map_err(|e| e.to_string())?;
                let current = if wanted < now.len() { wanted } else { 0 };
                monitors_read = Some(tick);
                if now != monitors || current != shown {
                    monitors = now;
                    shown = current;
                    self.control.monitor.store(current, Ordering::Relaxed);
                    previous.clear(); // a new picture: send it
                    let event = PipelineEvent::Monitors {
                        monitors: monitors.clone(),
                        current,
                    };
                    if self.events.blocking_send(event).is_err() {
                        return Ok(());
                    }
                }
            }
            let frame = match self.capturer.grab(&monitors[shown]) {
                Ok(frame) => {
                    failing_since = None;
                    frame
                }
                // A monitor being resized or unplugged fails a grab or
                // two: read the layout again and retry, for a while.
                Err(e) => {
                    let since = *failing_since.get_or_insert(tick);
                    if since.elapsed() >= GIVE_UP_AFTER {
                        return Err(format!("screen capture failed: {e}"));
                    }
                    monitors_read = None;
                    std::thread::sleep(FRAME_INTERVAL);
                    continue;
                }
            };
            let (width, height) = (frame.width, frame.height);
            let unchanged = previous.as_slice() == frame.bgra;
            let stale = last_sent.is_none_or(|at| at.elapsed() >= REFRESH_INTERVAL);
            let keyframe_due = self.control.want_keyframe.load(Ordering::Relaxed)
                && last_key.is_none_or(|at| at.elapsed() >= KEYFRAME_INTERVAL);
            if !unchanged || stale || keyframe_due {
                previous.clear();
                previous.extend_from_slice(frame.bgra);
                i420.resize((width * height * 3 / 2) as usize, 0);
                bgra_to_i420(
                    frame.bgra,
                    frame.stride as usize,
                    width as usize,
                    height as usize,
                    &mut i420,
                );
                if encoder
                    .as_ref()
                    .is_none_or(|e| (e.width(), e.height()) != (width, height))
                {
                    kbps = self.kbps();
                    encoder = Some(Vp8Encoder::new(
                        width,
                        height,
                        kbps,
                        1,
                        cpu_used(width, height),
                    )?);
                }
                let encoder = encoder.as_mut().expect("made above");
                let wanted_kbps = self.kbps();
                // Reconfiguring costs little, but not every frame for noise.
                if wanted_kbps.abs_diff(kbps) * 20 > kbps {
                    encoder.set_bitrate_kbps(wanted_kbps)?;
                    kbps = wanted_kbps;
                }
                let force_key = keyframe_due;
                if force_key {
                    self.control.want_keyframe.store(false, Ordering::Relaxed);
                }
                let now = Instant::now();
                let duration = last_sent.map_or(FRAME_INTERVAL, |at| now - at);
                let pts = (now - started).as_millis() as i64;
                let ms = duration.as_millis().clamp(1, u32::MAX as u128) as u32;
                for out in encoder.encode(&mut i420, pts, ms, force_key)? {
                    if out.key {
                        last_key = Some(now);
                    }
                    let event = PipelineEvent::Frame {
                        data: out.data,
                        key: out.key,
                        duration,
                    };
                    if self.events.blocking_send(event).is_err() {
                        return Ok(());
                    }
                }
                last_sent = Some(now);
            }
            if let Some(rest) = FRAME_INTERVAL.checked_sub(tick.elapsed()) {
                std::thread::sleep(rest);
            }
        }
        Ok(())
    }

    fn kbps(&self) -> u32 {
        match self.control.target_bps.load(Ordering::Relaxed) {
            0 => 2_500,
            bps => ((bps / 1000) as u32).clamp(MIN_KBPS, MAX_KBPS),
        }
    }
}
