//! Browser tests for the components and the customer form: each renders
//! into its own element, acts like a person (click, type), and checks what
//! a person (or the end-to-end tests' selectors) would see.
//!
//! Run: `cargo test --target wasm32-unknown-unknown -p frontend`
//! (chromedriver on PATH; `.cargo/config.toml` sets the runner).

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use frontend::components::chat::{Chat, ChatProps};
use frontend::components::consent_dialog::{ConsentDialog, ConsentDialogProps};
use frontend::components::pin_card::{PinCard, PinCardProps};
use frontend::components::queue::{Queue, QueueProps};
use frontend::components::session_view::{SessionView, SessionViewProps};
use frontend::components::sharing_banner::{SharingBanner, SharingBannerProps};
use frontend::pages::customer::CustomerPage;
use frontend::state::console::{Fit, IssuedPin, PinCard as PinCardState, Save, Screen, SessionTab};
use frontend::state::customer::ShareKind;
use frontend::state::{Entry, Notice, PeerStatus, Problem, Speaker};
use protocol::ws::{EndReason, QueueEntry, SessionStatus};
use protocol::{ErrorCode, Role, SessionId};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{
    Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement, InputEvent, InputEventInit,
};
use yew::{AttrValue, Callback};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element to render into.
fn mount_point() -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    root
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn exists(root: &Element, selector: &str) -> bool {
    root.query_selector(selector).unwrap().is_some()
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

fn click(root: &Element, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
}

/// Types like a person: sets the value and fires a bubbling `input` event
/// (yew listens at the root, so the event must bubble to be seen).
fn type_into(root: &Element, selector: &str, value: &str) {
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
fn recorder<T: 'static>() -> (Callback<T>, Rc<RefCell<Vec<T>>>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    (Callback::from(move |v| sink.borrow_mut().push(v)), seen)
}

async fn settle() {
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn chat_shows_who_said_what_and_sends() {
    let root = mount_point();
    let (on_send, sent) = recorder::<String>();
    let props = ChatProps {
        transcript: vec![
            Entry::Chat {
                from: Speaker::Peer,
                text: "Hello, how can I help?".into(),
                at_ms: 0.0,
            },
            Entry::Notice {
                event: Notice::Allowed,
                at_ms: 0.0,
            },
            Entry::Chat {
                from: Speaker::Me,
                text: "My printer".into(),
                at_ms: 0.0,
            },
        ],
        side: Role::Customer,
        peer_name: AttrValue::from("Tess"),
        enabled: true,
        on_send,
    };
    yew::Renderer::<Chat>::with_root_and_props(root.clone(), props).render();
    settle().await;

    let lines = root.query_selector_all("#transcript .chat-line").unwrap();
    assert_eq!(lines.length(), 2, "notices are not chat lines");
    let first = lines.get(0).unwrap().text_content().unwrap();
    assert!(
        first.contains("Tess") && first.contains("Hello, how can I help?"),
        "{first}"
    );
    let second = lines.get(1).unwrap().text_content().unwrap();
    assert!(
        second.contains("You") && second.contains("My printer"),
        "{second}"
    );
    assert!(text(&root, ".chat-notice").contains("You allowed Tess to see your screen."));
    assert_eq!(text(&root, "label[for=message]"), "Message");
    assert_eq!(text(&root, "#send"), "Send");

    type_into(&root, "#message", "  It jams  ");
    settle().await;
    click(&root, "#send");
    settle().await;
    assert_eq!(*sent.borrow(), vec!["  It jams  ".to_string()]);
    let message: HtmlTextAreaElement = find(&root, "#message").unchecked_into();
    assert_eq!(message.value(), "", "the box empties after sending");

    // Nothing is sent for an empty box.
    click(&root, "#send");
    settle().await;
    assert_eq!(sent.borrow().len(), 1);
}

#[wasm_bindgen_test]
async fn consent_dialog_names_the_technician_and_answers() {
    let root = mount_point();
    let (on_answer, answers) = recorder::<bool>();
    let (on_expired, expired) = recorder::<()>();
    let props = ConsentDialogProps {
        technician: AttrValue::from("Tess"),
        deadline_ms: js_sys::Date::now() + 300_000.0,
        kind: ShareKind::Screen,
        on_answer,
        on_expired,
    };
    yew::Renderer::<ConsentDialog>::with_root_and_props(root.clone(), props).render();
    settle().await;

    assert!(text(&root, "#consent").contains("Tess asks to see your screen"));
    assert!(text(&root, "#consent .countdown").contains("5:00"));
    assert_eq!(text(&root, "#allow"), "Allow");
    assert_eq!(text(&root, "#deny"), "Deny");
    click(&root, "#deny");
    click(&root, "#allow");
    settle().await;
    assert_eq!(*answers.borrow(), vec![false, true]);
    assert!(expired.borrow().is_empty());
}

#[wasm_bindgen_test]
async fn consent_dialog_expires_by_itself() {
    let root = mount_point();
    let (on_answer, _) = recorder::<bool>();
    let (on_expired, expired) = recorder::<()>();
    let props = ConsentDialogProps {
        technician: AttrValue::from("Tess"),
        deadline_ms: js_sys::Date::now() - 1.0,
        kind: ShareKind::Camera,
        on_answer,
        on_expired,
    };
    yew::Renderer::<ConsentDialog>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert_eq!(expired.borrow().len(), 1);
    assert!(text(&root, "#consent-body").contains("back camera"));
}

#[wasm_bindgen_test]
async fn sharing_banner_stops() {
    let root = mount_point();
    let (on_stop, stops) = recorder::<()>();
    let props = SharingBannerProps {
        technician: AttrValue::from("Tess"),
        kind: ShareKind::Screen,
        on_stop,
    };
    yew::Renderer::<SharingBanner>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert!(text(&root, "#sharing-banner").contains("Tess can see what you share."));
    assert_eq!(text(&root, "#stop-sharing"), "Stop sharing");
    click(&root, "#stop-sharing");
    settle().await;
    assert_eq!(stops.borrow().len(), 1);
}

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

fn queue_entry(id: i64, name: &str, status: SessionStatus) -> QueueEntry {
    QueueEntry {
        id: SessionId(id),
        customer: name.into(),
        status,
        pin_suffix: "56".into(),
        joined_at: time::OffsetDateTime::from_unix_timestamp(
            (js_sys::Date::now() / 1000.0) as i64 - 65,
        )
        .unwrap(),
        notes: String::new(),
    }
}

#[wasm_bindgen_test]
async fn queue_rows_start_sessions() {
    let root = mount_point();
    let (on_start, starts) = recorder::<SessionId>();
    let (on_open, opens) = recorder::<SessionId>();
    let props = QueueProps {
        entries: vec![
            queue_entry(7, "Ann", SessionStatus::Waiting),
            queue_entry(8, "Bob", SessionStatus::Active),
        ],
        open: vec![SessionId(8)],
        on_start,
        on_open,
    };
    yew::Renderer::<Queue>::with_root_and_props(root.clone(), props).render();
    settle().await;

    let ann = find(&root, "#queue .queue-row[data-session=\"7\"]");
    let ann_text = ann.text_content().unwrap();
    assert!(
        ann_text.contains("Ann") && ann_text.contains("Waiting"),
        "{ann_text}"
    );
    assert!(
        ann_text.contains("for 1:05") || ann_text.contains("for 1:06"),
        "{ann_text}"
    );
    assert_eq!(
        text(&root, ".queue-row[data-session=\"7\"] .start-session"),
        "Start session"
    );
    assert!(!exists(
        &root,
        ".queue-row[data-session=\"8\"] .start-session"
    ));
    click(&root, ".queue-row[data-session=\"7\"] .start-session");
    click(&root, ".queue-row[data-session=\"8\"] .open-session");
    settle().await;
    assert_eq!(*starts.borrow(), vec![SessionId(7)]);
    assert_eq!(*opens.borrow(), vec![SessionId(8)]);
}

fn tab(ended: Option<EndReason>) -> SessionTab {
    SessionTab {
        id: SessionId(3),
        customer: "Ann".into(),
        peer: PeerStatus::Connected,
        transcript: vec![],
        screen: Screen::Idle,
        quality: None,
        notes: "from the pin".into(),
        notes_save: Save::Clean,
        fit: Fit::Fit,
        unread: 0,
        ended,
    }
}

fn session_props(tab: SessionTab) -> (SessionViewProps, Rc<RefCell<Vec<String>>>) {
    let log = Rc::new(RefCell::new(Vec::new()));
    let note = |what: &'static str| {
        let log = log.clone();
        move || log.borrow_mut().push(what.to_string())
    };
    let (a, b, c, d, e, f, g) = (
        note("send"),
        note("request"),
        note("fit"),
        note("notes"),
        note("save"),
        note("end"),
        note("close"),
    );
    let props = SessionViewProps {
        tab,
        stream: None,
        on_send: Callback::from(move |_| a()),
        on_request_screen: Callback::from(move |_| b()),
        on_fit: Callback::from(move |_| c()),
        on_notes: Callback::from(move |_| d()),
        on_save_notes: Callback::from(move |_| e()),
        on_end: Callback::from(move |_| f()),
        on_close: Callback::from(move |_| g()),
    };
    (props, log)
}

#[wasm_bindgen_test]
async fn session_view_has_every_control() {
    let root = mount_point();
    let (props, log) = session_props(tab(None));
    yew::Renderer::<SessionView>::with_root_and_props(root.clone(), props).render();
    settle().await;

    assert!(exists(&root, ".session-view[data-session=\"3\"]"));
    for id in [
        "#message",
        "#send",
        "#transcript",
        "#session-notes",
        "#connection-state",
        "#quality",
    ] {
        assert!(exists(&root, &format!(".session-view {id}")), "{id}");
    }
    assert_eq!(
        find(&root, "#remote-screen").tag_name().to_lowercase(),
        "video"
    );
    assert_eq!(text(&root, "#request-screen"), "Request screen view");
    assert_eq!(text(&root, "#end-session"), "End session");
    assert_eq!(text(&root, "#connection-state"), "Connected");
    assert_eq!(text(&root, "#quality"), "No screen is shared.");
    let notes: HtmlTextAreaElement = find(&root, "#session-notes").unchecked_into();
    assert_eq!(notes.value(), "from the pin");
    assert!(!exists(&root, "#session-ended"));

    click(&root, "#request-screen");
    click(&root, "#end-session");
    settle().await;
    assert_eq!(*log.borrow(), vec!["request", "end"]);
}

#[wasm_bindgen_test]
async fn ended_session_says_why() {
    let root = mount_point();
    let (props, log) = session_props(tab(Some(EndReason::CustomerLeft)));
    yew::Renderer::<SessionView>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert!(text(&root, "#session-ended").contains("Ann ended the session."));
    assert!(!exists(&root, "#end-session"));
    assert!(!exists(&root, "#request-screen"));
    click(&root, ".close-session");
    settle().await;
    assert_eq!(*log.borrow(), vec!["close"]);
}

#[wasm_bindgen_test]
async fn customer_form_explains_bad_input_without_a_server() {
    let root = mount_point();
    yew::Renderer::<CustomerPage>::with_root(root.clone()).render();
    settle().await;

    assert_eq!(text(&root, "label[for=pin]"), "PIN");
    assert_eq!(text(&root, "label[for=name]"), "Your name");
    assert_eq!(text(&root, "#connect"), "Connect");
    assert_eq!(text(&root, "#pin-error"), "");

    click(&root, "#connect");
    settle().await;
    assert_eq!(
        text(&root, "#pin-error"),
        "Please enter the 6-digit PIN your technician gave you."
    );
    assert_eq!(
        text(&root, "#name-error"),
        "Please enter your name so the technician knows who you are."
    );
    assert_eq!(
        find(&root, "#pin").get_attribute("aria-invalid").as_deref(),
        Some("true")
    );

    type_into(&root, "#pin", "12345");
    type_into(&root, "#name", "Ann");
    settle().await;
    assert_eq!(text(&root, "#pin-error"), "", "typing clears the error");
    click(&root, "#connect");
    settle().await;
    assert_eq!(
        text(&root, "#pin-error"),
        "A PIN is exactly 6 digits, like 123456."
    );
    assert_eq!(text(&root, "#name-error"), "");
}

#[wasm_bindgen_test]
async fn the_language_switcher_retranslates_the_page() {
    let root = mount_point();
    yew::Renderer::<frontend::app::App>::with_root(root.clone()).render();
    settle().await;
    // The runner's page is `/`, so the app shows the customer page.
    let select: web_sys::HtmlSelectElement = find(&root, "#lang").unchecked_into();
    select.set_value("nb");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let change = web_sys::Event::new_with_event_init_dict("change", &init).unwrap();
    select.dispatch_event(&change).unwrap();
    settle().await;
    assert_eq!(text(&root, "label[for=name]"), "Navnet ditt");
    assert_eq!(text(&root, "#connect"), "Koble til");
    let html = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .document_element()
        .unwrap();
    assert_eq!(html.get_attribute("lang").as_deref(), Some("nb"));

    select.set_value("ru");
    select.dispatch_event(&change).unwrap();
    settle().await;
    assert_eq!(text(&root, "#connect"), "Подключиться");
    // The choice is remembered for the next visit; leave none behind.
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert_eq!(
        storage.get_item("lifeline.lang").unwrap().as_deref(),
        Some("ru")
    );
    storage.remove_item("lifeline.lang").unwrap();
}
