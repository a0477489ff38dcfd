//! The console's PIN card: the PIN, its link and QR code, and notes that
//! save themselves.

use frontend::components::pin_card::{PinCard, PinCardProps};
use frontend::state::Problem;
use frontend::state::console::{IssuedPin, PinCard as PinCardState, Save};
use protocol::ErrorCode;
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Element;
use yew::Callback;

use super::*;

fn issued_pin(link: &str) -> IssuedPin {
    IssuedPin {
        pin: "123456".into(),
        link: link.into(),
        expires_at_ms: js_sys::Date::now() + 600_000.0,
        session: None,
        used_by: None,
    }
}

/// Every `(pin, notes)` the PIN card asked to save.
type Saves = Rc<RefCell<Vec<(String, String)>>>;

/// A PIN card whose notes saves are recorded.
fn render_pin_card(card: PinCardState) -> (Element, Saves) {
    let root = mount_point();
    let (on_save_notes, saves) = recorder::<(String, String)>();
    let props = PinCardProps {
        card,
        on_new: Callback::noop(),
        on_copy: Callback::noop(),
        on_notes: Callback::noop(),
        on_save_notes,
    };
    yew::Renderer::<PinCard>::with_root_and_props(root.clone(), props).render();
    (root, saves)
}

/// Leaves a field the way a person does (the event `onblur` listens to).
fn blur(root: &Element, selector: &str) {
    let event = web_sys::Event::new("blur").unwrap();
    find(root, selector).dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn pin_card_before_and_after_issuing() {
    let root = mount_point();
    let (on_new, news) = recorder::<bool>();
    let (on_copy, copies) = recorder::<String>();
    let (on_notes, notes) = recorder::<String>();
    let (on_save_notes, saves) = recorder::<(String, String)>();
    let link = "http://127.0.0.1:8080/?code=123456";
    let card = PinCardState {
        issued: Some(issued_pin(link)),
        ..PinCardState::default()
    };
    let props = PinCardProps {
        card,
        on_new,
        on_copy,
        on_notes,
        on_save_notes,
    };
    yew::Renderer::<PinCard>::with_root_and_props(root.clone(), props).render();
    settle().await;

    assert_eq!(text(&root, "#pin-value"), "123456");
    assert_eq!(text(&root, "#pin-link"), link);
    assert_eq!(
        find(&root, "#pin-link").get_attribute("href").as_deref(),
        Some(link)
    );
    assert_eq!(find(&root, "#pin-qr").tag_name().to_lowercase(), "svg");
    assert_eq!(text(&root, "#copy-link"), "Copy link");
    assert_eq!(text(&root, "#another-pin"), "Create another PIN");
    assert_eq!(text(&root, "#new-pin"), "New PIN");
    assert_eq!(text(&root, "label[for=pin-notes]"), "Notes");

    click(&root, "#new-pin");
    click(&root, "#another-pin");
    click(&root, "#copy-link");
    type_into(&root, "#pin-notes", "printer");
    settle().await;
    assert_eq!(*news.borrow(), vec![false, true]);
    assert_eq!(*copies.borrow(), vec![link.to_string()]);
    assert_eq!(*notes.borrow(), vec!["printer".to_string()]);
    // Nothing was edited (the props say `Clean`), so leaving saves nothing.
    blur(&root, "#pin-notes");
    settle().await;
    assert!(saves.borrow().is_empty());
}

#[wasm_bindgen_test]
async fn pin_card_notes_save_after_a_pause_and_on_blur() {
    let card = PinCardState {
        issued: Some(issued_pin("http://x/?code=123456")),
        notes: "vpn".into(),
        notes_save: Save::Dirty,
        ..PinCardState::default()
    };
    let (root, saves) = render_pin_card(card.clone());
    settle().await;
    assert!(saves.borrow().is_empty(), "waits for a pause");
    gloo::timers::future::TimeoutFuture::new(1_700).await;
    assert_eq!(
        *saves.borrow(),
        vec![("123456".to_string(), "vpn".to_string())]
    );
    assert_eq!(text(&root, "#pin-notes-state"), "");

    let (root, saves) = render_pin_card(card);
    settle().await;
    blur(&root, "#pin-notes");
    settle().await;
    assert_eq!(
        *saves.borrow(),
        vec![("123456".to_string(), "vpn".to_string())]
    );
}

#[wasm_bindgen_test]
async fn pin_card_notes_say_saved_or_why_not() {
    let saved = PinCardState {
        issued: Some(issued_pin("http://x/?code=123456")),
        notes: "vpn".into(),
        notes_save: Save::Saved,
        ..PinCardState::default()
    };
    let (root, _) = render_pin_card(saved.clone());
    settle().await;
    assert_eq!(text(&root, "#pin-notes-state"), "Saved");
    assert_eq!(text(&root, "#pin-notes-error").trim(), "");

    let failed = |code| PinCardState {
        notes_save: Save::Failed,
        notes_problem: Some(Problem::code(code)),
        ..saved.clone()
    };
    for (code, says) in [
        (ErrorCode::OutOfOrder, "expired or was replaced"),
        (ErrorCode::PinUnknown, "not one of yours"),
        (ErrorCode::TooLong, "at most 4000 characters"),
    ] {
        let (root, saves) = render_pin_card(failed(code));
        settle().await;
        let error = text(&root, "#pin-notes-error");
        assert!(error.contains(says), "{code:?}: {error}");
        assert_eq!(text(&root, "#pin-notes-state"), "");
        assert_eq!(
            find(&root, "#pin-notes")
                .get_attribute("aria-invalid")
                .as_deref(),
            Some("true")
        );
        // Leaving the field tries again.
        blur(&root, "#pin-notes");
        settle().await;
        assert_eq!(saves.borrow().len(), 1);
    }

    // Before "New PIN" the notes go with the request: nothing to save to.
    let (root, saves) = render_pin_card(PinCardState {
        notes: "vpn".into(),
        ..PinCardState::default()
    });
    settle().await;
    blur(&root, "#pin-notes");
    gloo::timers::future::TimeoutFuture::new(1_700).await;
    assert!(saves.borrow().is_empty());
}
