//! Remote control's plain logic, kept out of the browser glue so it is
//! tested on its own:
//!
//! - [`point`]: where a point over the helper's video falls on the
//!   customer's monitor, with `object-fit: contain` letterboxing;
//! - [`wheel`]: wheel deltas as whole notches, remainders kept;
//! - [`driver`]: what the console sends the helper for each pointer and
//!   key event, and nothing at all in View only;
//! - [`modifiers`]: Shift, Ctrl, Alt and Meta kept in step with what
//!   each key event says is held;
//! - [`click`]: the console's remote-control clicks, as the view hands
//!   them to the desk;
//! - [`platform`]: which helper download suits the customer's computer,
//!   and the command that runs it.

pub mod click;
pub mod driver;
pub mod modifiers;
pub mod platform;
pub mod point;
pub mod wheel;

pub use click::ControlClick;
pub use driver::{Driver, KeyOutcome, Outgoing, SpecialKey};
pub use modifiers::Modifiers;
pub use point::{Layout, Point, map_point};
pub use wheel::{Notches, WheelUnit};
