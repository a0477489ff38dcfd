//! Remote control's parts: the console's panel (status, modes, screen,
//! tools) and the customer's dialog wording, helper steps and banner.

use std::rc::Rc;

use frontend::components::consent_dialog::{ConsentDialog, ConsentDialogProps};
use frontend::components::control_banner::{ControlBanner, ControlBannerProps};
use frontend::components::helper_offer::{HelperOfferPanel, HelperOfferProps};
use frontend::components::remote_control::{RemoteControlPanel, RemoteControlProps};
use frontend::remote::{ControlClick, Modifiers, SpecialKey};
use frontend::state::console::{Permission, RemoteControl};
use frontend::state::control::Helper;
use frontend::state::customer::{HelperOffer, ShareKind};
use protocol::peer::input::Monitor;
use protocol::ws::{ConsentScope, HelperDownload};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Event, EventInit, HtmlSelectElement, KeyboardEvent, KeyboardEventInit};
use yew::{AttrValue, Callback};

use super::*;

fn panel(control: RemoteControl) -> (Element, Rc<RefCell<Vec<ControlClick>>>) {
    let root = mount_point();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let props = RemoteControlProps {
        control: Rc::new(control),
        customer: AttrValue::from("Ann"),
        stream: None,
        on_click: Callback::from(move |click| {
            sink.borrow_mut().push(click);
            true
        }),
    };
    yew::Renderer::<RemoteControlPanel>::with_root_and_props(root.clone(), props).render();
    (root, seen)
}

fn helper_in(controlling: bool) -> RemoteControl {
    RemoteControl {
        permission: Permission::Allowed,
        helper: Helper::Joined,
        controlling,
        ..RemoteControl::default()
    }
}

fn monitor(name: &str, primary: bool) -> Monitor {
    Monitor {
        name: name.into(),
        x: 0,
        y: 0,
        width: 1920,
        height: 1080,
        primary,
    }
}

#[wasm_bindgen_test]
async fn the_status_line_follows_the_helper() {
    let (root, _) = panel(RemoteControl::default());
    settle().await;
    assert!(!exists(&root, ".helper-status"), "nothing to say yet");

    let waiting = RemoteControl {
        permission: Permission::Allowed,
        ..RemoteControl::default()
    };
    let (root, _) = panel(waiting);
    settle().await;
    assert!(text(&root, ".helper-status").contains("Waiting for Ann to download and run"));
    assert!(!exists(&root, "#helper-screen"));

    let unavailable = RemoteControl {
        helper: Helper::Unavailable("No X11 display.".into()),
        ..RemoteControl::default()
    };
    let (root, _) = panel(unavailable);
    settle().await;
    assert!(
        text(&root, ".helper-status").contains("not available on Ann's computer: No X11 display.")
    );

    let left = RemoteControl {
        helper: Helper::Left,
        ..RemoteControl::default()
    };
    let (root, _) = panel(left);
    settle().await;
    assert_eq!(text(&root, ".helper-status"), "The Lifeline Helper left.");
}

#[wasm_bindgen_test]
async fn modes_show_the_servers_word_and_ask_for_a_change() {
    let (root, seen) = panel(helper_in(true));
    settle().await;
    assert!(text(&root, ".helper-status").contains("connected"));
    let pressed = |id: &str| find(&root, id).get_attribute("aria-pressed").unwrap();
    assert_eq!(pressed("#control-mode-control"), "true");
    assert_eq!(pressed("#control-mode-view"), "false");
    let video = find(&root, "video#helper-screen");
    assert_eq!(video.get_attribute("tabindex").as_deref(), Some("0"));
    click(&root, "#control-mode-view");
    settle().await;
    assert_eq!(*seen.borrow(), vec![ControlClick::Mode(false)]);
}

#[wasm_bindgen_test]
async fn keys_on_the_screen_go_out_and_focus_offers_release() {
    let (root, seen) = panel(helper_in(true));
    settle().await;
    let video: HtmlElement = find(&root, "#helper-screen").unchecked_into();
    video.focus().unwrap();
    settle().await;
    assert_eq!(text(&root, "#release-keyboard"), "Release keyboard");

    let init = KeyboardEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_code("KeyA");
    init.set_key("a");
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    video.dispatch_event(&event).unwrap();
    assert!(
        event.default_prevented(),
        "the console's page must not act on it"
    );

    click(&root, "#release-keyboard");
    settle().await;
    assert!(!exists(&root, "#release-keyboard"));
    assert_eq!(
        *seen.borrow(),
        vec![
            ControlClick::Key {
                code: "KeyA".into(),
                key: "a".into(),
                down: true,
                composing: false,
                modifiers: Modifiers::default(),
            },
            ControlClick::Blur
        ]
    );
}

#[wasm_bindgen_test]
async fn the_context_menu_never_opens_over_the_screen() {
    let (root, _) = panel(helper_in(false));
    settle().await;
    let init = EventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = Event::new_with_event_init_dict("contextmenu", &init).unwrap();
    find(&root, "#helper-screen")
        .dispatch_event(&event)
        .unwrap();
    assert!(event.default_prevented());
}

