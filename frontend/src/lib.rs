//! The Lifeline browser app: the customer page (`/`) and the technician
//! console (`/console`), one yew app compiled to wasm by Trunk.
//!
//! Plain Rust, built and unit-tested natively as well as for wasm:
//! - [`i18n`]: every visible string, one file per language, and how the
//!   language is picked.
//! - [`state`]: the reducers behind both pages (`Action` enums and
//!   `impl Reducible`), all mutation in one place.
//! - [`format`]: clock times, countdowns, durations, stream quality.
//! - [`location`]: the socket URL and the `?code=` prefill, from the page's address.
//! - [`signal_data`]: the JSON shape of WebRTC signalling inside `signal` frames.
//! - [`qr`]: the PIN link as an inline SVG QR code.
//! - [`remote`]: remote control's plain logic: point mapping, wheel
//!   notches, what input is sent, the helper download to offer.
//!
//! Browser only (`wasm32`):
//! - `app`: the root component; picks the page from the path.
//! - `pages`: the customer page and the console.
//! - `components`: the pieces both pages are built from.
//! - `session`: the glue that turns socket, peer and click events into
//!   reducer actions and side effects, one per page.
//! - `net`: the signalling WebSocket and the HTTP API.
//! - `rtc`: the only module that touches `web_sys::Rtc*`.
//! - `media`: screen and camera capture.
//! - `sound`: the queue ring, made with Web Audio.
//! - `browser`: small helpers around `window` (clock, storage, title).
//! - `picked`: files and folders picked or dropped to send, and the
//!   files panel's clicks.

pub mod format;
pub mod i18n;
pub mod location;
pub mod qr;
pub mod remote;
pub mod signal_data;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod media;
#[cfg(target_arch = "wasm32")]
pub mod net;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod picked;
#[cfg(target_arch = "wasm32")]
pub mod rtc;
#[cfg(target_arch = "wasm32")]
pub mod session;
#[cfg(target_arch = "wasm32")]
pub mod sound;

/// Mounts the app on `<body>`.
#[cfg(target_arch = "wasm32")]
pub fn run() {
    yew::Renderer::<app::App>::new().render();
}
