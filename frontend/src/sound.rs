//! The ring when a customer starts waiting: a soft two-tone chime made with
//! Web Audio, so there is no sound file to ship or fetch.

use std::cell::RefCell;

use web_sys::{AudioContext, AudioContextState, OscillatorType};

thread_local! {
    /// One context for the page: browsers limit how many may exist.
    static CONTEXT: RefCell<Option<AudioContext>> = const { RefCell::new(None) };
}

fn context() -> Option<AudioContext> {
    CONTEXT.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = AudioContext::new().ok();
        }
        cell.clone()
    })
}

/// Wakes audio up from a click or key press. Browsers keep audio suspended
/// until the person has interacted with the page; the console calls this on
/// its first interactions so a later ring is heard.
pub fn unlock() {
    if let Some(ctx) = context().filter(|c| c.state() == AudioContextState::Suspended) {
        let _ = ctx.resume();
    }
}

/// Plays the ring: two rising chimes, about a second in all.
pub fn ring() {
    let Some(ctx) = context() else {
        return;
    };
    if ctx.state() == AudioContextState::Suspended {
        let _ = ctx.resume();
    }
    let start = ctx.current_time() + 0.05;
    for (offset, freq) in [(0.0, 660.0), (0.18, 880.0), (0.6, 660.0), (0.78, 880.0)] {
        let _ = chime(&ctx, start + offset, freq);
    }
}

fn chime(ctx: &AudioContext, at: f64, freq: f32) -> Result<(), wasm_bindgen::JsValue> {
    let osc = ctx.create_oscillator()?;
    osc.set_type(OscillatorType::Sine);
    osc.frequency().set_value(freq);
    let gain = ctx.create_gain()?;
    let level = gain.gain();
    // A quick rise and an exponential fall sound like a bell, not a beep.
    level.set_value_at_time(0.0001, at)?;
    level.exponential_ramp_to_value_at_time(0.25, at + 0.02)?;
    level.exponential_ramp_to_value_at_time(0.0001, at + 0.35)?;
    osc.connect_with_audio_node(&gain)?;
    gain.connect_with_audio_node(&ctx.destination())?;
    osc.start_with_when(at)?;
    osc.stop_with_when(at + 0.4)?;
    Ok(())
}
