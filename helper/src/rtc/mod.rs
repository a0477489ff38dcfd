//! The WebRTC side: one peer connection per console offer, answering with
//! a VP8 track and receiving the `control` and `input` channels the
//! console created. webrtc-rs 0.21 (the sans-IO `rtc` line underneath):
//! it has send-side congestion control (GCC over transport-wide CC)
//! built in; see README.md.

pub mod estimate;
pub mod keyframes;
pub mod peer;
pub mod signal_json;
