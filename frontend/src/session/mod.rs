//! The glue between the network, the peer connection and the reducers: one
//! controller per page. Each owns the page's socket and peer links, turns
//! their events into reducer actions, and does the side effects an action
//! implies (create the peer link on `started`, stop capture on `ended`).
//! Pages call its methods from clicks and read nothing from it but media
//! streams, which cannot live in the plain-Rust state.

pub mod console;
pub mod customer;
