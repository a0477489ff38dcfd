//! Small helpers around `window`: the clock, the page's address, the tab
//! title, the remembered language, the clipboard and the console log.
//! Each one hides a `web_sys` call that may fail in odd browsers, so the
//! pages never unwrap a `JsValue`.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::format;

/// Unix milliseconds from the browser's clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Minutes east of UTC of the browser's time zone.
pub fn utc_offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// "14:05" in the browser's time zone.
pub fn clock(unix_ms: f64) -> String {
    format::clock(unix_ms, utc_offset_minutes())
}

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

/// The page's path, e.g. `/console`.
pub fn path() -> String {
    location()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_else(|| "/".into())
}

/// The page's query string including `?`, or empty.
pub fn query() -> String {
    location().and_then(|l| l.search().ok()).unwrap_or_default()
}

/// The signalling socket on this page's host.
pub fn socket_url() -> String {
    let (protocol, host) = location()
        .map(|l| {
            (
                l.protocol().unwrap_or_else(|_| "http:".into()),
                l.host().unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    crate::location::socket_url(&protocol, &host)
}

/// Sets the browser tab's title.
pub fn set_title(title: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(title);
    }
}

/// Sets `<html lang>`, so screen readers pronounce the page right.
pub fn set_document_lang(tag: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", tag);
    }
}

/// The browser's preferred languages, most preferred first.
pub fn preferred_languages() -> Vec<String> {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        return Vec::new();
    };
    let mut tags: Vec<String> = nav
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if tags.is_empty() {
        tags.extend(nav.language());
    }
    tags
}

const LANG_KEY: &str = "lifeline.lang";

/// The language chosen with the switcher earlier, if any.
pub fn stored_language() -> Option<String> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
}

/// Remembers the switcher's choice for the next visit.
pub fn store_language(tag: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(LANG_KEY, tag);
    }
}

/// Copies text to the clipboard; false if the browser refused.
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = window.navigator().clipboard();
    // `navigator.clipboard` is missing on plain-HTTP pages other than
    // localhost; there is nothing else to fall back to without a hack.
    if clipboard.is_undefined() {
        return false;
    }
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

/// Whether this browser lets a page ask to read the clipboard (Chromium
/// does, asking the person; Firefox lets only extensions).
pub fn can_read_clipboard() -> bool {
    web_sys::window().is_some_and(|w| {
        let clipboard = w.navigator().clipboard();
        !clipboard.is_undefined()
            && js_sys::Reflect::has(&clipboard, &"readText".into()).unwrap_or(false)
    })
}

/// The clipboard's text; `None` if the browser or the person refused.
pub async fn paste_text() -> Option<String> {
    if !can_read_clipboard() {
        return None;
    }
    let clipboard = web_sys::window()?.navigator().clipboard();
    JsFuture::from(clipboard.read_text())
        .await
        .ok()?
        .as_string()
}

/// Logs a diagnostic to the browser console.
pub fn log(message: &str) {
    web_sys::console::log_1(&message.into());
}

/// Focuses the element with this id, if it exists and can take focus.
pub fn focus(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// `navigator.platform` and the user agent, to pick a helper download.
pub fn platform_and_agent() -> (String, String) {
    web_sys::window()
        .map(|w| {
            let navigator = w.navigator();
            (
                navigator.platform().unwrap_or_default(),
                navigator.user_agent().unwrap_or_default(),
            )
        })
        .unwrap_or_default()
}

/// Selects an element's text, so a person can copy it with Ctrl+C where
/// the page may not write to the clipboard.
pub fn select_text(element: &web_sys::Element) {
    if let Some(selection) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) {
        let _ = selection.select_all_children(element);
    }
}
