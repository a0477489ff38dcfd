//! Browser tests of remote control's logic and state, without a server or
//! a helper: the reducers driven the way the server and the technician
//! do, where a signal goes by its sender, how a point over the helper's
//! video maps to the monitor, wheel notches, keys, View only sending
//! nothing, and which download the customer is offered.
//!
//! Run: `cargo test --target wasm32-unknown-unknown -p frontend`

#![cfg(target_arch = "wasm32")]

mod console_state;
mod customer_state;
mod input;
mod mapping;
mod platform;

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);
