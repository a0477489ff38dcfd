//! Capturing what the customer shares: a screen through the browser's own
//! picker, or, where there is none (phones), the back camera.

use js_sys::{Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DisplayMediaStreamConstraints, MediaDevices, MediaStream, MediaStreamConstraints,
    MediaStreamTrack,
};

use crate::state::customer::ShareKind;

fn devices() -> Option<MediaDevices> {
    let devices = web_sys::window()?.navigator().media_devices().ok()?;
    // Missing on insecure pages, where the getter yields `undefined`.
    (!devices.is_undefined()).then_some(devices)
}

/// What this browser can share: a screen where `getDisplayMedia` exists,
/// else the camera.
pub fn share_kind() -> ShareKind {
    let has_picker = devices()
        .map(|d| Reflect::has(&d, &"getDisplayMedia".into()).unwrap_or(false))
        .unwrap_or(false);
    if has_picker {
        ShareKind::Screen
    } else {
        ShareKind::Camera
    }
}

/// Asks the browser for a capture. Call it straight from the click handler,
/// before any `await`: browsers open the picker only while the click's user
/// activation lasts.
pub fn request(kind: ShareKind) -> Result<JsFuture, JsValue> {
    let devices = devices().ok_or_else(|| JsValue::from_str("no media devices"))?;
    let promise = match kind {
        ShareKind::Screen => {
            let constraints = DisplayMediaStreamConstraints::new();
            constraints.set_video_bool(true);
            constraints.set_audio_bool(false);
            devices.get_display_media_with_constraints(&constraints)?
        }
        ShareKind::Camera => {
            let video = Object::new();
            let facing = Object::new();
            Reflect::set(&facing, &"ideal".into(), &"environment".into())?;
            Reflect::set(&video, &"facingMode".into(), &facing)?;
            let constraints = MediaStreamConstraints::new();
            constraints.set_video(&video);
            constraints.set_audio_bool(false);
            devices.get_user_media_with_constraints(&constraints)?
        }
    };
    Ok(JsFuture::from(promise))
}

/// Turns the result of [`request`] into a stream.
pub async fn captured(request: JsFuture) -> Result<MediaStream, JsValue> {
    request.await?.dyn_into::<MediaStream>()
}

/// Stops every track: the browser's "sharing" indicator goes away.
pub fn stop(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        track.unchecked_into::<MediaStreamTrack>().stop();
    }
}

/// Calls `ended` when the browser ends the capture by itself (its own
/// "Stop sharing" bar, a closed window, an unplugged camera). Keep the
/// returned closure as long as the stream is shared.
pub fn on_ended(stream: &MediaStream, ended: impl Fn() + 'static) -> Closure<dyn FnMut(JsValue)> {
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |_| ended());
    for track in stream.get_tracks().iter() {
        track
            .unchecked_into::<MediaStreamTrack>()
            .set_onended(Some(handler.as_ref().unchecked_ref()));
    }
    handler
}
