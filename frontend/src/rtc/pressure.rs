//! Back-pressure for bulk senders: a data channel buffers whatever it is
//! given, so a sender that does not wait fills memory and delays every
//! other message on the connection. A paced sender waits while more than
//! [`Pacing::high`] bytes are unsent, and is woken by the channel's own
//! `bufferedamountlow` event once no more than [`Pacing::low`] are left:
//! no timer, so the pipe never runs dry waiting for one.

use js_sys::{Function, Promise};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AddEventListenerOptions, EventTarget, RtcDataChannel, RtcDataChannelState};

/// How much a paced sender lets the browser buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// Above this many unsent bytes the sender waits.
    pub high: u32,
    /// The sender is woken once the unsent bytes fall to this.
    pub low: u32,
}

/// Enough in flight to keep a fast link busy between wake-ups (a few
/// milliseconds on loopback), little enough to stay out of the way.
pub const BULK: Pacing = Pacing {
    high: 1 << 20,
    low: 256 << 10,
};

/// The channel closed while a sender waited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

/// Waits until `channel` is open and holds at most `pacing.high` unsent
/// bytes; `Err(Closed)` if it closes (or is closed) instead.
pub async fn ready(channel: &RtcDataChannel, pacing: Pacing) -> Result<(), Closed> {
    loop {
        match channel.ready_state() {
            RtcDataChannelState::Open if channel.buffered_amount() <= pacing.high => {
                return Ok(());
            }
            RtcDataChannelState::Open => {
                channel.set_buffered_amount_low_threshold(pacing.low);
                next_event(channel, &["bufferedamountlow", "close"]).await;
            }
            RtcDataChannelState::Connecting => next_event(channel, &["open", "close"]).await,
            _ => return Err(Closed),
        }
    }
}

/// Resolves at the first of `events` on `target`, then stops listening to
/// all of them, so a long transfer leaves no listeners behind.
async fn next_event(target: &EventTarget, events: &[&str]) {
    let mut wake: Option<Function> = None;
    let promise = Promise::new(&mut |resolve, _reject| wake = Some(resolve));
    let Some(wake) = wake else {
        return;
    };
    let once = AddEventListenerOptions::new();
    once.set_once(true);
    for event in events {
        let _ = target
            .add_event_listener_with_callback_and_add_event_listener_options(event, &wake, &once);
    }
    let _ = JsFuture::from(promise).await;
    for event in events {
        let _ = target.remove_event_listener_with_callback(event, &wake);
    }
}
