//! Talking to the Lifeline server: the signalling WebSocket and the HTTP API.

pub mod api;
pub mod signal_socket;
