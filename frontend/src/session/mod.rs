//! The glue between the network, the peer connection and the reducers: one
//! controller per page, owning every side effect the page has (socket,
//! peer links, capture, HTTP). Each turns what happens into reducer
//! actions and does what an action implies (create the peer link on
//! `started`, stop capture on `ended`). Pages call controller methods from
//! clicks and read nothing from them but media streams, which cannot live
//! in the plain-Rust state.
//!
//! - [`wiring`]: what both controllers share: the [`wiring::Controller`]
//!   trait and the socket ↔ controller ↔ peer hookup built on it.
//! - [`peer`]: one session's peer link with the channels the app uses.
//! - [`console`]: the technician console's controller.
//! - [`customer`]: the customer page's controller.

pub mod console;
pub mod customer;
pub mod files;
pub mod peer;
pub mod wiring;
