//! The VP8 encoder and the capture pipeline, on synthetic pictures (a
//! fake capturer with two monitors: stock Xvfb can only show one).

use std::sync::atomic::Ordering;
use std::time::Duration;

use helper::Error;
use helper::desktop::{Capturer, Frame};
use helper::video::convert::bgra_to_i420;
use helper::video::pipeline::{Pipeline, PipelineControl, PipelineEvent};
use helper::video::vp8::Vp8Encoder;
use protocol::peer::input::Monitor;

#[test]
fn the_encoder_makes_a_keyframe_when_asked() {
    let (w, h) = (320u32, 240u32);
    let mut enc = Vp8Encoder::new(w, h, 1000, 1, -6).unwrap();
    let mut bgra = vec![0u8; (w * h * 4) as usize];
    let mut i420 = vec![0u8; (w * h * 3 / 2) as usize];
    let mut keys = Vec::new();
    for n in 0..6u8 {
        // Something changes every frame, so every frame has data.
        bgra.iter_mut()
            .step_by(7)
            .for_each(|b| *b = b.wrapping_add(n * 13 + 1));
        bgra_to_i420(&bgra, (w * 4) as usize, w as usize, h as usize, &mut i420);
        let frames = enc.encode(&mut i420, n as i64 * 33, 33, n == 4).unwrap();
        assert_eq!(frames.len(), 1, "one frame in, one frame out");
        assert!(!frames[0].data.is_empty());
        keys.push(frames[0].key);
    }
    assert_eq!(keys, [true, false, false, false, true, false]);
}

/// Two monitors side by side, each a flat colour that changes per grab.
struct FakeDesktop {
    monitors: Vec<Monitor>,
    frame: Vec<u8>,
    grabs: u8,
}

fn monitor(name: &str, x: i32, width: u32, height: u32) -> Monitor {
    Monitor {
        name: name.into(),
        x,
        y: 0,
        width,
        height,
        primary: x == 0,
    }
}

impl Capturer for FakeDesktop {
    fn monitors(&mut self) -> Result<Vec<Monitor>, Error> {
        Ok(self.monitors.clone())
    }

    fn grab(&mut self, m: &Monitor) -> Result<Frame<'_>, Error> {
        self.grabs = self.grabs.wrapping_add(1);
        self.frame.clear();
        self.frame
            .resize((m.width * m.height * 4) as usize, self.grabs);
        Ok(Frame {
            bgra: &self.frame,
            width: m.width,
            height: m.height,
            stride: m.width * 4,
        })
    }
}

async fn next(rx: &mut tokio::sync::mpsc::Receiver<PipelineEvent>) -> PipelineEvent {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a pipeline event within 10 s")
        .expect("the pipeline is running")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pipeline_reports_monitors_sends_frames_and_switches_monitor() {
    let desktop = FakeDesktop {
        monitors: vec![
            monitor("left", 0, 320, 240),
            monitor("right", 320, 160, 120),
        ],
        frame: Vec::new(),
        grabs: 0,
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let control = PipelineControl::default();
    let pipeline = Pipeline::start(Box::new(desktop), control.clone(), tx).unwrap();

    match next(&mut rx).await {
        PipelineEvent::Monitors { monitors, current } => {
            assert_eq!(monitors.len(), 2);
            assert_eq!(current, 0);
        }
        _ => panic!("monitors come first"),
    }
    match next(&mut rx).await {
        PipelineEvent::Frame { key, data, .. } => assert!(key && !data.is_empty()),
        _ => panic!("then a keyframe"),
    }

    control.monitor.store(1, Ordering::Relaxed);
    let switched = loop {
        if let PipelineEvent::Monitors { current, .. } = next(&mut rx).await {
            break current;
        }
    };
    assert_eq!(switched, 1);
    // The new size needs a new encoder, which starts with a keyframe.
    match next(&mut rx).await {
        PipelineEvent::Frame { key, .. } => assert!(key),
        _ => panic!("a frame of the new monitor"),
    }
    drop(pipeline);
}
