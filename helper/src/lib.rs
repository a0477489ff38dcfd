//! The Lifeline Helper: a small native program the customer runs, after
//! allowing remote control, so the technician can see and use their
//! desktop. It joins the support session with the single-use token its
//! download carries, answers the technician console's WebRTC offer with a
//! VP8 stream of the screen, and injects the console's mouse and keyboard
//! input while the server says the technician is in control.
//!
//! Map:
//! - [`launch`]: server and token, from the file's trailer or arguments
//! - [`run`]: start-up, availability check, `helper_join`
//! - [`session`]: the joined helper's event loop, and every way it ends
//! - [`signalling`]: the WebSocket to the server
//! - [`link`]: one console link: peer connection + capture pipeline
//! - [`rtc`]: webrtc-rs peer, congestion estimate, keyframe requests,
//!   browser-shaped signal JSON
//! - [`video`]: capture thread, BGRA → I420, VP8 encoder
//! - [`control`]: input under control mode, with held keys remembered
//! - [`input_worker`]: the input thread around [`control`]
//! - [`desktop`]: the `Capturer` / `InputSink` / `Clipboard` traits and
//!   their X11 backend
//! - [`say`]: what the customer reads

pub mod control;
pub mod desktop;
pub mod input_worker;
pub mod launch;
pub mod link;
pub mod rtc;
pub mod run;
pub mod say;
pub mod session;
pub mod signalling;
pub mod video;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
