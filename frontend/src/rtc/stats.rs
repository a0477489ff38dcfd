//! The incoming picture's quality, read from the connection's statistics:
//! size, frame rate, bitrate (measured between polls) and round-trip time.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{Link, PeerLink};
use crate::format::Quality;

impl PeerLink {
    /// Reads the incoming picture's quality; `None` while no video
    /// arrives. Call it about once a second: bitrate is measured between
    /// calls. The returned future owns what it needs, so no borrow of the
    /// link is held across the wait.
    pub fn quality(&self) -> impl Future<Output = Option<Quality>> + 'static {
        let link = self.link.clone();
        async move { link.quality().await }
    }
}

/// One statistics poll's video numbers.
struct Video {
    width: f64,
    height: f64,
    fps: f64,
    bytes: Option<f64>,
    at: Option<f64>,
}

impl Link {
    async fn quality(self: Rc<Self>) -> Option<Quality> {
        if self.closed.get() {
            return None;
        }
        let report = JsFuture::from(self.pc.get_stats()).await.ok()?;
        let stats = entries(&report)?;

        let mut video = None;
        let mut rtt_ms = None;
        for stat in &stats {
            match text(stat, "type").as_deref() {
                Some("inbound-rtp") if text(stat, "kind").as_deref() == Some("video") => {
                    video = Some(Video {
                        width: number(stat, "frameWidth").unwrap_or(0.0),
                        height: number(stat, "frameHeight").unwrap_or(0.0),
                        fps: number(stat, "framesPerSecond").unwrap_or(0.0),
                        bytes: number(stat, "bytesReceived"),
                        at: number(stat, "timestamp"),
                    });
                }
                Some("candidate-pair")
                    if text(stat, "state").as_deref() == Some("succeeded")
                        && flag(stat, "nominated") =>
                {
                    if let Some(rtt) = number(stat, "currentRoundTripTime") {
                        rtt_ms = Some(rtt * 1000.0);
                    }
                }
                _ => {}
            }
        }
        let video = video?;
        if video.width == 0.0 {
            return None;
        }
        let kbps = match (video.bytes, video.at, self.last_bytes.get()) {
            (Some(bytes), Some(at), Some((last_bytes, last_at))) if at > last_at => {
                Some((bytes - last_bytes) * 8.0 / (at - last_at))
            }
            _ => None,
        };
        if let (Some(bytes), Some(at)) = (video.bytes, video.at) {
            self.last_bytes.set(Some((bytes, at)));
        }
        Some(Quality {
            width: video.width as u32,
            height: video.height as u32,
            fps: video.fps,
            kbps,
            rtt_ms,
        })
    }
}

/// Every entry of an `RTCStatsReport`. It is map-like; its own `forEach`
/// is the portable way in.
fn entries(report: &JsValue) -> Option<Vec<JsValue>> {
    let for_each: Function = Reflect::get(report, &"forEach".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let sink = Rc::new(RefCell::new(Vec::<JsValue>::new()));
    let collect = {
        let sink = sink.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |value| sink.borrow_mut().push(value))
    };
    for_each.call1(report, collect.as_ref()).ok()?;
    drop(collect);
    Some(std::mem::take(&mut *sink.borrow_mut()))
}

fn text(stat: &JsValue, key: &str) -> Option<String> {
    Reflect::get(stat, &key.into()).ok()?.as_string()
}

fn number(stat: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(stat, &key.into()).ok()?.as_f64()
}

fn flag(stat: &JsValue, key: &str) -> bool {
    Reflect::get(stat, &key.into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}
