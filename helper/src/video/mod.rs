//! The picture: capture, convert, encode, on a thread of its own
//! ([`pipeline`]), so a slow frame never holds up signalling or input.

pub mod convert;
pub mod pipeline;
pub mod vp8;
