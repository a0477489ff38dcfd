//! The Lifeline browser app's entry point. Everything lives in the library
//! (`src/lib.rs` has the map); this only starts it in the browser.

fn main() {
    #[cfg(target_arch = "wasm32")]
    frontend::run();
}
