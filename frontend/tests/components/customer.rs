//! The customer's side: chat, the consent dialog, the sharing banner, the
//! form, and the language switcher.

use frontend::components::chat::{Chat, ChatProps};
use frontend::components::consent_dialog::{ConsentDialog, ConsentDialogProps};
use frontend::components::sharing_banner::{SharingBanner, SharingBannerProps};
use frontend::pages::customer::CustomerPage;
use frontend::state::customer::ShareKind;
use frontend::state::{Entry, Notice, Speaker, Transcript};
use protocol::Role;
use protocol::ws::ConsentScope;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlTextAreaElement;
use yew::AttrValue;

use super::*;

#[wasm_bindgen_test]
async fn chat_shows_who_said_what_and_sends() {
    let root = mount_point();
    let (on_send, sent) = recorder::<String>();
    let props = ChatProps {
        transcript: Transcript::from(vec![
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
        ]),
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
        scope: ConsentScope::ScreenView,
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
        scope: ConsentScope::ScreenView,
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
