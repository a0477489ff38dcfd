//! Wire types shared by the Lifeline signalling server and the browser app.
//!
//! Serde types and nothing else: this crate compiles both natively and to
//! wasm, so it must never pull in tokio or web-sys.
//!
//! - [`pin`]: the one-time 6-digit [`Pin`] and why a typed PIN is rejected.
//! - [`ids`]: [`SessionId`], [`RecordingId`] and the [`Role`] a socket plays in a session.
//! - [`error`]: [`ErrorCode`], the stable machine-readable error vocabulary.
//! - [`ws`]: WebSocket frames, [`ClientMessage`] (up) and [`ServerMessage`] (down).
//! - [`api`]: JSON bodies of the HTTP API (login, PINs, session reports).
//! - [`peer`]: the data channels the two browsers open to each other, one
//!   per purpose, and the messages on each.
//! - [`activity`]: what a console reports for a session's report (file
//!   transfers), sent with `activity`.
//! - [`limits`]: size limits both sides enforce.
//! - [`helper`]: the Lifeline Helper's download: platforms, token lifetime,
//!   and the trailer that binds a download to its session.
//!
//! `docs/protocol.md` describes the same protocol in prose for third-party clients.

pub mod activity;
pub mod api;
pub mod error;
pub mod helper;
pub mod ids;
pub mod limits;
pub mod peer;
pub mod pin;
pub mod ws;

pub use error::ErrorCode;
pub use ids::{RecordingId, Role, SessionId};
pub use pin::{Pin, PinError};
pub use ws::{ClientMessage, ServerMessage};