#[wasm_bindgen_test]
async fn tools_send_special_keys_monitors_and_clipboard() {
    let mut control = helper_in(true);
    control.monitors = vec![monitor("eDP-1", true), monitor("HDMI-1", false)];
    control.clipboard = "copied text".into();
    let (root, seen) = panel(control);
    settle().await;
    for key in SpecialKey::ALL {
        click(
            &root,
            &format!("#special-keys button[data-special-key=\"{}\"]", key.name()),
        );
    }
    let select: HtmlSelectElement = find(&root, "select#helper-monitor").unchecked_into();
    assert_eq!(select.options().length(), 2);
    select.set_value("1");
    let init = EventInit::new();
    init.set_bubbles(true);
    select
        .dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    click(&root, "#clipboard-push");
    click(&root, "#clipboard-pull");
    type_into(&root, "#clipboard-text", "new");
    settle().await;
    let mut expected: Vec<ControlClick> = SpecialKey::ALL
        .into_iter()
        .map(ControlClick::Special)
        .collect();
    expected.extend([
        ControlClick::Monitor(1),
        ControlClick::ClipboardPush("copied text".into()),
        ControlClick::ClipboardPull,
        ControlClick::EditClipboard("new".into()),
    ]);
    assert_eq!(*seen.borrow(), expected);
}

#[wasm_bindgen_test]
async fn view_only_disables_the_tools_and_one_monitor_has_no_choice() {
    let mut control = helper_in(false);
    control.monitors = vec![monitor("eDP-1", true)];
    let (root, seen) = panel(control);
    settle().await;
    assert!(!exists(&root, "#helper-monitor"));
    click(&root, "#clipboard-push");
    click(&root, "button[data-special-key=\"super\"]");
    settle().await;
    assert!(seen.borrow().is_empty(), "disabled buttons send nothing");
}

#[wasm_bindgen_test]
async fn the_consent_dialog_words_control_differently() {
    let root = mount_point();
    let (on_answer, answers) = recorder::<bool>();
    let (on_expired, _) = recorder::<()>();
    let props = ConsentDialogProps {
        technician: AttrValue::from("Tess"),
        scope: ConsentScope::RemoteControl,
        deadline_ms: js_sys::Date::now() + 60_000.0,
        kind: ShareKind::Screen,
        on_answer,
        on_expired,
    };
    yew::Renderer::<ConsentDialog>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert!(text(&root, "#consent-body").contains(
        "Tess asks to control your mouse and keyboard. To allow it you will run a small program, the Lifeline Helper."
    ));
    click(&root, "#allow");
    settle().await;
    assert_eq!(*answers.borrow(), vec![true]);
}

fn offer_props(platform: &str) -> HelperOfferProps {
    HelperOfferProps {
        offer: HelperOffer {
            downloads: vec![HelperDownload {
                platform: "linux-x86_64".into(),
                url: "/helper/linux-x86_64/abc".into(),
                file_name: "lifeline-helper".into(),
            }],
            expires_ms: js_sys::Date::now() + 600_000.0,
        },
        technician: AttrValue::from("Tess"),
        platform: AttrValue::from(platform.to_owned()),
        user_agent: AttrValue::from("Mozilla/5.0 (X11; Linux x86_64)"),
    }
}

#[wasm_bindgen_test]
async fn the_helper_steps_offer_this_computers_download() {
    let root = mount_point();
    yew::Renderer::<HelperOfferPanel>::with_root_and_props(
        root.clone(),
        offer_props("Linux x86_64"),
    )
    .render();
    settle().await;
    let link = find(&root, "#helper-offer a#helper-download");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/helper/linux-x86_64/abc")
    );
    assert_eq!(
        link.get_attribute("download").as_deref(),
        Some("lifeline-helper")
    );
    assert_eq!(
        text(&root, "code#helper-command"),
        "chmod +x ~/Downloads/lifeline-helper && ~/Downloads/lifeline-helper"
    );
    assert!(exists(&root, "button#helper-command-copy"));
    assert!(text(&root, ".helper-expires").contains("The download works until"));
}

#[wasm_bindgen_test]
async fn a_computer_without_a_helper_is_told_the_session_goes_on() {
    let root = mount_point();
    yew::Renderer::<HelperOfferPanel>::with_root_and_props(
        root.clone(),
        offer_props("Linux aarch64"),
    )
    .render();
    settle().await;
    assert!(!exists(&root, "#helper-download"));
    let said = text(&root, "#helper-offer");
    assert!(said.contains("not available for this computer") && said.contains("session goes on"));
}

#[wasm_bindgen_test]
async fn the_banner_says_who_controls_and_stops_it() {
    for (controlling, line) in [
        (true, "Tess is controlling your computer"),
        (false, "Tess can see your computer (view only)"),
    ] {
        let root = mount_point();
        let (on_stop, stops) = recorder::<()>();
        let props = ControlBannerProps {
            technician: AttrValue::from("Tess"),
            controlling,
            on_stop,
        };
        yew::Renderer::<ControlBanner>::with_root_and_props(root.clone(), props).render();
        settle().await;
        assert_eq!(text(&root, "#control-banner .control-text"), line);
        assert_eq!(text(&root, "#stop-control"), "Stop control");
        click(&root, "#stop-control");
        settle().await;
        assert_eq!(stops.borrow().len(), 1);
    }
}
