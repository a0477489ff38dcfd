//! Browser tests for the components and the customer form: each renders
//! into its own element, acts like a person (click, type), and checks what
//! a person (or the end-to-end tests' selectors) would see. One file per
//! part of the UI; the helpers below are shared.
//!
//! Run: `cargo test --target wasm32-unknown-unknown -p frontend`
//! (chromedriver on PATH; `.cargo/config.toml` sets the runner).

#![cfg(target_arch = "wasm32")]

mod control;
mod customer;
mod pin_card;
mod session;
mod technician_screen;
mod transfers;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test_configure;
use web_sys::{
    Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement, InputEvent, InputEventInit,
};
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element to render into.
pub fn mount_point() -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    root
}

pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

pub fn exists(root: &Element, selector: &str) -> bool {
    root.query_selector(selector).unwrap().is_some()
}

pub fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

pub fn click(root: &Element, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
}

/// Types like a person: sets the value and fires a bubbling `input` event
/// (yew listens at the root, so the event must bubble to be seen).
pub fn type_into(root: &Element, selector: &str, value: &str) {
    let el = find(root, selector);
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(area) = el.dyn_ref::<HtmlTextAreaElement>() {
        area.set_value(value);
    }
    let init = InputEventInit::new();
    init.set_bubbles(true);
    let event = InputEvent::new_with_event_init_dict("input", &init).unwrap();
    el.dispatch_event(&event).unwrap();
}

/// A callback that records what it was called with.
pub fn recorder<T: 'static>() -> (Callback<T>, Rc<RefCell<Vec<T>>>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    (Callback::from(move |v| sink.borrow_mut().push(v)), seen)
}

pub async fn settle() {
    yew::scheduler::flush().await;
}
